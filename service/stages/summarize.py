"""The summarize stage: articles in, summaries of the asked length out, in batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..backends import Backend, Generation, GenerationRequest
from ..prompts import PromptBook
from .requests import build_request

Length = Literal["short", "medium", "long"]


@dataclass(frozen=True)
class LengthPreset:
    sentences: str
    words: int  # English words at most
    chars: int  # Chinese characters at most
    max_new_tokens: int


LENGTHS: dict[str, LengthPreset] = {
    "short": LengthPreset("1 to 2", 45, 80, 128),
    "medium": LengthPreset("3", 90, 150, 256),
    "long": LengthPreset("5 to 6", 160, 280, 448),
}


@dataclass(frozen=True)
class SummarizeItem:
    text: str
    title: str | None
    source: str
    target: str
    length: Length


class Summarizer:
    def __init__(self, backend: Backend, prompts: PromptBook) -> None:
        self.backend = backend
        self._prompts = prompts

    def run(self, items: Sequence[SummarizeItem]) -> list[Generation]:
        requests = [self._request(item) for item in items]
        return self.backend.generate(requests)

    def _request(self, item: SummarizeItem) -> GenerationRequest:
        preset = LENGTHS[item.length]
        title_line = f"{item.title.strip()}\n\n" if item.title and item.title.strip() else ""
        return build_request(
            self.backend,
            self._prompts,
            "summarize",
            text=item.text,
            source=item.source,
            target=item.target,
            max_new_tokens=preset.max_new_tokens,
            title_line=title_line,
            sentences=preset.sentences,
            words=preset.words,
            chars=preset.chars,
        )
