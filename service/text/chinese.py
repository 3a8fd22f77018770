"""Chinese script handling with OpenCC, and spotting English words left in Chinese text."""

from __future__ import annotations

import re
from functools import cache

import opencc

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
_LATIN_TOKEN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_'’\-]*[A-Za-z0-9_])?")
_IDENTIFIER = re.compile(r"[0-9_]|[a-z][A-Z]")  # code, model numbers, product names
_MID_SENTENCE_CAPITALISED = re.compile(r"(?<=[\w,;:])\s+([A-Z][A-Za-z\-]*)")
_ACRONYM = re.compile(r"^[A-Z]{2,}s?$")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}")
_GLUED_FRAGMENT = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff]+)([a-z]{2,})(?![A-Za-z])")
_VOWEL_GROUP = re.compile(r"[aeiouy]+", re.IGNORECASE)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    return str(_converter("s2t").convert(text))


def script_variant_counts(text: str) -> tuple[int, int]:
    """How many distinct Han characters are Simplified-only and Traditional-only."""
    chars = sorted(set(_HAN.findall(text)))
    if not chars:
        return 0, 0
    simplified = to_simplified("\n".join(chars)).split("\n")
    traditional = to_traditional("\n".join(chars)).split("\n")
    traditional_only = sum(a != b for a, b in zip(chars, simplified, strict=False))
    simplified_only = sum(a != b for a, b in zip(chars, traditional, strict=False))
    return simplified_only, traditional_only


def stray_english_words(chinese: str, source: str) -> list[str]:
    """Latin-script words in a Chinese text that are neither acronyms nor names from the source.

    A name is a capitalised word that the source also writes capitalised mid-sentence,
    which tells "Trump" (allowed) from "tariffs" (to be translated). Identifiers with digits,
    underscores or inner capitals ("CreateViewport", "iPhone", "COVID-19") are kept as written.
    """
    names = _names_in(source)
    stray: list[str] = []
    for token in _LATIN_TOKEN.findall(_DOTTED_ACRONYM.sub(" ", chinese)):
        word = re.sub(r"['’]s$", "", token)
        if not word.isascii() or _IDENTIFIER.search(word) or not _LATIN_WORD.fullmatch(word):
            continue
        if len(word) == 1 or _ACRONYM.match(word) or word in names or word in stray:
            continue
        stray.append(word)
    return stray


def restore_name_fragments(chinese: str, source: str) -> tuple[str, list[tuple[str, str]]]:
    """Put back a name the model began in Chinese and finished in letters (阿rita for "Arita").

    The Han characters just before the fragment stand for the rest of the name, one per
    syllable, so those characters and the fragment become the name as the source writes it.
    Returns the text and each (span, name) replaced.
    """
    names = sorted(_names_in(source), key=len, reverse=True)
    restored: list[tuple[str, str]] = []

    def restore(match: re.Match[str]) -> str:
        han, fragment = match.group(1), match.group(2)
        for name in names:
            if len(name) > len(fragment) and name.lower().endswith(fragment.lower()):
                rest = name[: len(name) - len(fragment)]
                syllables = max(1, len(_VOWEL_GROUP.findall(rest)))
                if len(han) >= syllables:
                    span = han[-syllables:] + fragment
                    restored.append((span, name))
                    return han[:-syllables] + name
        return match.group(0)

    return _GLUED_FRAGMENT.sub(restore, chinese), restored


def _names_in(source: str) -> set[str]:
    if _HAN.search(source):  # a Chinese source's own Latin words (names, brands) may stay
        return set(_LATIN_WORD.findall(source))
    return set(_MID_SENTENCE_CAPITALISED.findall(source))
