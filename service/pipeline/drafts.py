"""Following one document through the engine: the summaries' drafts as the model writes them,
each summary once it is final, and a stop as soon as the caller goes away.

The engine wraps its backends in a `DraftTap`; while a `Follower` is attached, every model
call is given a `Progress`, the text of calls that write a summary is passed on as drafts,
and a call made after the follower cancelled raises `cancelled`. A backend that does not
stream still works: the whole text of each call is then one draft. A call that nobody follows
may still be cancelled: its calls are then given a `Progress` that only tells the stop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from ..backends import Backend, Delegating, Generation, GenerationRequest, Progress
from ..errors import LingosumError
from ..text.languages import is_chinese
from .plan import ZH
from .stages.detect import Detection
from .stages.finalize import Finalized


class Follower(Protocol):
    """What the engine tells about the one document it is following (targets are catalogue
    codes), and whether it should stop."""

    @property
    def detection(self) -> Detection | None:
        """The document's language, where the follower already detected it."""
        ...

    def draft(self, target: str, text: str, draft: int) -> None:
        """More text of draft number `draft` (from 1) of the summary for `target`."""
        ...

    def final(self, target: str, summary: Finalized) -> None: ...

    def cancelled(self) -> bool: ...


def cancelled_error() -> LingosumError:
    return LingosumError("cancelled", "The client went away; the request was stopped.", 499)


class DraftTap(Delegating):
    """A Backend that passes calls to `backend`, reporting drafts to the attached follower."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.follower: Follower | None = None
        self.cancelled: Callable[[], bool] | None = None
        self.drafting: tuple[str, ...] = ()  # the targets whose summary the calls now write
        self._drafts: dict[str, int] = {}

    def attach(
        self, follower: Follower | None, cancelled: Callable[[], bool] | None = None
    ) -> None:
        """Follow the calls with `follower`; they stop once `cancelled` (by default the
        follower's) says so."""
        self.follower, self.drafting, self._drafts = follower, (), {}
        self.cancelled = follower.cancelled if follower is not None else cancelled

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        follower, cancelled = self.follower, self.cancelled
        if cancelled is None:
            return self.backend.generate(requests)
        if cancelled():
            raise cancelled_error()
        drafts = (
            [_Draft(follower, self._next_drafts(r.target)) for r in requests] if follower else []
        )
        tells: list[Callable[[str], None] | None] = [draft.grew for draft in drafts]
        tells = tells or [None] * len(requests)
        generations = self.backend.generate(
            [
                replace(request, progress=Progress(tell, cancelled))
                for request, tell in zip(requests, tells, strict=True)
            ]
        )
        if cancelled():
            raise cancelled_error()
        for draft, generation in zip(drafts, generations, strict=False):  # none if unfollowed
            draft.grew(generation.text)
        return generations

    def _next_drafts(self, language: str) -> dict[str, int]:
        """The next draft's number of each target drafted that a request writing `language`
        (a planned language: en, zh-Hans) drafts."""
        targets = [t for t in self.drafting if (ZH if is_chinese(t) else t) == language]
        for target in targets:
            self._drafts[target] = self._drafts.get(target, 0) + 1
        return {target: self._drafts[target] for target in targets}


class _Draft:
    """One call's text, passed on in pieces: each piece is what was added since the last."""

    def __init__(self, follower: Follower, numbers: dict[str, int]) -> None:
        self._follower = follower
        self._numbers = numbers
        self._shown = ""

    def grew(self, text: str) -> None:
        text = text.lstrip()
        if not self._numbers or len(text) <= len(self._shown) or not text.startswith(self._shown):
            return
        piece, self._shown = text[len(self._shown) :], text
        for target, number in self._numbers.items():
            self._follower.draft(target, piece, number)
