"""A name written two ways in one Chinese summary, which then reads as two people.

An article's name ("Akira Arita", "Donald Trump") may be written in a Chinese summary in
letters, in the form CC-CEDICT establishes (特朗普 for "Trump", see
`chinese_names.established_renderings`), or transliterated as a name joined by a name dot
(阿里亚·阿拉蒂), whose parts transliterate its words. A name is written two ways where one of its
words is written in two of these forms ("Arita" and 阿里亚·阿拉蒂, 约翰逊 and 强生), or half in
letters and half in Chinese (阿里亚·Arita). Forms of which one holds the other (华盛顿 and
华盛顿州) count as one. A transliteration without a name dot is recognized only in its
established form: a run of Han characters sounds like a name by chance too often.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..text.chinese import to_simplified
from ..text.scripts import HAN, LATIN, NAME_WORD
from .chinese_names import established_renderings, is_ordinary_word, transliteration_spans
from .stray_words import fold

NAME_TWO_WAYS = "name_two_ways"
_DOTS = "·・‧•"
_PART = f"[{HAN}]+|[{LATIN}]+(?:['’-][{LATIN}]+)*"
_DOTTED = re.compile(f"(?:{_PART})(?:[{_DOTS}](?:{_PART}))+")
_HAN_PART = re.compile(f"[{HAN}]+")
_GLOSS = re.compile(f"[（(]\\s*[{LATIN}][{LATIN}0-9 .,&'’-]*[）)]")


def names_written_two_ways(chinese: str, runs: Collection[str]) -> list[str]:
    """The names of `runs` (an article's runs of capitalized words) that `chinese` writes in
    more than one way, each as "Akira Arita: Arita, 阿里亚·阿拉蒂", in the order of `runs`.
    The original in brackets after a Chinese form (弗洛伊德·乔丹（Floyd Jourdain）) is a gloss,
    not a second form."""
    text = _GLOSS.sub(" ", to_simplified(chinese))
    groups = _DOTTED.findall(text)
    rest = _DOTTED.sub(" ", text)
    letters = {_key(word) for word in NAME_WORD.findall(rest) if not word.isupper()}
    names = {run: _name_words(run) for run in runs}
    matches = {
        (run, group): _match_group(group, words)
        for run, words in names.items()
        if len(words) > 1
        for group in groups
    }
    owner: dict[str, str] = {}  # a dotted name is of the one name it writes the most words of
    for group in groups:
        counts = sorted(((len(m[0]), run) for (run, g), m in matches.items() if g == group))
        if counts and counts[-1][0] and (len(counts) == 1 or counts[-2][0] < counts[-1][0]):
            owner[group] = counts[-1][1]
    found: list[str] = []
    for run, words in names.items():
        forms: dict[str, dict[str, None]] = {word: {} for word in words}
        shown: dict[str, None] = {}  # how the summary writes the name, for the report
        half = False
        for word in words:
            if _key(word) in letters:
                forms[word][word] = None
                shown[word] = None
            established = _distinct(established_renderings(word))
            for form in established if len(established) <= 2 else []:
                if form in rest:
                    forms[word][form] = None
                    shown[form] = None
        for group in groups if len(words) > 1 else []:
            if owner.get(group) != run:
                continue
            matched, name = matches[run, group]
            for word, form in matched:
                forms[word][form] = None
            if matched:
                shown[name] = None
                half = half or bool(_HAN_PART.search(name) and NAME_WORD.search(name))
        if half or any(len(_distinct(list(f))) > 1 for f in forms.values()):
            found.append(f"{run}: {', '.join(shown)}")
    return found


def _name_words(run: str) -> list[str]:
    """The words of a name, without the ordinary ones that open it ("Negotiator Akira
    Arita"), of two letters or more."""
    words = [word for word in run.split() if len(word) > 1]
    while len(words) > 1 and is_ordinary_word(words[0], compound=False):
        words.pop(0)
    return words


def _match_group(group: str, words: list[str]) -> tuple[list[tuple[str, str]], str]:
    """(word, form) for each part of a dotted name that writes one of `words` (the same
    letters, its established form, or a transliteration), and the name as written; nothing
    unless two words are written, or the last word after the last dot, since one part of a
    long text sounds like some word of some name by chance.

    A Han part runs on into the sentence ("代表阿里亚" of "代表阿里亚·阿拉蒂将"): only the
    characters at its dot are the name's, those of a transliteration found there, or the
    three nearest."""
    parts = re.split(f"[{_DOTS}]", group)
    matched: list[tuple[str, str]] = []
    written: list[str] = []
    next_word = 0  # the parts write the name's words in order
    for i, part in enumerate(parts):
        before_dot, after_dot = i == 0, i == len(parts) - 1
        form = None
        for index in range(next_word, len(words) - len(parts) + i + 1):
            word = words[index]
            if _HAN_PART.fullmatch(part):
                form = _han_form(word, part, before_dot, after_dot)
            elif _key(part) == _key(word):
                form = part
            if form:
                matched.append((word, form))
                next_word = index + 1
                break
        if form is None and _HAN_PART.fullmatch(part) and len(part) > 3:
            form = part[-3:] if before_dot else part[:3]
        written.append(form or part)
    surname = bool(matched) and matched[-1] == (words[-1], written[-1])
    if len({word for word, _ in matched}) < 2 and not surname:
        return [], group
    return matched, "·".join(written)


def _han_form(word: str, part: str, before_dot: bool, after_dot: bool) -> str | None:
    """The characters of `part` next to its dot (at its end where `before_dot`, at its start
    where `after_dot`, the whole part where it is between two dots) that write `word`."""

    def fits(start: int, end: int) -> bool:
        return (end == len(part) or after_dot) and (start == 0 or before_dot)

    for form in established_renderings(word):
        start = part.rfind(form) if before_dot else part.find(form)
        if start >= 0 and fits(start, start + len(form)):
            return form
    for start, end in transliteration_spans([word], part):
        if fits(start, end):
            return part[start:end]
    return None


def _distinct(forms: list[str]) -> list[str]:
    """`forms` less those held in another ("华盛顿" in "华盛顿州")."""
    return [f for f in forms if not any(f != g and f in g for g in forms)]


def _key(word: str) -> str:
    return fold(re.sub(r"['’]s$", "", word)).lower()
