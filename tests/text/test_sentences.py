from __future__ import annotations

import pytest

from service.text.sentences import (
    count_words,
    drop_unfinished_sentence,
    is_complete,
    join_sentences,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Prices rose. Markets fell! Why? Nobody knows.",
            ["Prices rose.", "Markets fell!", "Why?", "Nobody knows."],
        ),
        (
            "Mr. Smith met Dr. Lee in Washington. They talked.",
            ["Mr. Smith met Dr. Lee in Washington.", "They talked."],
        ),
        ("The U.S. economy grew. Prices rose.", ["The U.S. economy grew.", "Prices rose."]),
        (
            "Ducks were saved in D.C. Tuesday. It rained.",
            ["Ducks were saved in D.C. Tuesday.", "It rained."],
        ),
        (
            "Officials from the U.K. and the U.N. met on Jan. 5. It went well.",
            ["Officials from the U.K. and the U.N. met on Jan. 5.", "It went well."],
        ),
        (
            "Sales rose 5.5% to $3.2 billion. Shares jumped.",
            ["Sales rose 5.5% to $3.2 billion.", "Shares jumped."],
        ),
        ('He said "We will win." Then he left.', ['He said "We will win."', "Then he left."]),
        ("He paused... then went on. Done.", ["He paused... then went on.", "Done."]),
        ("No full stop here", ["No full stop here"]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_sentences_english(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "价格上涨了。市场反应强烈！这是真的吗？是的；但是……还有",
            ["价格上涨了。", "市场反应强烈！", "这是真的吗？", "是的；", "但是……", "还有"],
        ),
        ("他说：“我们会赢。”然后离开了。", ["他说：“我们会赢。”", "然后离开了。"]),
        ("「好。」他说。", ["「好。」", "他说。"]),
        ("经济增长3.5%。股价上涨！", ["经济增长3.5%。", "股价上涨！"]),
    ],
)
def test_split_sentences_chinese(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_does_not_lose_text() -> None:
    text = "Mr. Li said growth hit 5.2%. 价格上涨了。市场平稳！ The end"
    assert "".join(split_sentences(text)).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("sentence", "complete"),
    [
        ("Done.", True),
        ('Done."', True),
        ("完成。」", True),
        ("真的？", True),
        ("Not done", False),
        ("还没完，", False),
        ("", False),
    ],
)
def test_is_complete(sentence: str, complete: bool) -> None:
    assert is_complete(sentence) is complete


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two. Three and then", "One. Two."),
        ("Growth was strong. Exports rose by", "Growth was strong."),
        ("中国经济增长。出口增加了，但是", "中国经济增长。"),
        ('He said "yes." And then', 'He said "yes."'),
        ("All complete. Really!", "All complete. Really!"),
        ("No full stop here", "No full stop here"),  # nothing better to keep
        ("", ""),
    ],
)
def test_drop_unfinished_sentence(text: str, expected: str) -> None:
    assert drop_unfinished_sentence(text) == expected


def test_join_sentences_spaces_latin_and_not_chinese() -> None:
    assert join_sentences(["Prices rose.", "Markets fell."]) == "Prices rose. Markets fell."
    assert join_sentences(["价格上涨。", "市场下跌。"]) == "价格上涨。市场下跌。"
    assert join_sentences(["Apple rose.", "价格上涨。"]) == "Apple rose.价格上涨。"
    assert join_sentences([]) == ""
    assert join_sentences(["Only one."]) == "Only one."


def test_join_sentences_no_space_after_chinese_full_stop() -> None:
    # Chinese typography puts no space after a full-width stop, even before a Latin name.
    assert join_sentences(["经济增长。", "Apple公司股价上涨。"]) == "经济增长。Apple公司股价上涨。"


def test_join_inverts_split() -> None:
    for text in ["Prices rose. Markets fell! Why?", "价格上涨了。市场反应强烈！这是真的吗？"]:
        assert join_sentences(split_sentences(text)) == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hello world", 2),
        ("It's a U.S. e-mail about 3.5 percent", 7),
        ("中国经济", 4),
        ("The 中国 economy", 4),
        ("한국 경제", 4),
        ("", 0),
        ("... !!!", 0),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words
