"""One summary asked through an OpenAI- or Ollama-compatible endpoint, shared by both.

`SummaryReply.deltas()` yields the reply's text as it is written, and the non-streamed answer
joins the same deltas, so a streamed and a whole reply differ only in how they are sent. For
now the engine hands over the finished summary, which arrives as one delta; a streaming
engine will feed this iterator token by token.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from ..compat.models import TaskModel
from ..compat.prompts import Ask
from ..errors import LingosumError
from ..pipeline.documents import Document, Options, work_item
from ..pipeline.engine import DocumentResult
from ..pipeline.response import SummaryOut
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from ..text.sentences import split_sentences
from .auth import Meter
from .metrics import work_of
from .work import run_metered


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0  # read by every model call the route made
    completion_tokens: int = 0  # written by them

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class SummaryReply:
    def __init__(
        self,
        model: TaskModel,
        ask: Ask,
        *,
        as_json: bool,
        runner: EngineRunner,
        meter: Meter,
        settings: Settings,
    ) -> None:
        self.model = model
        self._options = Options.parse([model.target], ask.length)
        self._document = Document.of(
            work_item(0, ask.article, settings, title=ask.title), self._options
        )
        self._as_json = as_json
        self._runner = runner
        self._meter = meter
        self.usage = Usage()
        self.result: DocumentResult | None = None

    async def deltas(self) -> AsyncIterator[str]:
        """The reply's text, piece by piece; `usage` and `result` are set once it ends."""
        [result] = await run_metered(self._runner, self._meter, [self._document])
        if isinstance(result, LingosumError):
            raise result
        work = work_of([result])
        self.usage = Usage(work.prompt_tokens, work.completion_tokens)
        self.result = result
        text = self.summary.text
        yield _as_json(text) if self._as_json else text

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


def _as_json(text: str) -> str:
    """The reply asked as JSON: the summary, and its sentences as takeaways."""
    return json.dumps({"summary": text, "takeaways": split_sentences(text)}, ensure_ascii=False)
