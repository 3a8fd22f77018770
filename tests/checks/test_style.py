"""News style: meta openings, fragments and repeated sentences, on sentences the default model
wrote (issue 17, the heise developer feed and the README sample)."""

from __future__ import annotations

import pytest

from service.checks.style import FRAGMENT, META_OPENING, REPEATED, tidy

ZING = (
    "Java Virtual Machine Zing is designed for memory-intensive applications. Azul released a "
    "new version on Monday. Java Virtual Machine Zing is optimized for memory-intensive "
    "applications."
)


@pytest.mark.parametrize(
    ("text", "language", "tidied", "repairs"),
    [
        ("新的标志既熟悉又向前看。一年后。", "zh-Hans", "新的标志既熟悉又向前看。", [FRAGMENT]),
        (
            "这篇文章讨论了Apache软件基金会的新标志。新标志于周二发布。",
            "zh-Hans",
            "新标志于周二发布。",
            [META_OPENING],
        ),
        ("文章指出，新标志于周二发布。", "zh-Hans", "新标志于周二发布。", [META_OPENING]),
        ("据该报道称，新标志于周二发布。", "zh-Hans", "新标志于周二发布。", [META_OPENING]),
        (
            ZING,
            "en",
            "Java Virtual Machine Zing is designed for memory-intensive applications. Azul "
            "released a new version on Monday.",
            [REPEATED],
        ),
        (
            "The article discusses the new logo. The foundation changed its logo on Tuesday.",
            "en",
            "The foundation changed its logo on Tuesday.",
            [META_OPENING],
        ),
        (
            "The article says that the foundation changed its logo. One year later.",
            "en",
            "The foundation changed its logo.",
            [META_OPENING, FRAGMENT],
        ),
        (
            "According to the article, Abe spoke with Trump for 45 minutes.",
            "en",
            "Abe spoke with Trump for 45 minutes.",
            [META_OPENING],
        ),
    ],
)
def test_faults_are_repaired_by_removing_words(
    text: str, language: str, tidied: str, repairs: list[str]
) -> None:
    result = tidy(text, language)
    assert result.text == tidied
    assert result.repairs == repairs
    assert result.problems == []
    assert len(result.warnings) == len(repairs)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Trump agreed. Abe called Trump on May 23 about tariffs.", "en"),
        ("Prices rose. The bank raised rates by 0.25 points.", "en"),
        ("安倍晋三与特朗普通电话。安倍晋三表示，这次通话是特朗普提出的。", "zh-Hans"),
        ("他辞职了。公司周一宣布了这一消息。", "zh-Hans"),
        ("据报道，安倍晋三与特朗普通电话。", "zh-Hans"),  # news citing its sources
        ("他说：名师出高徒。", "zh-Hans"),  # an idiom is a sentence
        ("Bystanders rescued ducklings in D.C. Tuesday. They filmed it.", "en"),
        (
            "Abe had a telephone conversation with Trump. Abe told reporters Trump proposed "
            "the call.",
            "en",
        ),
    ],
)
def test_news_copy_is_left_alone(text: str, language: str) -> None:
    result = tidy(text, language)
    assert (result.text, result.repairs, result.problems) == (text, [], [])


def test_a_fault_in_the_only_sentence_is_reported_not_dropped() -> None:
    result = tidy("本文介绍了新标志。", "zh-Hans")
    assert result.text == "本文介绍了新标志。"
    assert result.repairs == []
    assert result.problems == ["meta_opening: 本文介绍了新标志。"]
