"""An article's facts: read when a check first asks, then kept."""

from __future__ import annotations

import pytest

from service.checks import facts
from service.checks.facts import ArticleFacts
from service.checks.numbers import source_numbers

ARTICLE = "Mayor Elena Ortiz said 120 schools would be repaired for 3.5 billion dollars."


def test_the_numbers_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []

    def counting(text: str, language: str = "en") -> set[float]:
        read.append(language)
        return source_numbers(text, language)

    monkeypatch.setattr(facts, "source_numbers", counting)
    article = ArticleFacts(ARTICLE, "en")
    assert read == []  # nothing is read before a check asks
    assert {120.0, 3.5, 3.5e9} <= article.numbers
    assert article.numbers is article.numbers
    assert read == ["en"]


def test_facts_of_a_latin_script_article() -> None:
    article = ArticleFacts(ARTICLE, "en")
    assert article.latin_script and not article.is_chinese
    assert "ortiz" in article.names.known
    assert {"Elena", "Ortiz"} <= article.latin_names


def test_facts_of_a_chinese_article() -> None:
    article = ArticleFacts("美国内政部长瑞安·津克（Ryan Zinke）周一表示将辞职。", "zh-Hans")
    assert article.is_chinese and not article.latin_script
    assert "zinke" in article.chinese.latin
    assert ["rui", "an", "jin", "ke"] in article.chinese.runs  # 瑞安·津克, the dot dropped
    assert {"Ryan", "Zinke"} <= article.latin_names
