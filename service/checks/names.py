"""Finding names in a Latin-script summary that its source never writes.

A name is a capitalized word, or an all-capitals acronym; a sentence's first word counts only
when an unsupported name follows it, as in "Rex Tillerson said". It
counts as supported when the source has a word with the same first five letters, so
"Japanese" is backed by "Japan" and "Arita's" by "Arita", and an acronym by the initials of
consecutive words the source writes ("PM" by "Prime Minister"). This catches a model swapping one
person for another.

A Chinese source is searched for each run of capitalized words ("Rex Tillerson") in the ways
Chinese writes a foreign name (see `chinese_names`). Sources in other scripts are not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.scripts import NAME_WORD, is_latin_script
from ..text.sentences import split_sentences
from .chinese_names import ChineseReading, foreign_words, written_in_chinese

_NAME = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+|[A-Z]{2,})(?:['’-].*)?$")
_PREFIX = 5
_ALWAYS_SUPPORTED = {
    "I",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


@dataclass(frozen=True)
class LatinNames:
    """The words a Latin-script source writes, as the name check compares them."""

    known: frozenset[str]  # each word's first letters, lower case
    initialisms: frozenset[str]  # the acronyms its runs of capitalized words spell

    @classmethod
    def of(cls, source: str) -> LatinNames:
        words = NAME_WORD.findall(source)
        return cls(frozenset(_key(word) for word in words), frozenset(_initialisms(words)))


def names_missing_from(summary: str, source: LatinNames) -> list[str]:
    """Names in `summary` that a Latin-script source does not write, in order, each once."""
    missing: dict[str, None] = {}
    for sentence in split_sentences(summary):
        words = NAME_WORD.findall(sentence)
        unsupported = [
            i
            for i, word in enumerate(words)
            if _NAME.match(word)
            and word not in _ALWAYS_SUPPORTED
            and _key(word) not in source.known
            and word not in source.initialisms
        ]
        for i in unsupported:
            if i > 0 or 1 in unsupported:
                missing[words[i]] = None
    return list(missing)


def names_not_rendered(english: str, chinese: ChineseReading) -> list[str]:
    """Names of an English text that a Chinese one (its article, or its translation) does not
    write."""
    if not is_latin_script(english):
        return []
    return [
        " ".join(foreign_words(name))
        for name in name_runs(english)
        if not written_in_chinese(name, chinese)
    ]


def name_runs(text: str) -> list[str]:
    """Runs of capitalized words ("Rex Tillerson"), each once; a sentence's first word alone is
    not one, since it cannot be told from "The" or "Officials"."""
    runs: dict[str, None] = {}
    for sentence in split_sentences(text):
        run: list[str] = []
        for i, word in enumerate([*NAME_WORD.findall(sentence), ""]):
            if _NAME.match(word) and not word.isupper() and word not in _ALWAYS_SUPPORTED:
                run.append(re.split(r"['’]", word)[0])
                continue
            if len(run) > 1 or (run and i > 1):
                runs[" ".join(run)] = None
            run = []
    return list(runs)


def _initialisms(words: list[str], longest: int = 5) -> set[str]:
    """Every acronym that a run of 2 to `longest` capitalized words spells."""
    initials = "".join(w[0] if w[0].isupper() else " " for w in words)
    return {
        run[start : start + size]
        for run in initials.split()
        for size in range(2, longest + 1)
        for start in range(len(run) - size + 1)
    }


def _key(word: str) -> str:
    return re.split(r"['’]", word)[0][:_PREFIX].lower()
