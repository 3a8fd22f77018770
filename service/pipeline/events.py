"""What a streamed summary tells as it runs, in order: `Detected`, `Queued` (repeated while it
waits for the model), `Delta`s of each summary's drafts, a `Final` per summary, then `Done`
with the whole response, or `Failed`. The HTTP layer encodes them (as Server-Sent Events);
targets are named as the caller wrote them ("zh")."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import LingosumError
from .engine import DocumentResult
from .response import SummarizeResponse, SummaryOut


@dataclass(frozen=True)
class Detected:
    source_language: str
    confidence: float


@dataclass(frozen=True)
class Queued:
    position: int  # model calls ahead of this one, the running one included


@dataclass(frozen=True)
class Delta:
    """More text of a draft; a new `draft` number starts the target's text again (a revision,
    or the next part of a long article)."""

    target: str
    text: str
    draft: int


@dataclass(frozen=True)
class Final:
    """A summary that passed the guard and finalize: the text to keep."""

    target: str
    summary: SummaryOut
    warnings: list[str]


@dataclass(frozen=True)
class Done:
    response: SummarizeResponse  # the same body as the non-streamed response
    result: DocumentResult  # what the models did, for usage and metrics


@dataclass(frozen=True)
class Failed:
    error: LingosumError


Event = Detected | Queued | Delta | Final | Done | Failed
