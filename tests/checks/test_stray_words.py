"""English words left in Chinese summaries: stray words, and names half-written in letters."""

from __future__ import annotations

import pytest

from service.checks.stray_words import (
    latin_names,
    restore_half_transliterated,
    restore_name_fragments,
    stray_english_words,
)

ENGLISH_SOURCE = (
    "President Donald Trump said on Monday that new tariffs on China would start in May. "
    "Officials in the U.S. and at NATO agreed with Trump."
)
ENGLISH_NAMES = latin_names(ENGLISH_SOURCE)


def test_ordinary_english_words_are_stray() -> None:
    assert stray_english_words("特朗普表示将对中国加征tariffs，market紧张。", ENGLISH_NAMES) == [
        "tariffs",
        "market",
    ]


def test_acronyms_and_dotted_acronyms_are_allowed() -> None:
    assert stray_english_words("美国U.S.和NATO以及G7、CEOs达成协议。", ENGLISH_NAMES) == []


def test_names_capitalised_mid_sentence_in_the_source_are_allowed() -> None:
    assert stray_english_words("Donald Trump表示，Trump's团队同意。", ENGLISH_NAMES) == []


def test_capitalised_word_only_at_sentence_start_in_source_is_stray() -> None:
    # "President" opens the source's first sentence, so it is not known to be a name.
    assert stray_english_words("他说President很高兴。", ENGLISH_NAMES) == ["President"]


def test_a_name_absent_from_the_source_is_stray() -> None:
    assert stray_english_words("Biden表示反对。", ENGLISH_NAMES) == ["Biden"]


def test_each_stray_word_reported_once_and_single_letters_ignored() -> None:
    assert stray_english_words("价格上涨，market紧张，market继续，a和b。", ENGLISH_NAMES) == [
        "market",
    ]


def test_latin_words_of_a_chinese_source_are_allowed() -> None:
    source = "苹果公司的iPhone销量上升，tim cook表示满意。"
    assert stray_english_words("iPhone销量上升，tim cook表示。", latin_names(source)) == []
    assert stray_english_words("iPhone销量上升，economy强劲。", latin_names(source)) == ["economy"]


def test_identifiers_are_not_stray_words() -> None:
    chinese = (
        "调用 IDirect3D::CreateViewport() 返回 IDirect3DViewport3，iPhone和COVID-19、my_var也是。"
    )
    assert stray_english_words(chinese, ENGLISH_NAMES) == []
    assert stray_english_words("调用CreateViewport的viewport。", ENGLISH_NAMES) == ["viewport"]


def test_no_latin_no_stray() -> None:
    assert stray_english_words("经济增长百分之五。", ENGLISH_NAMES) == []


def test_a_name_finished_in_letters_is_written_as_the_source_writes_it() -> None:
    source = "Japan's chief negotiator Akira Arita will travel to Washington for talks on tariffs."
    names = latin_names(source)
    text, restored = restore_name_fragments("谈判代表阿里亚·阿rita将前往华盛顿。", names)
    assert text == "谈判代表阿里亚·Arita将前往华盛顿。"
    assert restored == [("阿rita", "Arita")]
    # an ordinary word glued to Chinese is not a name fragment
    assert restore_name_fragments("将加征tariffs。", names) == ("将加征tariffs。", [])


@pytest.mark.parametrize(
    ("chinese", "span", "name"),
    [
        ("日方由阿里亚·Arita率领。", "阿里亚·Arita", "Akira Arita"),
        ("日方由Akira·阿拉蒂率领。", "Akira·阿拉蒂", "Akira Arita"),
        ("总统唐纳德·Trump表示。", "唐纳德·Trump", "Donald Trump"),
    ],
)
def test_a_half_transliterated_name_is_written_as_the_article_writes_it(
    chinese: str, span: str, name: str
) -> None:
    runs = ["Akira Arita", "Donald Trump"]
    restored = chinese.replace(span, name)
    assert restore_half_transliterated(chinese, runs) == (restored, [(span, name)])


def test_a_transliterated_name_is_left_as_it_is() -> None:
    text = "安倍·晋三与唐纳德·特朗普通话。"
    assert restore_half_transliterated(text, ["Shinzo Abe", "Donald Trump"]) == (text, [])


def test_names_a_german_article_writes_stay_in_letters_and_word_halves_do_not() -> None:
    german = "Facebook stellt Parse ein. Die Parse-Plattform war bei Entwicklern beliebt."
    chinese = "Facebook关闭了Parse平台。新的标志面向未来-oriented，既熟悉又向前-looking。"
    assert stray_english_words(chinese, latin_names(german)) == ["oriented", "looking"]


@pytest.mark.parametrize(
    ("source", "chinese"),
    [
        # a name that opens a sentence alone, never written in lower case
        ("Flake said his office had issued a statement.", "Flake 表示其办公室已发表声明。"),
        ("Stark's men took positions along the fence.", "斯塔克(Stark) 的士兵沿着围栏站位。"),
        # a run the source writes with a possessive
        ("Grant Anderson's try put Ayr in front.", "Grant Anderson 的进球使 Ayr 领先。"),
        # accents the translation lost
        ("The singers Fatih Erkoç and Müslüm Gürses.", "歌手 (Fatih Erkoc) 和 (Muslum Gurses)。"),
        ("Immigrants lived in Grünerløkka and Søndre.", "移民住在 grünerl kka 和 Sø ndre。"),
        # a name misspelt by one letter
        ("Another man ran up from behind the Brink's employee.", "从 Brank 的员工身后跑过。"),
        # a foreign word the source writes, which is no English word
        ("Cell comes from the Latin word cella.", "Cell（细胞）一词源自拉丁语cella。"),
        ("Hotels will likely have wifi.", "酒店可能配有 wifi。"),
        # addresses, hashtags, emoji codes and metric units
        (
            "Follow it: https://apnews.com/hub/russia-ukraine",
            "关注：https://apnews.com/hub/russia-ukraine",
        ),
        ("Mail info@nami.org or see t.me/qr_tjm.", "电邮 info@nami.org，或 t.me/qr_tjm。"),
        ("I like #bandcamp and @iotar :partyparrot:", "我喜欢 #bandcamp 和 @iotar :partyparrot:"),
        ("A 35 mm negative, 133 m/s.", "35 mm 底片，133 m/s。"),
    ],
)
def test_names_foreign_words_and_codes_a_translator_keeps_are_not_stray(
    source: str, chinese: str
) -> None:
    assert stray_english_words(chinese, latin_names(source), source) == []


@pytest.mark.parametrize(
    ("source", "chinese", "stray"),
    [
        # a word the source writes in lower case too is no name, even where one opens a sentence
        ("Officials met. The officials agreed.", "Officials 同意。", ["Officials"]),
        ("Looking ahead, they were looking at it.", "Looking 向前。", ["Looking"]),
        # weekdays and months are translated
        ("Tuesday was busy.", "Tuesday 很忙。", ["Tuesday"]),
        # units that are not metric, and English words the source writes, inflected or not
        ("Winds of 85 mph and 800 kph.", "风速 85 mph，800 kph。", ["mph", "kph"]),
        ("Anyone with dash-cam footage.", "有 dash-cam 镜头的人。", ["dash-cam"]),
        (
            "Scientists nationalised the abattoirs.",
            "科学家 nationalised 屠宰场。",
            ["nationalised"],
        ),
        ("The viewport grew.", "扩展 viewport 实现。", ["viewport"]),
        # behind an English prefix (the README sample's leftover)
        ("The upcoming talks.", "安倍表示， upcoming美日会谈。", ["upcoming"]),
        ("They were outnumbered.", "他们 outnumbered 了。", ["outnumbered"]),
    ],
)
def test_english_words_stay_stray(source: str, chinese: str, stray: list[str]) -> None:
    assert stray_english_words(chinese, latin_names(source), source) == stray


def test_words_of_a_source_in_another_language_stay_stray() -> None:
    german = "Die neue Plattform wurde von den Entwicklern gelobt und bleibt kostenlos."
    assert stray_english_words("新平台 kostenlos。", latin_names(german), german) == ["kostenlos"]
