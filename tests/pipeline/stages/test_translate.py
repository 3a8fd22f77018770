from __future__ import annotations

from pathlib import Path

from service.pipeline.prompts import PromptBook
from service.pipeline.stages.translate import ARTICLE_GROUP_TOKENS, TranslateItem, Translator
from tests.fakes import FakeBackend, write_prompts

CHINESE = "约 1,000 万份文件和 23 亿美元，5万人之外又来了5万人。"
SENTENCE = "Holly Willoughby pulled out of an £11million deal; the brand sells 2.5 billion items."


def test_amounts_reach_a_translation_already_in_the_target_units(tmp_path: Path) -> None:
    backend = FakeBackend(lambda request: "译文。")
    translator = Translator(backend, PromptBook(write_prompts(tmp_path / "prompts")))

    translator.run(
        [
            TranslateItem(SENTENCE, "en", "zh-Hans"),
            TranslateItem(SENTENCE, "de", "en"),
            TranslateItem(CHINESE, "zh-Hans", "en"),
        ]
    )

    chinese, english, from_chinese = backend.requests
    assert chinese.text == (
        "Holly Willoughby pulled out of an £1100万 deal; the brand sells 25亿 items."
    )
    assert "£1100万 deal" in chinese.messages[-1].content
    assert english.text == SENTENCE  # neither side Chinese: as written
    assert (
        from_chinese.text == "约 10 million份文件和 2.3 billion美元，50,000人之外又来了50,000人。"
    )


def test_a_long_article_is_translated_in_sentence_groups_in_one_batch(tmp_path: Path) -> None:
    backend = FakeBackend(lambda request: f"[{request.text.count('。')} sentences]")
    translator = Translator(backend, PromptBook(write_prompts(tmp_path / "prompts")))
    sentence = "東京で新しい橋が開通した。"
    long = "\n".join([sentence * 10] * 5)  # 50 sentences, 750 tokens for the fake
    short = "短い記事だ。"

    first, second = translator.run_articles(
        [TranslateItem(long, "ja", "en"), TranslateItem(short, "ja", "en")]
    )

    [batch] = backend.batches
    assert len(batch) == 4  # the long article in three groups, the short one whole
    assert all(backend.count_tokens(r.text) <= ARTICLE_GROUP_TOKENS for r in batch)
    assert "".join(r.text for r in batch[:3]) == long.replace("\n", "")
    assert first.text.split("\n") == ["[17 sentences]", "[17 sentences]", "[16 sentences]"]
    assert second.text == "[1 sentences]"


def test_with_mask_words_requests_into_chinese_ask_for_no_lowercase_latin_words(
    tmp_path: Path,
) -> None:
    backend = FakeBackend(lambda request: "译文。")
    book = PromptBook(write_prompts(tmp_path / "prompts"))
    Translator(backend, book, mask_words=True).run(
        [TranslateItem(SENTENCE, "en", "zh-Hans"), TranslateItem(CHINESE, "zh-Hans", "en")]
    )
    Translator(backend, book, mask_words=True).translate_terms([("tariffs", "Tariffs stay.")])
    Translator(backend, book).run([TranslateItem(SENTENCE, "en", "zh-Hans")])

    into_chinese, into_english, term, unmasked = backend.requests
    assert into_chinese.no_lowercase_words and term.no_lowercase_words
    assert not into_english.no_lowercase_words
    assert not unmasked.no_lowercase_words
