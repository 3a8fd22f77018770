"""A name written two ways in one Chinese summary, and CC-CEDICT's established forms."""

from __future__ import annotations

import pytest

from service.checks.chinese_names import established_renderings
from service.checks.name_forms import names_written_two_ways

RUNS = ["Akira Arita", "Donald Trump", "Boris Johnson"]


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("Trump", ["特朗普"]),  # not 川普, CC-CEDICT's Taiwan form
        ("Macron", ["马克龙"]),  # not 马克宏 (Tw)
        ("Putin", ["普京"]),
        ("Merkel", ["默克尔"]),
        ("Akira", []),  # 黑泽明 is "Kurosawa Akira", no transliteration
        ("Arita", []),
    ],
)
def test_established_renderings_come_from_cc_cedict(word: str, forms: list[str]) -> None:
    assert established_renderings(word) == forms


@pytest.mark.parametrize(
    ("chinese", "found"),
    [
        ("谈判代表阿里亚·阿拉蒂将前往美国。Arita表示乐观。", "Akira Arita: Arita, 阿里亚·阿拉蒂"),
        ("日方由阿里亚·Arita率领。", "Akira Arita: 阿里亚·Arita"),
        ("日方由Akira·阿拉蒂率领。", "Akira Arita: Akira·阿拉蒂"),
        ("特朗普表示反对。Trump还说。", "Donald Trump: Trump, 特朗普"),
    ],
)
def test_a_name_in_two_forms_is_found(chinese: str, found: str) -> None:
    assert names_written_two_ways(chinese, RUNS) == [found]


@pytest.mark.parametrize(
    "chinese",
    [
        "Akira Arita将前往美国。Arita表示乐观。",  # letters throughout
        "阿里亚·阿拉蒂将前往美国。阿拉蒂表示乐观。",  # one transliteration throughout
        "特朗普表示，唐纳德·特朗普还说。",  # the established form, with the given name or not
        "美国总统特朗普（Donald Trump）表示。",  # the original in brackets is a gloss
        "约翰·格兰特 (John Grant) 说。",
        "巴黎的华盛顿州。",  # forms of other names
    ],
)
def test_one_form_is_no_fault(chinese: str) -> None:
    assert names_written_two_ways(chinese, RUNS) == []


@pytest.mark.parametrize(
    "text",
    [
        "歌唱家茜泽·阿克苏和歌手哈里斯·阿莱克修同台表演。",
        # a dotted name that writes one word of two names belongs to neither
        "女歌唱家茜泽·阿克苏 与男高音亚历山德罗·沙费纳和歌手哈里斯·阿莱克修同台表演。",
    ],
)
def test_a_dotted_name_is_of_the_one_name_it_writes_most_words_of(text: str) -> None:
    # 阿克苏 sounds like "Alexiou", but 茜泽·阿克苏 is Sezen Aksu
    runs = ["Sezen Aksu", "Alessandro Safina", "Haris Alexiou"]
    assert names_written_two_ways(text, runs) == []
