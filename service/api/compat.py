"""One summary asked through an OpenAI- or Ollama-compatible endpoint, shared by both.

`SummaryReply.deltas()` yields the reply's text in pieces, and the non-streamed answer joins
the same pieces, so a streamed and a whole reply differ only in how they are sent.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..compat.models import TaskModel
from ..compat.prompts import Ask
from ..pipeline.documents import Document, Options, work_item
from ..pipeline.engine import DocumentResult
from ..pipeline.events import Done, Event, Failed
from ..pipeline.response import SummaryOut
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from ..text.sentences import split_sentences
from .auth import Meter
from .metrics import work_of
from .schemas import GlossaryTerm, glossary_from
from .work import stream_metered

KEEP_ALIVE_S = 15.0
_PIECE = re.compile(r"[^\s，、；：。！？]*[\s，、；：。！？]*")


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0  # read by every model call the route made
    completion_tokens: int = 0  # written by them

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class CompatRequest(Protocol):
    """What a reply reads of an OpenAI or Ollama request body besides its messages."""

    @property
    def glossary(self) -> list[GlossaryTerm]: ...

    @property
    def wants_json(self) -> bool: ...


class SummaryReply:
    def __init__(
        self,
        model: TaskModel,
        ask: Ask,
        body: CompatRequest,
        *,
        runner: EngineRunner,
        meter: Meter,
        settings: Settings,
    ) -> None:
        self.model = model
        glossary = glossary_from(body.glossary)
        self._options = Options.parse([model.target], ask.length, glossary).with_key_glossary(
            meter.caller.glossary
        )
        self._document = Document.of(
            work_item(0, ask.article, settings, title=ask.title), self._options
        )
        self._as_json = body.wants_json
        self._runner = runner
        self._meter = meter
        self.usage = Usage()
        self.result: DocumentResult | None = None

    async def deltas(self) -> AsyncIterator[str]:
        """The reply's text, piece by piece; `usage` and `result` are set once it ends.

        The text is the checked summary, sent once the guard and finalize have passed it:
        these protocols cannot take text back, and drafts may change. Until then an empty
        piece every `KEEP_ALIVE_S` keeps a waiting client's read timeout from running out."""
        target = self._options.targets[self.model.target]
        events = await stream_metered(self._runner, self._meter, self._document, {target: target})
        try:
            async for event in _kept_alive(events):
                if event is None:
                    yield ""
                elif isinstance(event, Failed):
                    raise event.error
                elif isinstance(event, Done):
                    work = work_of([event.result])
                    self.usage = Usage(work.prompt_tokens, work.completion_tokens)
                    self.result = event.result
                    text = self.summary.text
                    if self._as_json:
                        yield _as_json(text)
                    else:
                        for piece in _pieces(text):
                            yield piece
        finally:
            await events.aclose()

    async def text(self) -> str:
        return "".join([delta async for delta in self.deltas()])

    @property
    def summary(self) -> SummaryOut:
        assert self.result is not None, "read once the deltas have ended"
        code = self._options.targets[self.model.target]
        return SummaryOut.of(self.result.summaries[code])

    def report(self) -> dict[str, Any]:
        """What lingosum adds to a compatible answer: the article's language and the checks."""
        assert self.result is not None, "read once the deltas have ended"
        return {
            "source_language": self.result.source_language,
            "length": self._options.length,
            "checks": self.summary.checks.model_dump(),
            "warnings": self.result.warnings,
        }


async def started(deltas: AsyncIterator[str]) -> AsyncIterator[str]:
    """The deltas once the first has come: an error before any text is raised here, so it is
    answered with its own status, not inside a stream that has already begun."""
    first = await anext(deltas)

    async def resumed() -> AsyncIterator[str]:
        yield first
        async for delta in deltas:
            yield delta

    return resumed()


async def _kept_alive(
    events: AsyncGenerator[Event, None],
) -> AsyncIterator[Event | None]:
    """The events, with None wherever `KEEP_ALIVE_S` passes without one."""
    while True:
        upcoming = asyncio.ensure_future(anext(events))
        while not (await asyncio.wait({upcoming}, timeout=KEEP_ALIVE_S))[0]:
            yield None
        try:
            yield upcoming.result()
        except StopAsyncIteration:
            return


def _pieces(text: str) -> list[str]:
    """The text in word-sized pieces (clauses in Chinese) that join back to it exactly."""
    return [piece for piece in _PIECE.findall(text) if piece]


def _as_json(text: str) -> str:
    """The reply asked as JSON: the summary, and its sentences as takeaways."""
    return json.dumps({"summary": text, "takeaways": split_sentences(text)}, ensure_ascii=False)
