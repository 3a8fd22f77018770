"""Quota decisions: requests per minute (a sliding window), characters per UTC day, and
unfinished jobs. Pure functions of the counts and the time, so tests inject both.

`RateLimit-*` (IETF draft) describes one limit: the tightest, the one with the smallest share
left (the one that refused, on a refusal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from ..errors import LingosumError
from .keys import Limits

WINDOW_S = 60.0
DAY_S = 86_400
JOBS_RETRY_S = 30  # no clock tells when a job finishes; retry after this


@dataclass(frozen=True)
class Counts:
    """What a key used: its requests of the last minute (times, oldest first), its characters
    of today, and its unfinished jobs (counted only when a job is submitted)."""

    recent: tuple[float, ...] = ()
    chars_today: int = 0
    open_jobs: int = 0


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset_s: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_s),
        }


@dataclass(frozen=True)
class Decision:
    allowed: bool
    quota: Quota | None = None  # None: the key has no limit to describe
    retry_after: int | None = None
    reason: str = ""

    def error(self) -> LingosumError:
        return LingosumError("rate_limited", self.reason, 429, retry_after=self.retry_after)


def decide(
    limits: Limits, counts: Counts, now: float, chars: int = 0, job: bool = False
) -> Decision:
    """Whether one more request carrying `chars` characters (and a job, if `job`) fits."""
    quotas: list[Quota] = []
    if limits.rpm is not None:
        refusal = _minute(limits.rpm, counts.recent, now, quotas)
        if refusal:
            return refusal
    if limits.chars_per_day is not None:
        refusal = _day(limits.chars_per_day, counts.chars_today, chars, now, quotas)
        if refusal:
            return refusal
    if job and limits.max_jobs is not None and counts.open_jobs >= limits.max_jobs:
        return Decision(
            False,
            Quota(limits.max_jobs, 0, JOBS_RETRY_S),
            JOBS_RETRY_S,
            f"This key has {counts.open_jobs} unfinished jobs; its limit is {limits.max_jobs}.",
        )
    tightest = min(quotas, key=lambda q: (q.remaining / q.limit, -q.reset_s), default=None)
    return Decision(True, tightest)


def _minute(
    rpm: int, recent: tuple[float, ...], now: float, quotas: list[Quota]
) -> Decision | None:
    window = sorted(at for at in recent if at > now - WINDOW_S)
    if len(window) >= rpm:
        frees_at = window[len(window) - rpm] + WINDOW_S
        wait = max(1, math.ceil(frees_at - now))
        return Decision(
            False,
            Quota(rpm, 0, wait),
            wait,
            f"This key made {len(window)} requests in the last minute; its limit is {rpm}.",
        )
    oldest = window[0] if window else now
    quotas.append(Quota(rpm, rpm - len(window) - 1, max(1, math.ceil(oldest + WINDOW_S - now))))
    return None


def _day(limit: int, used: int, chars: int, now: float, quotas: list[Quota]) -> Decision | None:
    reset = max(1, math.ceil(DAY_S - now % DAY_S))  # seconds to the next UTC midnight
    if used + chars > limit:
        return Decision(
            False,
            Quota(limit, max(0, limit - used), reset),
            reset,
            f"This request has {chars} characters and the key has {max(0, limit - used)} of "
            f"its {limit} characters per day left.",
        )
    quotas.append(Quota(limit, limit - used - chars, reset))
    return None


def day_of(now: float) -> str:
    """The UTC date usage is counted under, e.g. '2026-12-01'."""
    return datetime.fromtimestamp(now, tz=timezone.utc).date().isoformat()
