from __future__ import annotations

from service.checks.facts import ArticleFacts
from service.checks.problems import Problems, check, unsupported_names

ARTICLE = (
    "Japanese Prime Minister Shinzo Abe spoke with U.S. President Donald Trump on May 23. "
    "Akira Arita, Japan's chief negotiator, will travel to Washington for talks on tariffs. "
    "Exports fell 24% in April, according to NHK."
)
FACTS = ArticleFacts(ARTICLE, "en")


def test_a_faithful_summary_has_no_problems() -> None:
    summary = (
        "Japanese Prime Minister Shinzo Abe and Donald Trump spoke on May 23. "
        "Arita's trip to Washington follows a 24% fall in exports, NHK said."
    )
    assert not check(summary, FACTS)


def test_swapped_person_and_wrong_number_are_found() -> None:
    summary = "Rex Tillerson said exports fell 42% in April."
    problems = check(summary, FACTS)
    assert problems.numbers == ["42"]
    assert problems.names == ["Rex Tillerson"]
    assert problems.describe() == "the number 42 and the name Rex Tillerson"


def test_sentence_openers_days_and_demonyms_are_not_names() -> None:
    summary = "Talks resume on Friday. Exports of Japanese cars fell, Abe said."
    assert unsupported_names(summary, FACTS) == []


def test_an_english_summary_of_a_chinese_article_has_its_names_checked() -> None:
    article = "美国内政部长瑞安·津克周一表示，他将在年底辞职。"
    assert check("Ryan Zinke said he would resign.", ArticleFacts(article, "zh-Hans")) == Problems(
        [], []
    )
    assert check("Rex Tillerson said he would resign.", ArticleFacts(article, "zh-Hans")).names == [
        "Tillerson"
    ]


def test_names_in_a_chinese_summary_are_not_checked_against_the_article() -> None:
    assert check("安倍晋三与特朗普通话。", FACTS) == Problems([], [])


def test_an_acronym_of_words_the_source_writes_is_supported() -> None:
    source = "Japanese Prime Minister Shigeru Ishiba spoke with the World Health Organization."
    assert (
        unsupported_names("The Japanese PM spoke with the WHO.", ArticleFacts(source, "en")) == []
    )
    assert unsupported_names("The Japanese PM spoke with the IMF.", ArticleFacts(source, "en")) == [
        "IMF"
    ]


GERMAN = (
    "Die Apache Software Foundation hat ein neues Logo. Der Lebenszyklus der "
    "Laufzeitumgebung endet, und die Platte fasst 4 TByte. Das sagte Sprecherin Anja Köhler "
    "in Zürich."
)


def test_names_of_a_summary_in_another_language_are_checked_as_units() -> None:
    facts = ArticleFacts(GERMAN, "de")
    summary = (
        "The Apache Software Foundation has a new logo. The Runtime Lifecycle ends, and the "
        "disk holds 4 TB, spokeswoman Anja Köhler said in Zurich."
    )
    assert unsupported_names(summary, facts) == []
    swapped = "Spokesman Heinrich Brandtner of the Apache Foundation said so."
    assert unsupported_names(swapped, facts) == ["Brandtner"]  # Heinrich: a known name


def test_a_sentence_opener_is_not_a_name_but_a_name_after_it_is() -> None:
    assert unsupported_names("The Brandtner Group left.", FACTS) == ["Brandtner Group"]
    assert unsupported_names("Officials said Arita left.", FACTS) == []
