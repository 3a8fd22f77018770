"""The server's drain on SIGTERM: whether it drains, the requests it runs, and the grace left."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Shutdown:
    """Whether the server drains (see `drain`), and the requests it runs."""

    def __init__(self) -> None:
        self.draining = False
        self.in_flight = 0
        self.deadline: float | None = None  # event-loop time the grace period ends

    def time_left(self) -> float | None:
        """Seconds of grace left; None (no limit) until a drain began."""
        if self.deadline is None:
            return None
        return max(self.deadline - asyncio.get_running_loop().time(), 0.0)

    async def drain(self, grace_s: float, jobs: Callable[[float], Awaitable[None]]) -> None:
        """New requests get 503; what runs (the requests, and `jobs(grace_s)`) gets the grace
        period to finish."""
        self.draining = True
        loop = asyncio.get_running_loop()
        self.deadline = loop.time() + grace_s
        job_drain = asyncio.ensure_future(jobs(grace_s))
        while (self.in_flight or not job_drain.done()) and loop.time() < self.deadline:
            await asyncio.sleep(0.05)
        if self.in_flight:
            log.warning("shutdown grace over with %d request(s) running", self.in_flight)
        await job_drain
