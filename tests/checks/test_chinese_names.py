"""Latin-script names looked for in Chinese text: in letters, in pinyin, or transliterated."""

from __future__ import annotations

import pytest

from service.checks.chinese_names import ChineseReading, foreign_words, written_in_chinese
from service.checks.names import names_not_rendered

ZINKE = "美国内政部长瑞安·津克周一表示，他将在年底辞职。"
VOLCANO = "波波卡特佩特（Popocatepetl）火山喷发的火山灰已飘至墨西哥首都南部。"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Ryan Zinke", ZINKE),  # transliterated, with the middle dot
        ("Zinke", ZINKE),
        ("Brett Kavanaugh", "参议院确认卡瓦诺出任大法官。"),  # the surname alone
        ("Dilokrit Pattavee", "飞行员是迪罗里·帕塔维 (Dilokrit Pattavee)。"),  # in letters
        ("Popocatepetl", VOLCANO),
        ("Xi Jinping", "习近平周二抵达。"),  # pinyin
        ("Ryan Zinke", "美國內政部長瑞安·津克週一表示，他們將辭職。"),  # Traditional
    ],
)
def test_a_name_the_text_writes_is_found(name: str, text: str) -> None:
    assert written_in_chinese(name, ChineseReading.of(text))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Rex Tillerson", ZINKE),
        ("Potosí", VOLCANO),  # the eval's real swap: the article's volcano is Popocatepetl
        ("Arita", "日本首席谈判代表阿里亚·阿阿丽亚将前往华盛顿。"),  # a garbled transliteration
    ],
)
def test_a_name_the_text_does_not_write_is_not_found(name: str, text: str) -> None:
    assert not written_in_chinese(name, ChineseReading.of(text))


def test_words_the_dictionary_knows_are_not_checked() -> None:
    assert foreign_words("Secretary of State Rex Tillerson") == ["Tillerson"]
    assert foreign_words("Wall Street") == []
    assert written_in_chinese(
        "Wall Street", ChineseReading.of("股市下跌。")
    )  # nothing left to check


def test_a_translation_that_loses_a_name_is_caught() -> None:
    english = "Negotiator Akira Arita will travel to Washington. Ryan Zinke said he would resign."
    faithful = "谈判代表阿里塔将前往华盛顿。瑞安·津克表示他将辞职。"
    garbled = "谈判代表阿里亚·阿阿丽亚将前往华盛顿。瑞安·津克表示他将辞职。"
    assert names_not_rendered(english, ChineseReading.of(faithful)) == []
    assert names_not_rendered(english, ChineseReading.of(garbled)) == ["Arita"]
