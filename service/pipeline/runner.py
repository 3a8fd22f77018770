"""Runs the engine off the event loop: one model thread, a bounded number of waiting calls.

Requests are bounded by how many calls and how many characters of text wait; the job
worker's calls are not (it sends one small group at a time, so requests run in between).
Calls wait in line for the model thread; a streamed request is told its place in the line
as it moves. A call whose caller is cancelled (a client gone, the shutdown grace over) stops
the model within about a second.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from ..errors import LingosumError
from .documents import Document
from .engine import DocumentResult, Engine
from .events import Delta, Detected, Done, Event, Failed, Final, Queued
from .response import SummarizeResponse, SummaryOut
from .stages.detect import Detection
from .stages.finalize import Finalized

T = TypeVar("T")


class EngineRunner:
    def __init__(self, engine: Engine, max_pending: int, max_pending_chars: int) -> None:
        self.engine = engine
        self._max_pending = max_pending
        self._max_pending_chars = max_pending_chars
        self._pending = 0
        self._pending_chars = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lingosum-model")
        self.startup_error: LingosumError | None = None
        self.busy_seconds = 0.0  # time the model thread spent working (written only by it)
        self._line: list[_Place] = []  # calls sent to the model thread, not started yet
        self._running = 0

    @property
    def pending(self) -> int:
        """Requests waiting for or on the models (job groups not counted)."""
        return self._pending

    @property
    def ready(self) -> bool:
        return self.engine.ready

    async def start(self) -> None:
        """Load and warm the models on the model thread; a failure is kept for /readyz."""
        try:
            await self._on_model_thread(self.engine.start)
        except LingosumError as error:
            self.startup_error = error

    async def summarize(
        self, documents: Sequence[Document], *, bounded: bool = True
    ) -> list[DocumentResult | LingosumError]:
        self.raise_unless_ready()
        chars = sum(len(document.text) for document in documents) if bounded else 0
        if bounded:
            self._admit(chars)
        self._pending += bounded
        self._pending_chars += chars
        stop = threading.Event()
        try:
            return await self._on_model_thread(self.engine.summarize, documents, None, stop.is_set)
        finally:
            stop.set()  # a caller cancelled (gone, or out of grace) stops the model call
            self._pending -= bounded
            self._pending_chars -= chars

    async def stream(
        self, document: Document, target_keys: dict[str, str]
    ) -> AsyncGenerator[Event, None]:
        """Admits the document (see `admit`) and detects its language, raising its error; the
        events then tell the run as it goes. Closing the iterator stops the run."""
        self.admit(len(document.text))
        detection = None
        if document.source_language is None:
            [detection] = await self.detect([document.text])
        return self._streamed(document, target_keys, detection)

    async def _streamed(
        self, document: Document, target_keys: dict[str, str], detection: Detection | None
    ) -> AsyncGenerator[Event, None]:
        follower = _Follower(asyncio.get_running_loop(), target_keys, detection)
        self._pending += 1
        self._pending_chars += len(document.text)
        run = asyncio.ensure_future(
            self._on_model_thread(
                self.engine.summarize, [document], follower, moved=follower.queued
            )
        )
        next_event: asyncio.Future[Event] | None = None
        try:
            if detection is not None:
                yield Detected(detection.language, detection.confidence)
            while not run.done() or not follower.events.empty():
                next_event = asyncio.ensure_future(follower.events.get())
                await asyncio.wait({next_event, run}, return_when=asyncio.FIRST_COMPLETED)
                if not next_event.done():
                    next_event.cancel()
                    continue
                yield next_event.result()
            [result] = run.result()
            yield (
                Failed(result)
                if isinstance(result, LingosumError)
                else Done(SummarizeResponse.of(result, target_keys), result)
            )
        except LingosumError as error:
            yield Failed(error)
        finally:
            follower.cancel()
            run.cancel()
            if next_event is not None:
                next_event.cancel()
            self._pending -= 1
            self._pending_chars -= len(document.text)

    def admit(self, chars: int) -> None:
        """429 `overloaded` when too much waits already, 503 while the models load."""
        self.raise_unless_ready()
        self._admit(chars)

    def _admit(self, chars: int) -> None:
        over_chars = self._pending_chars and self._pending_chars + chars > self._max_pending_chars
        if self._pending >= self._max_pending or over_chars:
            raise LingosumError(
                "overloaded",
                "Too many requests are waiting for the models; retry shortly.",
                status=429,
                retry_after=10,
            )

    async def detect(self, texts: Sequence[str]) -> list[Detection]:
        return await asyncio.to_thread(self.engine.detect, texts)

    async def close(self) -> None:
        await self._on_model_thread(self.engine.close)
        self._executor.shutdown(wait=True)

    def raise_unless_ready(self) -> None:
        if self.startup_error is not None:
            raise self.startup_error
        if not self.engine.ready:
            raise LingosumError("not_ready", "The models are still loading.", 503, retry_after=5)

    async def _on_model_thread(
        self,
        function: Callable[..., T],
        *args: object,
        moved: Callable[[int], None] | None = None,
    ) -> T:
        """`function(*args)` on the model thread; `moved` hears the call's place in line."""
        loop = asyncio.get_running_loop()
        place = _Place(moved)
        self._line.append(place)
        self._tell_places()
        try:
            return await loop.run_in_executor(
                self._executor, self._timed, loop, place, function, *args
            )
        finally:
            if place in self._line:  # cancelled before it started
                self._line.remove(place)
                self._tell_places()

    def _timed(
        self,
        loop: asyncio.AbstractEventLoop,
        place: _Place,
        function: Callable[..., T],
        *args: object,
    ) -> T:
        loop.call_soon_threadsafe(self._started, place)
        started = time.perf_counter()
        try:
            return function(*args)
        finally:
            self.busy_seconds += time.perf_counter() - started
            loop.call_soon_threadsafe(self._ended)

    def _started(self, place: _Place) -> None:
        if place in self._line:
            self._line.remove(place)
        self._running += 1
        self._tell_places()

    def _ended(self) -> None:
        self._running -= 1
        self._tell_places()

    def _tell_places(self) -> None:
        for index, place in enumerate(self._line):
            position = index + self._running
            if place.moved is not None and position != place.position:
                place.position = position
                place.moved(position)


@dataclass(eq=False)
class _Place:
    moved: Callable[[int], None] | None
    position: int = 0  # calls ahead of it, the running one included


class _Follower:
    """Follows one document for `stream`: what the engine tells (on the model thread) becomes
    events on the loop's queue, under the caller's names for the targets."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        target_keys: dict[str, str],
        detection: Detection | None,
    ) -> None:
        self.events: asyncio.Queue[Event] = asyncio.Queue()
        self.detection = detection
        self._loop = loop
        self._keys = {code: key for key, code in target_keys.items()}
        self._stop = threading.Event()

    def queued(self, position: int) -> None:
        self.events.put_nowait(Queued(position))

    def draft(self, target: str, text: str, draft: int) -> None:
        self._put(Delta(self._keys[target], text, draft))

    def final(self, target: str, summary: Finalized) -> None:
        self._put(Final(self._keys[target], SummaryOut.of(summary), list(summary.warnings)))

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def cancel(self) -> None:
        self._stop.set()

    def _put(self, event: Event) -> None:
        self._loop.call_soon_threadsafe(self.events.put_nowait, event)
