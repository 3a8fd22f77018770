"""`lingosum worker`: job items and their webhooks, with no HTTP server.

Any number of these, on any machines, share one PostgreSQL store (LINGOSUM_DATABASE_URL)
with the `serve` replicas; each claims small groups of items and renews its claim while the
model runs. SIGTERM or Ctrl-C stops it: it takes no more items, lets the group on the model
finish within `shutdown_grace_s`, and hands back what still runs after that.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable, Sequence

from .access.limits import day_of
from .access.store import open_access_store
from .api.metrics import work_of
from .errors import LingosumError
from .jobs.manager import JobManager
from .pipeline.engine import DocumentResult, Engine
from .pipeline.runner import EngineRunner
from .settings import Settings

log = logging.getLogger("lingosum.worker")


async def run_worker(
    settings: Settings,
    engine_factory: Callable[[Settings], Engine] = Engine,
    stop: asyncio.Event | None = None,
) -> None:
    """Load the models, then run job items until `stop` is set (or SIGTERM/SIGINT)."""
    stop = stop or _stop_on_signals()
    runner = EngineRunner(
        engine_factory(settings), settings.max_pending_requests, settings.max_pending_chars
    )
    await runner.start()
    if runner.startup_error is not None:
        raise runner.startup_error
    access = await asyncio.to_thread(open_access_store, settings)

    async def record(owner: str | None, results: Sequence[DocumentResult | LingosumError]) -> None:
        if owner is None:
            return
        work = work_of(results)
        await asyncio.to_thread(
            access.add_work, owner, day_of(time.time()), work.model_seconds * 1000, work.tokens
        )

    settings = settings.model_copy(update={"worker": True})
    jobs = await JobManager.open(settings, runner, on_results=record)
    log.info("worker %s is taking job items", jobs.worker.name)
    loop = asyncio.get_running_loop()
    deadline: float | None = None
    try:
        await stop.wait()
        log.info("worker %s is stopping", jobs.worker.name)
        deadline = loop.time() + settings.shutdown_grace_s
        await jobs.drain(settings.shutdown_grace_s)
    finally:
        await jobs.close()  # hands back the job items still running
        left = None if deadline is None else max(deadline - loop.time(), 0.1)
        try:  # past the grace, a model call still running is abandoned (its items are queued)
            await asyncio.wait_for(runner.close(), left)
        except asyncio.TimeoutError:
            log.warning("exiting without waiting for the model call still running")
        await asyncio.to_thread(access.close)
        log.info("worker %s stopped", jobs.worker.name)


_signalled: list[int] = []  # the signal that stopped the worker


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stopping(number: int) -> None:
        if _signalled:  # the second signal: stop now
            exit_as_signalled()
        _signalled.append(number)
        stop.set()

    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stopping, number)
    return stop


def exit_as_signalled() -> None:
    """End the process by the signal that stopped the worker, as uvicorn does after a
    graceful stop, without waiting for a model call still running on its thread."""
    if _signalled:
        signal.signal(_signalled[0], signal.SIG_DFL)
        signal.raise_signal(_signalled[0])
