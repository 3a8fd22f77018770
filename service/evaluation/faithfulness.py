"""Heuristic checks that a summary states nothing its source does not: numbers, dates, names.

- numbers: `service.checks.numbers`, the same readers the service uses to guard its summaries;
- dates: weekdays (English and Chinese names) and dated expressions ("May 3", "3 May",
  "2024年5月3日"); each date's parts must be numbers the source states, and its weekday a
  weekday the source names, in either language;
- names: Latin-script words of two or more letters written with a capital (or all capitals)
  that do not occur in the source, case-insensitively (common sentence openers such as "The"
  or "However", and month and weekday names, which the date check covers, are skipped).
  This is checked where the summary and the source can share the spelling: English
  summaries of Latin-script sources, and the Latin words kept in Chinese summaries. English
  summaries of Chinese sources go through the service's own cross-script check
  (`service.checks.names.names_not_rendered`: pinyin and transliterations). It cannot see a Chinese
  name rendered wrongly in a Chinese summary, or a real name placed in the wrong role; and a
  correct name the source spells differently (an inflection, "U.S." for "United States")
  counts as unsupported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..checks.chinese_names import ChineseReading
from ..checks.names import names_not_rendered
from ..checks.numbers import source_numbers, unsupported_numbers
from ..text.languages import is_chinese
from ..text.scripts import ASCII_WORD, HAN_CHAR

_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_EN = re.compile(r"\b(" + "|".join(_WEEKDAYS_EN) + r")\b", re.IGNORECASE)
_WEEKDAY_ZH = re.compile(r"(?:星期|周|週|礼拜|禮拜)([一二三四五六日天])")
_ZH_WEEKDAY_INDEX = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
_MONTHS_EN = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = r"(" + "|".join(m.title() for m in _MONTHS_EN) + r")"
_DATE_EN = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})\b(?:,?\s+(\d{{4}}))?|\b(\d{{1,2}})\s+{_MONTH}\b")
_DATE_ZH = re.compile(r"(?:(\d{2,4})年)?(\d{1,2})月(?:(\d{1,2})[日号])?")
_LATIN_NAME = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z'’\-]*[A-Za-z](?![A-Za-z])")
# Capitalised only because they open a sentence; any other capitalised word counts as a name.
_SENTENCE_OPENERS = set(
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "to",
        "of",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "his",
        "her",
        "they",
        "their",
        "we",
        "our",
        "there",
        "here",
        "however",
        "after",
        "before",
        "but",
        "and",
        "or",
        "as",
        "according",
        "meanwhile",
        "also",
        "despite",
        "while",
        "when",
        "during",
        "following",
        "with",
        "for",
        "from",
        "by",
        "some",
        "many",
        "several",
        "one",
        "two",
        "three",
        "both",
        "all",
        "most",
        "more",
        "other",
        "another",
        "each",
        "if",
        "since",
        "until",
        "although",
        "though",
        "now",
        "then",
        "so",
        "yet",
    ]
)


@dataclass(frozen=True)
class Unsupported:
    numbers: list[str]
    dates: list[str]
    names: list[str] | None  # None where names cannot be compared (see above)

    @property
    def any(self) -> bool:
        return bool(self.numbers or self.dates or self.names)


def check(summary: str, summary_language: str, source: str, source_language: str) -> Unsupported:
    return Unsupported(
        unsupported_numbers(summary, source, source_language),
        unsupported_dates(summary, source, source_language),
        unsupported_names(summary, summary_language, source),
    )


def _weekdays(text: str) -> set[int]:
    found = {_WEEKDAYS_EN.index(m.group(1).lower()) for m in _WEEKDAY_EN.finditer(text)}
    return found | {_ZH_WEEKDAY_INDEX[m.group(1)] for m in _WEEKDAY_ZH.finditer(text)}


def _date_parts(match: re.Match[str]) -> tuple[str, list[float]]:
    parts: list[float] = []
    for group in match.groups():
        if group is None:
            continue
        month = group.lower()
        parts.append(float(_MONTHS_EN.index(month) + 1 if month in _MONTHS_EN else int(group)))
    return match.group(0), parts


def unsupported_dates(summary: str, source: str, source_language: str) -> list[str]:
    stated = source_numbers(source, source_language)
    source_weekdays = _weekdays(source)
    bad = [
        m.group(0)
        for m in [*_WEEKDAY_EN.finditer(summary), *_WEEKDAY_ZH.finditer(summary)]
        if not _weekdays(m.group(0)) <= source_weekdays
    ]
    for match in [*_DATE_EN.finditer(summary), *_DATE_ZH.finditer(summary)]:
        span, parts = _date_parts(match)
        if not set(parts) <= stated:
            bad.append(span)
    return bad


def unsupported_names(summary: str, summary_language: str, source: str) -> list[str] | None:
    latin_source = sum(ch.isascii() and ch.isalpha() for ch in source) > len(source) / 4
    if not (is_chinese(summary_language) or latin_source):
        # An English summary of a Chinese article: the service's own cross-script check.
        return (
            names_not_rendered(summary, ChineseReading.of(source))
            if HAN_CHAR.search(source)
            else None
        )
    source_words = {
        part
        for word in ASCII_WORD.findall(source)
        for part in (_stem(word).lower(), *_stem(word).lower().split("-"))
    }  # "ex-Reading" states "Reading"
    names: list[str] = []
    for word in _LATIN_NAME.findall(summary):
        stem = _stem(word)
        if stem.lower() in _SENTENCE_OPENERS or stem.lower() in _CALENDAR_WORDS:
            continue
        if stem.lower() not in source_words and stem not in names:
            names.append(stem)
    return names


_CALENDAR_WORDS = set(_WEEKDAYS_EN) | set(_MONTHS_EN)  # checked as dates


def _stem(word: str) -> str:
    return re.sub(r"['’]s$", "", word)
