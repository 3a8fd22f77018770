from __future__ import annotations

import pytest

from service.text.chinese import (
    restore_name_fragments,
    script_variant_counts,
    stray_english_words,
    to_simplified,
    to_traditional,
)

SIMPLIFIED = "经济发展与国际贸易"
TRADITIONAL = "經濟發展與國際貿易"


def test_opencc_conversions_round_trip() -> None:
    assert to_simplified(TRADITIONAL) == SIMPLIFIED
    assert to_traditional(SIMPLIFIED) == TRADITIONAL
    assert to_simplified(SIMPLIFIED) == SIMPLIFIED
    assert to_traditional("Apple 3.5%") == "Apple 3.5%"  # non-Han text is left alone


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("经济发展", (3, 0)),  # 经 济 发 are Simplified-only; 展 is shared
        ("經濟發展", (0, 3)),
        ("中文", (0, 0)),  # shared by both scripts
        ("hello 123", (0, 0)),
        ("", (0, 0)),
    ],
)
def test_script_variant_counts(text: str, counts: tuple[int, int]) -> None:
    assert script_variant_counts(text) == counts


def test_script_variant_counts_distinct_characters() -> None:
    assert script_variant_counts("经经经经") == (1, 0)


ENGLISH_SOURCE = (
    "President Donald Trump said on Monday that new tariffs on China would start in May. "
    "Officials in the U.S. and at NATO agreed with Trump."
)


def test_ordinary_english_words_are_stray() -> None:
    assert stray_english_words("特朗普表示将对中国加征tariffs，market紧张。", ENGLISH_SOURCE) == [
        "tariffs",
        "market",
    ]


def test_acronyms_and_dotted_acronyms_are_allowed() -> None:
    assert stray_english_words("美国U.S.和NATO以及G7、CEOs达成协议。", ENGLISH_SOURCE) == []


def test_names_capitalised_mid_sentence_in_the_source_are_allowed() -> None:
    assert stray_english_words("Donald Trump表示，Trump's团队同意。", ENGLISH_SOURCE) == []


def test_capitalised_word_only_at_sentence_start_in_source_is_stray() -> None:
    # "President" opens the source's first sentence, so it is not known to be a name.
    assert stray_english_words("他说President很高兴。", ENGLISH_SOURCE) == ["President"]


def test_a_name_absent_from_the_source_is_stray() -> None:
    assert stray_english_words("Biden表示反对。", ENGLISH_SOURCE) == ["Biden"]


def test_each_stray_word_reported_once_and_single_letters_ignored() -> None:
    assert stray_english_words("价格上涨，market紧张，market继续，a和b。", ENGLISH_SOURCE) == [
        "market",
    ]


def test_latin_words_of_a_chinese_source_are_allowed() -> None:
    source = "苹果公司的iPhone销量上升，tim cook表示满意。"
    assert stray_english_words("iPhone销量上升，tim cook表示。", source) == []
    assert stray_english_words("iPhone销量上升，economy强劲。", source) == ["economy"]


def test_identifiers_are_not_stray_words() -> None:
    chinese = (
        "调用 IDirect3D::CreateViewport() 返回 IDirect3DViewport3，iPhone和COVID-19、my_var也是。"
    )
    assert stray_english_words(chinese, ENGLISH_SOURCE) == []
    assert stray_english_words("调用CreateViewport的viewport。", ENGLISH_SOURCE) == ["viewport"]


def test_no_latin_no_stray() -> None:
    assert stray_english_words("经济增长百分之五。", ENGLISH_SOURCE) == []


def test_a_name_finished_in_letters_is_written_as_the_source_writes_it() -> None:
    source = "Japan's chief negotiator Akira Arita will travel to Washington for talks on tariffs."
    text, restored = restore_name_fragments("谈判代表阿里亚·阿rita将前往华盛顿。", source)
    assert text == "谈判代表阿里亚·Arita将前往华盛顿。"
    assert restored == [("阿rita", "Arita")]
    # an ordinary word glued to Chinese is not a name fragment
    assert restore_name_fragments("将加征tariffs。", source) == ("将加征tariffs。", [])
