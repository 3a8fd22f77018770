"""The job worker: an asyncio task beside the HTTP requests, or alone in `lingosum worker`.

It starts new jobs by answering their cached items at once, then feeds the remaining items
to the engine through the runner's one model thread, a small group per call. It waits for
each call before sending the next, so requests queued meanwhile run between groups. Any
number of workers, in any processes, may share one store: each claims its group under its
own name and renews the claim's lease while the model works.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from ..errors import LingosumError
from ..pipeline.engine import DocumentResult
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from .outcomes import plan_group
from .store import Claim, JobStore, Outcome

log = logging.getLogger(__name__)

IDLE_S = 1.0  # the longest a worker sleeps without being woken
# Errors after which an item is worth another attempt later rather than failing now.
RETRYABLE = frozenset({"model_server_error"})

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
        name: str | None = None,
    ) -> None:
        self.name = name or worker_name()
        self._store = store
        self._runner = runner
        self._settings = settings
        self._fingerprint = fingerprint
        self._on_progress = on_progress
        self._on_results = on_results
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._draining = False
        self._between_steps = asyncio.Event()
        self._between_steps.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="lingosum-jobs")

    async def drain(self, grace_s: float) -> bool:
        """Take no more work, and wait up to `grace_s` for the group on the models; whether
        it finished. `stop` then hands back a group still running."""
        self._draining = True
        self._wake.set()
        try:
            await asyncio.wait_for(self._between_steps.wait(), timeout=grace_s)
        except asyncio.TimeoutError:
            return False
        return True

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
            self._between_steps.clear()
            try:
                busy = await self.step()
            except Exception:  # one broken group never stops the worker
                log.exception("job worker step failed")
                busy = False
            finally:
                self._between_steps.set()
            if not busy:
                await self._idle()

    async def step(self) -> bool:
        """Do one piece of work; False when there was none (or the models are not ready, or
        the worker is draining)."""
        if self._draining or not self._runner.ready:
            return False
        started = await asyncio.to_thread(self._store.next_queued_job)
        if started is not None:
            await self._answer_from_cache(started)
            return True
        claim = await asyncio.to_thread(
            self._store.claim,
            self._settings.job_group,
            self._settings.job_max_attempts,
            self.name,
            self._settings.job_lease_s,
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
            async with self._renewing():
                results = (
                    await self._runner.summarize(plan.documents, bounded=False)
                    if plan.misses
                    else []
                )
        except BaseException:  # a failed call, or the worker stopping: others take the items
            await self._release(claim, [item.index for item in claim.items])
            raise
        outcomes = plan.outcomes(results)
        retry = [o.index for o in outcomes if o.error is not None and o.error.code in RETRYABLE]
        await self._complete(claim, [o for o in outcomes if o.index not in retry])
        await self._release(claim, retry)
        if self._on_results is not None and results:
            await self._on_results(claim.owner, results)

    @contextlib.asynccontextmanager
    async def _renewing(self) -> AsyncIterator[None]:
        """Renew this worker's lease while the block runs (a third of the lease at a time)."""

        async def renew() -> None:
            while True:
                await asyncio.sleep(self._settings.job_lease_s / 3)
                await asyncio.to_thread(self._store.renew, self.name, self._settings.job_lease_s)

        task = asyncio.create_task(renew())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _release(self, claim: Claim, indexes: list[int]) -> None:
        if indexes:
            await asyncio.to_thread(self._store.release, claim.job_id, indexes, self.name)

    async def _complete(self, claim: Claim, outcomes: list[Outcome]) -> None:
        finished = await asyncio.to_thread(self._store.complete, claim.job_id, outcomes, self.name)
        if finished is not None:
            log.info("job %s finished: %s", claim.job_id, finished)
        await self._on_progress()

    async def _idle(self) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=IDLE_S)
        self._wake.clear()


def worker_name() -> str:
    """A name no other worker has: the host, the process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
