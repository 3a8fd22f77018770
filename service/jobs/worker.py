"""The job worker: an asyncio task beside the HTTP requests.

It starts new jobs by answering their cached items at once, then feeds the remaining items
to the engine through the runner's one model thread, a small group per call. It waits for
each call before sending the next, so requests queued meanwhile run between groups.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from ..errors import LingosumError
from ..pipeline.engine import DocumentResult
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from .outcomes import plan_group
from .store import Claim, JobStore, Outcome

log = logging.getLogger(__name__)

IDLE_S = 1.0  # the longest a worker sleeps without being woken

# Told of each group's engine results, with the job's owner (for usage and metrics).
ResultsObserver = Callable[[str | None, Sequence[DocumentResult | LingosumError]], Awaitable[None]]


class JobWorker:
    def __init__(
        self,
        store: JobStore,
        runner: EngineRunner,
        settings: Settings,
        fingerprint: str,
        on_progress: Callable[[], Awaitable[None]],
        on_results: ResultsObserver | None = None,
    ) -> None:
        self._store = store
        self._runner = runner
        self._settings = settings
        self._fingerprint = fingerprint
        self._on_progress = on_progress
        self._on_results = on_results
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="lingosum-jobs")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    @property
    def fingerprint(self) -> str:
        """The models, prompts and route settings that results are cached under."""
        return self._fingerprint

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def notify(self) -> None:
        """A job was submitted: look for work now instead of at the next idle tick."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.step()
            except Exception:  # one broken group never stops the worker
                log.exception("job worker step failed")
                busy = False
            if not busy:
                await self._idle()

    async def step(self) -> bool:
        """Do one piece of work; False when there was none (or the models are not ready)."""
        if not self._runner.ready:
            return False
        started = await asyncio.to_thread(self._store.next_queued_job)
        if started is not None:
            await self._answer_from_cache(started)
            return True
        claim = await asyncio.to_thread(
            self._store.claim, self._settings.job_group_size, self._settings.job_max_attempts
        )
        if claim is None:
            return False
        await self._run_group(claim)
        return True

    async def _answer_from_cache(self, claim: Claim) -> None:
        plan = await asyncio.to_thread(
            plan_group, claim.items, claim.options, self._fingerprint, self._store.cached
        )
        await self._complete(claim, plan.hits)

    async def _run_group(self, claim: Claim) -> None:
        plan = await asyncio.to_thread(
            plan_group, claim.items, claim.options, self._fingerprint, self._store.cached
        )
        try:
            results = (
                await self._runner.summarize(plan.documents, bounded=False) if plan.misses else []
            )
        except Exception:
            await asyncio.to_thread(
                self._store.release, claim.job_id, [item.index for item in claim.items]
            )
            raise
        await self._complete(claim, plan.outcomes(results))
        if self._on_results is not None and results:
            await self._on_results(claim.owner, results)

    async def _complete(self, claim: Claim, outcomes: list[Outcome]) -> None:
        finished = await asyncio.to_thread(self._store.complete, claim.job_id, outcomes)
        if finished is not None:
            log.info("job %s finished: %s", claim.job_id, finished)
        await self._on_progress()

    async def _idle(self) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=IDLE_S)
        self._wake.clear()
