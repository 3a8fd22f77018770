from __future__ import annotations

from pathlib import Path

from service.pipeline.prompts import PromptBook
from service.pipeline.stages.translate import TranslateItem, Translator
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
