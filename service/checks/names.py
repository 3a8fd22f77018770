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

from .chinese_names import foreign_words, written_in_chinese
from ..text.sentences import split_sentences

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’-][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_NAME = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+|[A-Z]{2,})(?:['’-].*)?$")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
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


def is_latin_script(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(bool(_LATIN.match(ch)) for ch in letters) / len(letters) > 0.8


def unsupported_names(summary: str, source: str, source_is_chinese: bool = False) -> list[str]:
    """Names in `summary` that `source` does not write, in order, each once."""
    if source_is_chinese:
        return names_not_rendered(summary, source)
    if not is_latin_script(source):
        return []
    source_words = _WORD.findall(source)
    known = {_key(word) for word in source_words}
    initialisms = _initialisms(source_words)
    missing: dict[str, None] = {}
    for sentence in split_sentences(summary):
        words = _WORD.findall(sentence)
        unsupported = [
            i
            for i, word in enumerate(words)
            if _NAME.match(word)
            and word not in _ALWAYS_SUPPORTED
            and _key(word) not in known
            and word not in initialisms
        ]
        for i in unsupported:
            if i > 0 or 1 in unsupported:
                missing[words[i]] = None
    return list(missing)


def names_not_rendered(english: str, chinese: str) -> list[str]:
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
        for i, word in enumerate([*_WORD.findall(sentence), ""]):
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
