from __future__ import annotations

from pathlib import Path

import pytest

from service.backends.base import GenerationRequest
from service.checks.facts import ArticleFacts
from service.pipeline.prompts import PromptBook
from service.pipeline.stages.finalize import Finalized, FinalizeItem, Finalizer
from service.pipeline.stages.translate import Translator
from tests.fakes import FakeBackend, task_of, write_prompts

ARTICLE = (
    "President Donald Trump said on Monday that new tariffs of 25% would start in May. "
    "Markets fell 3% after the announcement, and 2,000 workers protested in Detroit."
)
FACTS = ArticleFacts(ARTICLE, "en")
TERMS = {"tariffs": "关税", "market": "市场", "workers": "工人", "announcement": "公告"}


def chinese_terms(request: GenerationRequest) -> str:
    return TERMS.get(request.text, "Unknown")


@pytest.fixture
def book(tmp_path: Path) -> PromptBook:
    return PromptBook(write_prompts(tmp_path / "prompts"))


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend(chinese_terms, name="fake-translator")


@pytest.fixture
def finalizer(fake: FakeBackend, book: PromptBook) -> Finalizer:
    return Finalizer(Translator(fake, book))


def finalize_one(finalizer: Finalizer, text: str, language: str = "en") -> Finalized:
    (result,) = finalizer.run([FinalizeItem(text, language, FACTS)])
    return result


def test_clean_english_summary_passes_unchanged(finalizer: Finalizer, fake: FakeBackend) -> None:
    text = "Donald Trump said tariffs of 25% start in May. Markets fell 3%."
    result = finalize_one(finalizer, text)
    assert result == Finalized(text, "en", [], [], [])
    assert fake.batches == []  # nothing to repair: no model call


def test_drops_sentence_with_unsupported_number(finalizer: Finalizer) -> None:
    result = finalize_one(
        finalizer, "Trump said tariffs of 25% start in May. Markets then fell 7%. 2,000 protested."
    )
    assert result.text == "Trump said tariffs of 25% start in May. 2,000 protested."
    assert result.unsupported_numbers == []
    (warning,) = result.warnings
    assert "(7)" in warning and "Markets then fell 7%." in warning


def test_reports_unsupported_numbers_when_every_sentence_has_one(finalizer: Finalizer) -> None:
    text = "Tariffs of 30% start. Markets fell 4%."
    result = finalize_one(finalizer, text)
    assert result.text == text  # nothing would be left, so nothing is dropped
    assert result.unsupported_numbers == ["30", "4"]
    assert result.warnings == []


def test_chinese_summary_numbers_checked_against_english_article(finalizer: Finalizer) -> None:
    text = "特朗普宣布加征25%的关税。两千名工人抗议。市场下跌了9%。"
    result = finalize_one(finalizer, text, "zh-Hans")
    assert result.text == "特朗普宣布加征25%的关税。两千名工人抗议。"
    assert len(result.warnings) == 1 and "9" in result.warnings[0]


def test_cuts_an_unfinished_trailing_fragment(finalizer: Finalizer) -> None:
    result = finalize_one(finalizer, "Trump announced tariffs. Markets fell 3% and then")
    assert result.text == "Trump announced tariffs."
    assert result.warnings == []


def test_cuts_an_unfinished_chinese_fragment(finalizer: Finalizer) -> None:
    result = finalize_one(finalizer, "特朗普宣布加征关税。市场下跌了3%，但是", "zh-Hans")
    assert result.text == "特朗普宣布加征关税。"


@pytest.mark.parametrize(
    ("text", "language", "closed"),
    [
        ("Trump announced tariffs and markets", "en", "Trump announced tariffs and markets."),
        ("特朗普宣布加征关税，市场", "zh-Hans", "特朗普宣布加征关税，市场。"),
    ],
)
def test_closes_a_single_unfinished_sentence(
    finalizer: Finalizer, text: str, language: str, closed: str
) -> None:
    result = finalize_one(finalizer, text, language)
    assert result.text == closed
    assert any("cut by the length limit" in w for w in result.warnings)


def test_strips_model_wrapping(finalizer: Finalizer) -> None:
    result = finalize_one(finalizer, "Summary: \n- Trump announced tariffs.\n- Markets fell 3%.\n")
    assert result.text == "Trump announced tariffs. Markets fell 3%."


def test_translates_stray_english_in_one_batch(finalizer: Finalizer, fake: FakeBackend) -> None:
    results = finalizer.run(
        [
            FinalizeItem("特朗普宣布加征 tariffs 。market下跌了3%。", "zh-Hans", FACTS),
            FinalizeItem("Trump said the market fell.", "en", FACTS),  # English: left alone
            FinalizeItem("两千名workers在Detroit抗议。", "zh-Hant", FACTS),
        ]
    )
    assert results[0].text == "特朗普宣布加征关税。市场下跌了3%。"
    assert results[0].untranslated == []
    assert "Translated the leftover word 'tariffs' as '关税'." in results[0].warnings
    assert results[1].text == "Trump said the market fell."
    assert results[2].text == "兩千名工人在Detroit抗議。"  # the name stays, and zh-Hant applies
    # All three terms went to the translator in one call, each with its sentence as context.
    assert fake.batch_sizes == [3]
    assert [r.text for r in fake.requests] == ["tariffs", "market", "workers"]
    assert {task_of(r) for r in fake.requests} == {"translate_terms"}
    assert all(r.source == "en" and r.target == "zh-Hans" for r in fake.requests)


def test_keeps_a_stray_word_it_cannot_translate(finalizer: Finalizer) -> None:
    # The fake answers "Unknown", which is no Chinese rendering.
    result = finalize_one(finalizer, "特朗普发表了speech。", "zh-Hans")
    assert result.text == "特朗普发表了speech。"
    assert result.untranslated == ["speech"]
    assert not any("Translated" in w for w in result.warnings)


def test_names_and_acronyms_are_not_translated(finalizer: Finalizer, fake: FakeBackend) -> None:
    result = finalize_one(finalizer, "Donald Trump表示，U.S.和NATO同意。", "zh-Hans")
    assert result.text == "Donald Trump表示，U.S.和NATO同意。"
    assert result.untranslated == []
    assert fake.batches == []


def test_translator_without_instructions_gets_bare_terms(book: PromptBook) -> None:
    raw = FakeBackend(chinese_terms, follows_instructions=False)
    (result,) = Finalizer(Translator(raw, book)).run(
        [FinalizeItem("特朗普宣布加征tariffs。", "zh-Hans", FACTS)]
    )
    assert result.text == "特朗普宣布加征关税。"
    assert [(task_of(r), r.text) for r in raw.requests] == [("raw", "tariffs")]


def test_converts_to_traditional_on_request(finalizer: Finalizer) -> None:
    simplified = "特朗普宣布加征关税。两千名工人抗议。"
    traditional = "特朗普宣佈加徵關稅。兩千名工人抗議。"
    assert finalize_one(finalizer, simplified, "zh-Hant").text == traditional
    assert finalize_one(finalizer, simplified, "zh-Hans").text == simplified


def test_traditional_output_for_simplified_target_is_converted(finalizer: Finalizer) -> None:
    assert finalize_one(finalizer, "經濟發展。", "zh-Hans").text == "经济发展。"


def test_traditional_target_numbers_are_checked(finalizer: Finalizer) -> None:
    # 35億 is 3.5 billion; the check must read it even though zh-Hant writes 億, not 亿.
    (result,) = finalizer.run(
        [
            FinalizeItem(
                "公司融资35亿元。两千名工人抗议。",
                "zh-Hant",
                ArticleFacts(
                    "The firm raised 3.5 billion yuan, and two thousand workers protested.", "en"
                ),
            )
        ]
    )
    assert result.text == "公司融資35億元。兩千名工人抗議。"
    assert result.unsupported_numbers == [] and result.warnings == []


def test_traditional_chinese_article_numbers(finalizer: Finalizer) -> None:
    (result,) = finalizer.run(
        [
            FinalizeItem(
                "TSMC raised 3.5 billion yuan. 2,000 workers protested.",
                "en",
                ArticleFacts("台積電融資35億元，兩千名工人抗議。", "zh-Hant"),
            )
        ]
    )
    assert result.unsupported_numbers == [] and result.warnings == []


def test_empty_summary(finalizer: Finalizer) -> None:
    assert finalize_one(finalizer, "   ") == Finalized(
        "", "en", warnings=["The model returned an empty summary."]
    )


def test_reports_chinese_left_in_an_english_summary(tmp_path: Path) -> None:
    fake = FakeBackend(lambda request: "Japan")
    finalizer = Finalizer(Translator(fake, PromptBook(write_prompts(tmp_path / "prompts"))))

    [result] = finalizer.run(
        [
            FinalizeItem(
                "A typhoon is approaching the九州 region.",
                "en",
                ArticleFacts("台風が九州に接近", "ja"),
            )
        ]
    )

    assert result.text == "A typhoon is approaching the九州 region."  # not guessed at
    assert result.untranslated == ["九州"]
    assert "Left untranslated: 九州." in result.warnings
    assert fake.requests == []


def test_reports_a_name_the_chinese_translation_does_not_render(finalizer: Finalizer) -> None:
    english = "Donald Trump said tariffs of 25% start in May. Mayor Mike Duggan protested."
    faithful = "唐纳德·特朗普表示，25%的关税将于五月开始。市长迈克·达根提出抗议。"
    swapped = "唐纳德·特朗普表示，25%的关税将于五月开始。市长迈克·德鲁克提出抗议。"
    article = ARTICLE + " Mayor Mike Duggan protested."

    [kept, lost] = finalizer.run(
        [
            FinalizeItem(text, "zh-Hans", ArticleFacts(article, "en"), english)
            for text in (faithful, swapped)
        ]
    )

    assert kept.unsupported_names == [] and kept.warnings == []
    assert lost.text == swapped  # a heuristic finding is reported, not acted on
    assert lost.unsupported_names == ["Duggan"]
    assert lost.warnings == [
        "The translation does not render the name Duggan of the summary it translates."
    ]


def test_a_summary_ending_in_a_colon_is_closed_with_a_full_stop(finalizer: Finalizer) -> None:
    result = finalize_one(finalizer, "Trump listed the new tariffs as follows:")
    assert result.text == "Trump listed the new tariffs as follows."


def test_a_name_finished_in_letters_is_restored_not_translated(
    finalizer: Finalizer, fake: FakeBackend
) -> None:
    article = ARTICLE + " Negotiator Akira Arita will travel to Washington."
    english = "Negotiator Akira Arita will travel to Washington."
    [result] = finalizer.run(
        [
            FinalizeItem(
                "谈判代表阿里亚·阿rita将前往华盛顿。",
                "zh-Hans",
                ArticleFacts(article, "en"),
                english,
            )
        ]
    )
    assert result.text == "谈判代表Akira Arita将前往华盛顿。"  # not half transliterated
    assert result.warnings == [
        "Wrote '阿rita' as the name 'Arita'.",
        "Wrote '阿里亚·Arita' as the name 'Akira Arita'.",
    ]
    assert result.repairs == ["name_fragment", "name_fragment"]
    assert result.unsupported_names == [] and fake.requests == []


def test_a_name_written_two_ways_is_reported_under_style(finalizer: Finalizer) -> None:
    article = ArticleFacts("Japan's negotiator Akira Arita heads to Washington on Monday.", "en")
    (result,) = finalizer.run(
        [FinalizeItem("日本谈判代表阿里亚·阿拉蒂前往华盛顿。Arita周一出发。", "zh-Hans", article)]
    )
    assert result.style == ["name_two_ways: Akira Arita: Arita, 阿里亚·阿拉蒂"]
    (english,) = finalizer.run([FinalizeItem("Akira Arita heads to Washington.", "en", article)])
    assert english.style == []
