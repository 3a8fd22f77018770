"""The summarize stage: articles in, summaries of the asked length out, in batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..backends import Backend, GenerationRequest
from ..prompts import PromptBook
from ..text import drop_unfinished_sentence, join_sentences, split_sentences
from .requests import StageOutput, build_request, clean_output

Length = Literal["short", "medium", "long"]


@dataclass(frozen=True)
class LengthPreset:
    sentences: int
    words: int  # English words at most
    chars: int  # Chinese characters at most
    max_new_tokens: int


LENGTHS: dict[str, LengthPreset] = {
    "short": LengthPreset(1, 40, 70, 96),
    "medium": LengthPreset(3, 90, 150, 192),
    "long": LengthPreset(6, 180, 300, 384),
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

    def run(self, items: Sequence[SummarizeItem]) -> list[StageOutput]:
        generations = self.backend.generate([self._request(item) for item in items])
        return [
            StageOutput(
                _within_length(generation.text, LENGTHS[item.length]),
                generation.prompt_tokens,
                generation.completion_tokens,
            )
            for item, generation in zip(items, generations, strict=True)
        ]

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
            max_sentences=preset.sentences,
            title_line=title_line,
            sentences=preset.sentences,
            words=preset.words,
            chars=preset.chars,
        )


def _within_length(text: str, preset: LengthPreset) -> str:
    sentences = split_sentences(drop_unfinished_sentence(clean_output(text)))
    return join_sentences(sentences[: preset.sentences])
