"""Runs the engine off the event loop: one model thread, a bounded number of waiting calls.

Requests are bounded by how many calls and how many characters of text wait; the job
worker's calls are not (it sends one small group at a time, so requests run in between).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from ..errors import LingosumError
from .documents import Document
from .engine import DocumentResult, Engine
from .stages.detect import Detection

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
        try:
            return await self._on_model_thread(self.engine.summarize, documents)
        finally:
            self._pending -= bounded
            self._pending_chars -= chars

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

    async def _on_model_thread(self, function: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._timed, function, *args
        )

    def _timed(self, function: Callable[..., T], *args: object) -> T:
        started = time.perf_counter()
        try:
            return function(*args)
        finally:
            self.busy_seconds += time.perf_counter() - started
