"""The domain types that the API, jobs and CLI share: the options of a request (targets and
length), each article as it came in (a checked `WorkItem`, or a `RejectedItem` with its own
error), and the `Document` the engine summarizes, made of the two."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..checks.glossary import Glossary, GlossaryEntry, merged
from ..errors import LingosumError
from ..settings import Settings
from ..text.languages import source_language, target_language
from .stages.summarize import Length


@dataclass(frozen=True)
class Options:
    """What every summary of a request is like; the API, jobs and CLI parse targets here."""

    targets: dict[str, str]  # each target as the caller wrote it ("zh") -> catalogue code
    length: Length = "medium"
    glossary: Glossary = ()  # the caller's key's, with the request's entries winning

    @classmethod
    def parse(cls, targets: list[str], length: Length, glossary: Glossary = ()) -> Options:
        """Raises LingosumError (422) for an unsupported target; duplicates are folded."""
        codes: dict[str, str] = {}
        for target in targets:
            code = target_language(target)
            if code not in codes.values():
                codes[target] = code
        return cls(codes, length, glossary)

    def with_key_glossary(self, key_glossary: Glossary) -> Options:
        """These options with the key's glossary under the request's own entries."""
        if not key_glossary:
            return self
        return replace(self, glossary=merged(key_glossary, self.glossary))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"targets": self.targets, "length": self.length}
        if self.glossary:
            data["glossary"] = [entry.to_json() for entry in self.glossary]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Options:
        glossary = tuple(GlossaryEntry.from_json(e) for e in data.get("glossary", []))
        return cls(dict(data["targets"]), data["length"], glossary)


@dataclass(frozen=True)
class WorkItem:
    index: int
    id: str
    text: str
    title: str | None = None
    source_language: str | None = None  # a catalogue code; None means detect
    link: str | None = None
    external_id: str | None = None  # the story in the caller's CMS
    revision: int | None = None  # of that story; a newer one supersedes older queued ones


@dataclass(frozen=True)
class RejectedItem:
    """An item refused on its own (empty, too large, unknown language); the others still run."""

    index: int
    id: str
    error: LingosumError


def work_item(
    index: int,
    text: str,
    settings: Settings,
    *,
    id: str | None = None,
    title: str | None = None,
    source: str | None = None,
    link: str | None = None,
    external_id: str | None = None,
    revision: int | None = None,
) -> WorkItem:
    """A checked item: not blank, within the size limit, a known source language (or none)."""
    if not text.strip():
        raise LingosumError("invalid_request", "text: text is empty", status=422)
    if len(text) > settings.max_text_chars:
        raise LingosumError(
            "text_too_large",
            f"The text has {len(text)} characters; the limit is {settings.max_text_chars}.",
            status=413,
        )
    code = source_language(source) if source else None
    item_id = id if id is not None else str(index)
    return WorkItem(index, item_id, text, title, code, link, external_id, revision)


@dataclass(frozen=True)
class Document:
    """One article as the engine summarizes it."""

    text: str
    title: str | None = None
    source_language: str | None = None  # a catalogue code; None means detect
    targets: tuple[str, ...] = ("en", "zh-Hans")  # catalogue codes, one summary each
    length: Length = "medium"
    glossary: Glossary = ()

    @classmethod
    def of(cls, item: WorkItem, options: Options) -> Document:
        targets = tuple(options.targets.values())
        return cls(
            item.text, item.title, item.source_language, targets, options.length, options.glossary
        )
