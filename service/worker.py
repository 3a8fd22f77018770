"""`lingosum worker`: job items and their webhooks, with no HTTP server.

Any number of these, on any machines, share one PostgreSQL store (LINGOSUM_DATABASE_URL)
with the `serve` replicas; each claims small groups of items and renews its claim while the
model runs. SIGTERM or Ctrl-C stops it after handing its claim back.
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
    try:
        await stop.wait()
    finally:
        await jobs.close()
        await runner.close()
        await asyncio.to_thread(access.close)
        log.info("worker %s stopped", jobs.worker.name)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    return stop
