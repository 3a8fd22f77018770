"""A newsroom's glossary: how its recurring names and terms must be written in each summary.

An entry gives a term as articles write it (`source`) and its rendering in English and in
Chinese. Only the entries whose source term occurs in an article apply to its summaries: they
are put in the prompts, the English summary is translated with them already in place, and
finalize checks every summary against them. A wrong form that can be found is replaced by the
given rendering: the source term itself where the rendering differs, the term's words left in
letters in a Chinese summary ("阿里亚·Arita"), or, where the summary writes no rendering, the
model's own transliteration of them ("阿里亚·阿拉蒂"), found the way the name checks find it. An
entry still not honoured is reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import LingosumError
from ..text.scripts import HAN, HAN_CHAR, LATIN, LATIN_RUN
from .chinese_names import is_other_word, transliteration_spans

MAX_ENTRIES = 500
MAX_TERM_CHARS = 200
_NAME_DOT = "·・‧•"
_VOWEL_GROUP = re.compile(r"[aeiouy]+", re.IGNORECASE)
_HAN_TAIL = re.compile(f"[{HAN}]*$")
_HAN_HEAD = re.compile(f"[{HAN}]*")


@dataclass(frozen=True)
class GlossaryEntry:
    source: str
    en: str | None = None
    zh: str | None = None

    def rendering(self, language: str) -> str | None:
        return self.zh if language.startswith("zh") else self.en

    def to_json(self) -> dict[str, str | None]:
        return {"source": self.source, "en": self.en, "zh": self.zh}

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> GlossaryEntry:
        return cls(str(data["source"]), data.get("en"), data.get("zh"))


Glossary = tuple[GlossaryEntry, ...]


def glossary_of(entries: Iterable[GlossaryEntry]) -> Glossary:
    """Checked entries, each source term once (a later entry replaces an earlier one)."""
    by_term: dict[str, GlossaryEntry] = {}
    for entry in entries:
        source = entry.source.strip()
        renderings = [r.strip() if r else None for r in (entry.en, entry.zh)]
        if not source or not any(renderings):
            raise LingosumError(
                "invalid_glossary",
                f"Glossary entry {entry.source!r} needs a source term and an en or zh rendering.",
                status=422,
            )
        if max(len(source), *(len(r or "") for r in renderings)) > MAX_TERM_CHARS:
            raise LingosumError(
                "invalid_glossary",
                f"Glossary terms are at most {MAX_TERM_CHARS} characters.",
                status=422,
            )
        by_term[source.casefold()] = GlossaryEntry(source, *renderings)
    if len(by_term) > MAX_ENTRIES:
        raise LingosumError(
            "invalid_glossary", f"A glossary has at most {MAX_ENTRIES} entries.", status=422
        )
    return tuple(by_term.values())


def merged(base: Glossary, override: Glossary) -> Glossary:
    """`base` (a key's glossary) with `override` (a request's) winning for the same term."""
    return glossary_of([*base, *override])


def read_csv(text: str) -> Glossary:
    """Entries from CSV text with a header row naming the columns source, en and zh."""
    rows = csv.DictReader(io.StringIO(text))
    if rows.fieldnames is None or "source" not in rows.fieldnames:
        raise LingosumError(
            "invalid_glossary", "The CSV needs a header row: source,en,zh.", status=422
        )
    return glossary_of(
        GlossaryEntry(row["source"] or "", row.get("en") or None, row.get("zh") or None)
        for row in rows
    )


def entries_in(glossary: Glossary, text: str) -> Glossary:
    """The entries whose source term `text` writes."""
    return tuple(entry for entry in glossary if _occurs(entry.source, text))


def prompt_lines(entries: Sequence[GlossaryEntry], target: str) -> str:
    """The instruction that asks a summary or translation into `target` to use `entries`."""
    pairs = [(e.source, r) for e in entries if (r := e.rendering(target))]
    if not pairs:
        return ""
    if target.startswith("zh"):
        listed = "；".join(f"{source} 写作「{rendering}」" for source, rendering in pairs)
        return f"\n必须使用以下译名：{listed}。"
    listed = "; ".join(
        f'"{source}" as "{rendering}"' if source != rendering else f'"{rendering}"'
        for source, rendering in pairs
    )
    return f"\nWrite these terms exactly as given: {listed}."


def with_renderings(text: str, entries: Sequence[GlossaryEntry], target: str) -> str:
    """`text` with each entry's source term and English rendering replaced by its rendering in
    `target`: what a translation into `target` is given, so that it keeps them."""
    for entry in entries:
        rendering = entry.rendering(target)
        if rendering:
            for form in {entry.source, entry.en or entry.source} - {rendering}:
                text = _replace(text, form, rendering)
    return text


@dataclass(frozen=True)
class GlossaryCheck:
    text: str
    repaired: list[tuple[str, str]]  # (the wrong form replaced, its rendering)
    not_honoured: list[GlossaryEntry]


def enforce(
    text: str, entries: Sequence[GlossaryEntry], language: str, translated_from: str | None = None
) -> GlossaryCheck:
    """Put each entry's rendering in place of the wrong forms that `text` (a summary in
    `language`) writes; an entry whose term the summary, or the summary it translates, mentions
    but whose rendering is then still missing is not honoured."""
    repaired: list[tuple[str, str]] = []
    not_honoured: list[GlossaryEntry] = []
    for entry in entries:
        rendering = entry.rendering(language)
        if not rendering:
            continue
        mentioned = translated_from is not None and any(
            _occurs(form, translated_from) for form in (entry.source, entry.en) if form
        )
        for start, end in reversed(_wrong_forms(text, entry, rendering, language)):
            repaired.append((text[start:end], rendering))
            text = text[:start] + rendering + text[end:]
            mentioned = True
        if mentioned and rendering not in text:
            not_honoured.append(entry)
    return GlossaryCheck(text, repaired, not_honoured)


def _wrong_forms(
    text: str, entry: GlossaryEntry, rendering: str, language: str
) -> list[tuple[int, int]]:
    """Spans of `text` that write the entry's term otherwise than `rendering`, in order."""
    kept = [(m.start(), m.end()) for m in re.finditer(re.escape(rendering), text)]
    spans = [
        (m.start(), m.end())
        for form in {entry.source, entry.en or entry.source} - {rendering}
        for m in _pattern(form).finditer(text)
    ]
    if language.startswith("zh") and not HAN_CHAR.search(entry.en or entry.source):
        words = LATIN_RUN.findall(entry.en or entry.source)
        for word in words:
            if len(word) > 1:
                spans += [(m.start(), m.end()) for m in _pattern(word).finditer(text)]
        if not kept:  # the model's own transliteration, only where it wrote no rendering
            spans += [
                (start, end)
                for start, end in transliteration_spans(words, text)
                if not is_other_word(text[start:end], words)
            ]
        spans = _with_attached_han(text, spans, words)
    return _merged([s for s in spans if not any(_overlap(s, k) for k in kept)], text)


def _with_attached_han(
    text: str, spans: list[tuple[int, int]], words: list[str]
) -> list[tuple[int, int]]:
    """Each span widened over the Han characters joined to it by a name dot, as many as a
    word of the name has syllables: the other part of one name (阿里亚·Arita)."""
    most = max((len(_VOWEL_GROUP.findall(word)) for word in words), default=0)
    widened = []
    for start, end in spans:
        if start > 1 and text[start - 1] in _NAME_DOT:
            before = _HAN_TAIL.search(text, 0, start - 1)
            start -= 1 + min(len(before[0]) if before else 0, most)
        if end < len(text) - 1 and text[end] in _NAME_DOT:
            after = _HAN_HEAD.match(text, end + 1)
            end += 1 + min(len(after[0]) if after else 0, most)
        widened.append((start, end))
    return widened


def _merged(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping spans, and spans apart by only a space or name dot, as one."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + 1 and not text[out[-1][1] : start].strip(_NAME_DOT + " "):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _pattern(term: str) -> re.Pattern[str]:
    """`term` as a whole word (or, in Han script, anywhere), in any case."""
    edge = "" if HAN_CHAR.match(term[0]) else f"(?<![{LATIN}0-9_-])"
    end = "" if HAN_CHAR.match(term[-1]) else f"(?![{LATIN}0-9_-])"
    return re.compile(edge + re.escape(term) + end, re.IGNORECASE)


def renders_name(entry: GlossaryEntry, name: str, chinese: str) -> bool:
    """Whether `chinese` writes `entry`'s Chinese rendering and `name` is (part of) its term:
    then the name is rendered as the glossary asks, not lost."""
    words = {w.casefold() for w in LATIN_RUN.findall(f"{entry.source} {entry.en or ''}")}
    return (
        entry.zh is not None
        and entry.zh in chinese
        and {w.casefold() for w in LATIN_RUN.findall(name)} <= words
    )


def _occurs(term: str, text: str) -> bool:
    return _pattern(term).search(text) is not None


def _replace(text: str, term: str, rendering: str) -> str:
    return _pattern(term).sub(lambda _: rendering, text)
