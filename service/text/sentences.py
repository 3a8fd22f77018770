"""Sentence-level text helpers shared by the stages, for English and Chinese alike."""

from __future__ import annotations

import re

from .scripts import CJK_CHAR, CJK_RUN, COUNTED_WORD

_TERMINALS = ".!?。！？；…"
_CLOSERS = "\"'”’」』）)]"
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "gen",
    "gov",
    "rev",
    "capt",
    "det",
    "insp",
    "sgt",
    "sen",
    "rep",
    "lt",
    "col",
    "e.g",
    "i.e",
    "vs",
    "no",
    "inc",
    "co",
    "corp",
    "ltd",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
_INITIALISM = re.compile(r"(?:[A-Z]\.)*[A-Z]")  # "J" (Donald J. Trump), "U.S", "D.C"
_END_MARK = re.compile(rf"[{re.escape(_TERMINALS)}]+[{re.escape(_CLOSERS)}]*")
_CJK_PUNCT = re.compile(r"[。！？；…]")
_FULL_WIDTH_END = "。！？；」』）"  # no space follows these, whatever script comes next


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences at . ! ? and Chinese 。！？；…, keeping abbreviations whole."""
    sentences: list[str] = []
    start = 0
    for mark in _END_MARK.finditer(text):
        followed_by_space = mark.end() == len(text) or text[mark.end()].isspace()
        if not (followed_by_space or _CJK_PUNCT.search(mark.group())):
            continue
        if text[mark.end() :].lstrip()[:1].islower():
            continue
        candidate = text[start : mark.end()].strip()
        if mark.group()[0] == "." and _is_abbreviation(_last_word(candidate)):
            continue
        if candidate:
            sentences.append(candidate)
        start = mark.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_abbreviation(word: str) -> bool:
    """ "Mr", initialisms with points ("U.S", "D.C"), and single initials such as the "J" of
    "Donald J. Trump"."""
    return word.lower() in _ABBREVIATIONS or _INITIALISM.fullmatch(word) is not None


def _last_word(sentence: str) -> str:
    words = sentence.rstrip(_CLOSERS).rstrip(".").split()
    return words[-1] if words else ""


def is_complete(sentence: str) -> bool:
    return sentence.rstrip().rstrip(_CLOSERS).endswith(tuple(_TERMINALS))


def drop_unfinished_sentence(text: str) -> str:
    """Cut a trailing fragment that a token limit left unfinished; keep text with no full stop."""
    sentences = split_sentences(text)
    while len(sentences) > 1 and not is_complete(sentences[-1]):
        sentences.pop()
    return join_sentences(sentences)


def join_sentences(sentences: list[str]) -> str:
    joined = ""
    for sentence in sentences:
        cjk_join = joined and (
            CJK_CHAR.search(joined[-1])
            or joined[-1] in _FULL_WIDTH_END
            or CJK_CHAR.search(sentence[0])
        )
        joined += sentence if not joined or cjk_join else " " + sentence
    return joined


def count_words(text: str) -> int:
    """Words for alphabetic scripts; each CJK character counts as one."""
    return len(COUNTED_WORD.findall(text)) + len(CJK_CHAR.findall(text))


def cjk_words(text: str) -> list[str]:
    """Runs of Chinese, Japanese or Korean characters, in order, each once."""
    return list(dict.fromkeys(CJK_RUN.findall(text)))
