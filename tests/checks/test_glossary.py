"""The glossary: which entries apply, how prompts and translations carry them, and how
finalize finds and replaces the wrong forms of a term."""

from __future__ import annotations

import pytest

from service.checks.glossary import (
    GlossaryCheck,
    GlossaryEntry,
    enforce,
    entries_in,
    glossary_of,
    merged,
    prompt_lines,
    read_csv,
    with_renderings,
)
from service.errors import LingosumError

ARITA = GlossaryEntry("Akira Arita", "Akira Arita", "有田秋")
KANZLER = GlossaryEntry("Bundeskanzler", "Federal Chancellor", "联邦总理")
ENGLISH = "Akira Arita will lead the Japanese side."


def test_only_entries_whose_term_the_article_writes_apply() -> None:
    glossary = (ARITA, KANZLER)
    assert entries_in(glossary, "Japan's negotiator, Akira Arita, flew on.") == (ARITA,)
    assert entries_in(glossary, "Der Bundeskanzler sprach.") == (KANZLER,)
    assert entries_in(glossary, "Akira Aritas") == ()  # a whole term, not part of a word


def test_the_request_wins_over_the_key_for_the_same_term() -> None:
    key = (GlossaryEntry("AKIRA ARITA", None, "阿里亚"), KANZLER)
    assert merged(key, (ARITA,)) == (ARITA, KANZLER)


@pytest.mark.parametrize(
    "entry",
    [GlossaryEntry("", "x", "y"), GlossaryEntry("term", None, None), GlossaryEntry("x" * 201, "y")],
)
def test_an_unusable_entry_is_refused(entry: GlossaryEntry) -> None:
    with pytest.raises(LingosumError) as error:
        glossary_of([entry])
    assert error.value.code == "invalid_glossary" and error.value.status == 422


def test_csv_needs_its_header_and_reads_empty_cells_as_none() -> None:
    assert read_csv("source,en,zh\nAkira Arita,,有田秋\n") == (
        GlossaryEntry("Akira Arita", None, "有田秋"),
    )
    with pytest.raises(LingosumError):
        read_csv("Akira Arita,Akira Arita,有田秋\n")


def test_prompts_list_the_rendering_in_the_target_language() -> None:
    assert "Akira Arita 写作「有田秋」" in prompt_lines([ARITA], "zh-Hans")
    assert '"Bundeskanzler" as "Federal Chancellor"' in prompt_lines([KANZLER], "en")
    assert prompt_lines([], "en") == ""
    assert prompt_lines([GlossaryEntry("Akira Arita", None, "有田秋")], "en") == ""


def test_a_translation_is_given_the_renderings_in_place() -> None:
    text = "Japan's negotiator Akira Arita met the Federal Chancellor."
    assert with_renderings(text, [ARITA, KANZLER], "zh-Hans") == (
        "Japan's negotiator 有田秋 met the 联邦总理."
    )


@pytest.mark.parametrize(
    ("summary", "wrong"),
    [
        ("日本首席谈判代表阿里亚·阿拉蒂也前往美国。", "阿里亚·阿拉蒂"),  # transliterated
        ("日本首席谈判代表阿里亚·Arita也前往美国。", "阿里亚·Arita"),  # half in letters
        ("日本首席谈判代表Akira Arita也前往美国。", "Akira Arita"),  # kept in letters
        ("日本首席谈判代表Arita也前往美国。", "Arita"),  # the surname alone
    ],
)
def test_a_wrong_form_of_a_name_is_replaced_by_the_rendering(summary: str, wrong: str) -> None:
    checked = enforce(summary, [ARITA], "zh-Hans", ENGLISH)
    assert checked.text == "日本首席谈判代表有田秋也前往美国。"
    assert checked.repaired == [(wrong, "有田秋")]
    assert checked.not_honoured == []


def test_an_entry_mentioned_but_not_rendered_is_reported() -> None:
    checked = enforce("日本代表也前往美国。", [ARITA], "zh-Hans", ENGLISH)
    assert checked.not_honoured == [ARITA]
    # a summary that never mentions the term does not break the glossary
    assert (
        enforce("安倍与特朗普通电话。", [ARITA], "zh-Hans", "Abe called Trump.").not_honoured == []
    )


def test_an_english_summary_gets_the_english_rendering_of_a_foreign_term() -> None:
    checked = enforce("The Bundeskanzler spoke on Monday.", [KANZLER], "en")
    assert checked.text == "The Federal Chancellor spoke on Monday."
    assert checked.not_honoured == []
    assert enforce(ENGLISH, [ARITA], "en").repaired == []


def test_words_that_only_sound_like_the_name_are_left_alone() -> None:
    # The acceptance run's translation (the sample article, the real default model): before
    # this test, 系列 (xi lie) and 致力 (zhi li) were taken for transliterations of "Akira".
    raw = (
        "日本首相安倍晋三与美国总统特朗普进行了电话交谈，重申日本对一系列关税措施的重新评估请求。"
        "日本贸易谈判代表和经济振兴大臣有田秋将前往美国参加第三轮美国-日本关税贸易谈判。"
        "安倍晋三说：“在通话中，双方确认了双方致力于建立一个双赢关系。”"
    )
    english = "Akira Arita was heading to the U.S."
    assert enforce(raw, [ARITA], "zh-Hans", english) == GlossaryCheck(raw, [], [])
    transliterated = raw.replace("有田秋", "阿里亚·阿拉蒂")
    assert enforce(transliterated, [ARITA], "zh-Hans", english).text == raw


def test_a_dictionary_word_is_not_taken_for_a_transliteration_of_the_term() -> None:
    """图案 ("pattern") sounds like no part of "Indian" closely enough to matter, and 印度 is
    CC-CEDICT's India: neither is replaced; the entry is reported instead."""
    entry = GlossaryEntry("Indian", "Indian", "印度人")
    summary = "他展示了印度国旗图案。"
    check = enforce(summary, [entry], "zh", "He showed the Indian flag pattern.")
    assert (check.text, check.repaired, check.not_honoured) == (summary, [], [entry])
