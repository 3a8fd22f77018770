"""Finding names in a Latin-script summary that its source never writes.

A name is a run of capitalized words or acronyms ("Apache Software Foundation", "Rex
Tillerson", "IMF"), checked as one unit, and reported once, as a unit. A sentence's first
word belongs to a name only when it is not a function word ("The", "In") and, where it is an
ordinary word by CC-CEDICT's English glosses ("Officials", "Rex"), a capitalized word follows
it. A unit is supported when the source writes it, in any case and
with or without accents, or when each of its words is supported: a source word with the same
first five letters ("Japanese" by "Japan", "Arita's" by "Arita", German "Foundations" by
"Foundation"), or, for an acronym, the initials of consecutive words the source writes ("PM"
by "Prime Minister") or a source word it begins ("TB" by "TByte"). This catches a model
swapping one person for another.

A summary in another language than its source's translates the source's words, so there an
ordinary English word ("Runtime", "Lifecycle"), or a name or acronym CC-CEDICT knows ("Munich"
for "München", "EU"), stands for what the source writes in its own language, and only the
other words are checked.

A Chinese source is searched for each run of capitalized words ("Rex Tillerson") in the ways
Chinese writes a foreign name (see `chinese_names`). Sources in other scripts are not checked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..text.scripts import NAME_WORD, is_latin_script
from ..text.sentences import split_sentences
from .chinese_names import (
    ChineseReading,
    foreign_words,
    is_known_acronym,
    is_known_name,
    is_ordinary_word,
    written_in_chinese,
)

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


CALENDAR_WORDS = frozenset(_ALWAYS_SUPPORTED - {"I"})  # weekdays and months


# Words that open sentences and are never names, though a capitalized run may follow them.
_OPENERS = (
    "a an the this that these those its it his her their our my your we they he she you i "
    "there here in on at for from with by as after before when while since during under over "
    "about among between into through to of and but or so yet if although though despite "
    "according meanwhile however also both each every all some many most several other "
    "another such no not one two three four five new last next"
)
FUNCTION_WORDS = frozenset(_OPENERS.split())
_CONNECTORS = frozenset({"of", "de", "von", "van", "der", "den", "du", "da", "del", "la", "le"})


@dataclass(frozen=True)
class LatinNames:
    """The words a Latin-script source writes, as the name check compares them."""

    known: frozenset[str]  # each word's first letters, lower case, without accents
    initialisms: frozenset[str]  # the acronyms its runs of capitalized words spell
    folded: str  # the whole text, lower case, without accents, words apart by one space
    acronyms: frozenset[str]  # the words it writes in capitals

    @classmethod
    def of(cls, source: str) -> LatinNames:
        words = NAME_WORD.findall(source)
        return cls(
            frozenset(_key(word) for word in words),
            frozenset(_initialisms(words)),
            f" {' '.join(_fold(word) for word in words)} ",
            frozenset(word for word in words if len(word) > 1 and word.isupper()),
        )

    def writes(self, unit: list[str], translated: bool) -> bool:
        """Whether the source writes `unit`, or the surname of a person it names: "Nick
        Gargan" for "Mr Gargan" (a given name added to a surname is the same person)."""
        if f" {' '.join(_fold(word) for word in unit)} " in self.folded:
            return True
        if len(unit) > 1 and not unit[-1].isupper() and self._writes_word(unit[-1], False):
            return True
        if "".join(word[0] for word in unit if word not in _CONNECTORS) in self.acronyms:
            return True  # "Islamic State" for "IS"
        return all(self._writes_word(word, translated) for word in unit if word not in _CONNECTORS)

    def _writes_word(self, word: str, translated: bool) -> bool:
        if word in _ALWAYS_SUPPORTED or _key(word) in self.known:
            return True
        if word.isupper():
            return (
                word in self.initialisms
                or any(key.startswith(word.lower()) for key in self.known)
                or (translated and is_known_acronym(word))
            )
        return translated and (is_ordinary_word(word) or is_known_name(word))


def names_missing_from(summary: str, source: LatinNames, translated: bool = False) -> list[str]:
    """Names in `summary` that a Latin-script source does not write, in order, each once;
    `translated`: the summary is in another language than the source. A name is reported
    from its first unsupported word to its last ("Ray Mallon" of "Mayor Ray Mallon")."""
    missing: dict[str, None] = {}
    for sentence in split_sentences(summary):
        for unit in _name_units(sentence):
            if not source.writes(unit, translated):
                bad = [i for i, word in enumerate(unit) if not source.writes([word], translated)]
                missing[" ".join(unit[bad[0] : bad[-1] + 1] if bad else unit)] = None
    return list(missing)


def _name_units(sentence: str) -> list[list[str]]:
    """The sentence's runs of capitalized words, joined by connectors ("Bank of Japan") and
    nothing else (a colon or a bracket ends one); its first word only where it is not a
    function word, nor an ordinary word standing alone."""
    matches = list(NAME_WORD.finditer(sentence))
    words = [m[0] for m in matches]
    units: list[list[str]] = []
    run: list[str] = []
    for i, word in enumerate(words):
        joined = i > 0 and not sentence[matches[i - 1].end() : matches[i].start()].strip()
        if run and not joined:
            units.append(run)
            run = []
        base = re.split(r"['’]", word)[0]
        opener = i == 0 and (
            base.lower() in FUNCTION_WORDS
            or (is_ordinary_word(base) and not (len(words) > 1 and _NAME.match(words[1])))
        )
        if _NAME.match(word) and not opener:
            run.append(base)
        elif run and word in _CONNECTORS and i + 1 < len(words) and _NAME.match(words[i + 1]):
            run.append(word)
        elif run:
            units.append(run)
            run = []
    if run:
        units.append(run)
    return [unit[:-1] if unit[-1] in _CONNECTORS else unit for unit in units]


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
    return _fold(re.split(r"['’]", word)[0])[:_PREFIX]


def _fold(word: str) -> str:
    """Lower case, without accents: "Zürich" and "Zurich" are one name."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
