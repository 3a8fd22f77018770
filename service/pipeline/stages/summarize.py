"""The summarize stage: articles in, summaries of the asked length out, in batches.

An article longer than the chunk budget is summarized map-reduce: each chunk is summarized on
its own (map, prompt `summarize_part`), and the chunk summaries, joined in order, are combined
into one summary (reduce, prompt `combine`), once they fit one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ...backends import Backend, ChatMessage, Generation, GenerationRequest
from ...checks.glossary import Glossary, prompt_lines
from ...checks.problems import Problems
from ...text.sentences import drop_unfinished_sentence, join_sentences, split_sentences
from ..chunking import chunk_text
from ..prompts import PromptBook
from .model_requests import TEMPLATE_OVERHEAD_TOKENS, StageOutput, build_request, clean_output

Length = Literal["short", "medium", "long"]


@dataclass(frozen=True)
class LengthPreset:
    sentences: int
    words: int  # English words at most
    sentence_words: int  # English words at most in each sentence
    chars: int  # Chinese characters at most
    max_new_tokens: int


LENGTHS: dict[str, LengthPreset] = {
    "short": LengthPreset(1, 40, 25, 30, 96),
    "medium": LengthPreset(4, 90, 15, 150, 192),
    "long": LengthPreset(6, 180, 25, 300, 384),
}


@dataclass(frozen=True)
class SummarizeItem:
    text: str
    title: str | None
    source: str
    target: str
    length: Length
    terms: Glossary = ()  # glossary entries whose source term the article writes
    beside: bool = False  # asked in the same call as the English summary, prompted alike


_MAP_LENGTH: Length = "long"


class Summarizer:
    def __init__(self, backend: Backend, prompts: PromptBook, chunk_tokens: int) -> None:
        self.backend = backend
        self._prompts = prompts
        self._chunk_tokens = min(chunk_tokens, _largest_chunk(backend))

    def run(self, items: Sequence[SummarizeItem]) -> list[StageOutput]:
        work = list(items)
        spent: list[list[Generation]] = [[] for _ in work]
        long = self._long_texts(work)
        chunks = [len(long.get(i, [""])) for i in range(len(work))]
        while long:
            mapped = [
                (i, self._part_request(replace(work[i], text=chunk), n, len(pieces)))
                for i, pieces in long.items()
                for n, chunk in enumerate(pieces, 1)
            ]
            generations = self.backend.generate([request for _, request in mapped])
            summaries: dict[int, list[str]] = {}
            for (i, _), generation in zip(mapped, generations, strict=True):
                summaries.setdefault(i, []).append(
                    _within_length(generation.text, LENGTHS[_MAP_LENGTH])
                )
                spent[i].append(generation)
            for i, parts in summaries.items():
                work[i] = replace(work[i], text="\n\n".join(parts), source=work[i].target)
            long = self._long_texts(work)
        final = self.backend.generate(
            [
                self._request(item, task="combine") if chunks[i] > 1 else self._request(item)
                for i, item in enumerate(work)
            ]
        )
        return [
            StageOutput.of(
                _within_length(generation.text, LENGTHS[item.length]),
                generation,
                earlier=spent[i],
                chunks=chunks[i],
            )
            for i, (item, generation) in enumerate(zip(work, final, strict=True))
        ]

    def revise(
        self, drafts: Sequence[tuple[SummarizeItem, str, Problems]]
    ) -> list[StageOutput | None]:
        """A second try at each draft, told what it stated that the article does not.

        It continues the draft's own conversation, so the article is not processed again.
        None where that conversation cannot be had: a model that takes no instructions, or
        an article that was summarized in chunks.
        """
        wanted = [
            i
            for i, (item, _, _) in enumerate(drafts)
            if self.backend.follows_instructions and self.fits_one_pass(item)
        ]
        requests = []
        for i in wanted:
            item, draft, problems = drafts[i]
            first = self._request(item)
            follow_up = self._prompts.get("revise", item.target).render(
                problems=problems.describe(), sentences=LENGTHS[item.length].sentences
            )
            messages = (*first.messages, ChatMessage("assistant", draft), *follow_up)
            requests.append(replace(first, messages=messages))
        revised: list[StageOutput | None] = [None] * len(drafts)
        if not requests:
            return revised
        for i, generation in zip(wanted, self.backend.generate(requests), strict=True):
            text = _within_length(generation.text, LENGTHS[drafts[i][0].length])
            revised[i] = StageOutput.of(text, generation)
        return revised

    def question(self, item: SummarizeItem, task: str, **fields: object) -> GenerationRequest:
        """A request for `task` about the item's article, worded so that its prompt opens as
        the summary's own did (the system message, then the article): a backend that keeps
        the last prompt processed reads only what follows the article."""
        return self._request(item, task=task, extra=fields)

    def fits_one_pass(self, item: SummarizeItem) -> bool:
        """Whether the article was summarized whole, so a question can quote it whole."""
        return self.backend.count_tokens(item.text) <= self._chunk_tokens

    def _long_texts(self, items: list[SummarizeItem]) -> dict[int, list[str]]:
        split = {
            i: chunk_text(item.text, self.backend.count_tokens, self._chunk_tokens)
            for i, item in enumerate(items)
        }
        return {i: chunks for i, chunks in split.items() if len(chunks) > 1}

    def _part_request(self, item: SummarizeItem, part: int, parts: int) -> GenerationRequest:
        return self._request(
            replace(item, length=_MAP_LENGTH), task="summarize_part", part=part, parts=parts
        )

    def _request(
        self,
        item: SummarizeItem,
        *,
        task: str = "",
        part: int = 1,
        parts: int = 1,
        extra: Mapping[str, object] | None = None,
    ) -> GenerationRequest:
        """A request for `task`; by default the whole-article summary of the item's length."""
        if not task:
            short = item.length == "short"
            task = (
                "summarize_beside" if item.beside else "summarize_short" if short else "summarize"
            )
        preset = LENGTHS[item.length]
        title_line = f"{item.title.strip()}\n\n" if item.title and item.title.strip() else ""
        return build_request(
            self.backend,
            self._prompts,
            task,
            text=item.text,
            source=item.source,
            target=item.target,
            max_new_tokens=preset.max_new_tokens,
            max_sentences=preset.sentences,
            title_line=title_line,
            sentences=preset.sentences,
            words=preset.words,
            sentence_words=preset.sentence_words,
            chars=preset.chars,
            part=part,
            parts=parts,
            glossary=prompt_lines(item.terms, item.target),
            **(extra or {}),
        )


def lead_sentences(text: str, length: Length) -> str:
    """The article's opening sentences: the extractive fallback when a summary cannot be trusted."""
    return join_sentences(split_sentences(text)[: LENGTHS[length].sentences])


def _largest_chunk(backend: Backend) -> int:
    return backend.context_tokens - TEMPLATE_OVERHEAD_TOKENS - LENGTHS["long"].max_new_tokens


def _within_length(text: str, preset: LengthPreset) -> str:
    """Whole sentences, each once (a small model can loop), up to the preset's count."""
    sentences = split_sentences(drop_unfinished_sentence(clean_output(text)))
    return join_sentences(list(dict.fromkeys(sentences))[: preset.sentences])
