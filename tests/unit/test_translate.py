from __future__ import annotations

from pathlib import Path

from service.prompts import PromptBook
from service.stages.translate import TranslateItem, Translator
from tests.fakes import FakeBackend, write_prompts

SENTENCE = "Holly Willoughby pulled out of an £11million deal; the brand sells 2.5 billion items."


def test_amounts_reach_a_chinese_translation_already_in_chinese_units(tmp_path: Path) -> None:
    backend = FakeBackend(lambda request: "译文。")
    translator = Translator(backend, PromptBook(write_prompts(tmp_path / "prompts")))

    translator.run([TranslateItem(SENTENCE, "en", "zh-Hans"), TranslateItem(SENTENCE, "de", "en")])

    chinese, english = backend.requests
    assert chinese.text == (
        "Holly Willoughby pulled out of an £1100万 deal; the brand sells 25亿 items."
    )
    assert "£1100万 deal" in chinese.messages[-1].content
    assert english.text == SENTENCE  # only Chinese targets
