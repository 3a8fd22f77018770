from __future__ import annotations

from service.evaluation.faithfulness import (
    check,
    unsupported_dates,
    unsupported_names,
)

SOURCE = (
    "Mayor Ana Lopez opened the Riverton bridge on Tuesday, May 3. "
    "It cost 310 million dollars and took five years to build."
)


def test_supported_summary_has_nothing_unsupported() -> None:
    result = check(
        "Ana Lopez opened the bridge on Tuesday, May 3. It cost 310 million dollars.",
        "en",
        SOURCE,
        "en",
    )
    assert (result.numbers, result.dates, result.names, result.any) == ([], [], [], False)


def test_unsupported_number_date_and_name() -> None:
    result = check(
        "Governor Smith opened the bridge on Friday, May 4. It cost 320 million dollars.",
        "en",
        SOURCE,
        "en",
    )
    assert result.numbers == ["4", "320"]
    assert result.dates == ["Friday", "May 4"]
    assert result.names == ["Governor", "Smith"]
    assert result.any


def test_dates_across_languages() -> None:
    chinese_source = "市长于5月3日周二为大桥剪彩。"
    assert unsupported_dates("The mayor opened it on Tuesday, May 3.", chinese_source, "zh") == []
    assert unsupported_dates("它于5月4日星期三开通。", SOURCE, "en") == ["星期三", "5月4日"]


def test_names_in_chinese_summaries_and_what_is_not_checked() -> None:
    assert unsupported_names("市长Ana Lopez与Smith出席。", "zh-Hans", SOURCE) == ["Smith"]
    # An English summary of a Chinese article: names are looked for as transliterations.
    assert unsupported_names("Mayor Lopez opened it.", "en", "市长洛佩斯为大桥剪彩。") == []
    assert unsupported_names("Mayor Tillerson opened it.", "en", "市长洛佩斯为大桥剪彩。") == [
        "Tillerson"
    ]
    assert unsupported_names("Mayor Lopez opened it.", "en", "Бургомистр открыл мост.") is None


def test_parts_of_hyphenated_source_words_are_names_the_source_states() -> None:
    source = "The ex-Reading defender denied the charges."
    assert unsupported_names("Reading's former defender denied them.", "en", source) == []


def test_sentence_openers_are_not_names() -> None:
    assert unsupported_names("However, the bridge opened. It cost a lot.", "en", SOURCE) == []
