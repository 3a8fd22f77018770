"""Quota decisions with the time given, so no test sleeps."""

from __future__ import annotations

from service.access.keys import Limits
from service.access.limits import DAY_S, Counts, day_of, decide

NOON = 20_000 * DAY_S + 12 * 3600.0  # a UTC noon


def test_five_requests_a_minute_then_refused_until_the_oldest_leaves_the_window() -> None:
    limits = Limits(rpm=5)
    recent: tuple[float, ...] = ()
    for second in range(5):
        decision = decide(limits, Counts(recent), NOON + second)
        assert decision.allowed
        assert decision.quota is not None and decision.quota.remaining == 4 - second
        recent += (NOON + second,)

    refused = decide(limits, Counts(recent), NOON + 10)
    assert not refused.allowed
    assert refused.retry_after == 50  # the request at NOON leaves the window at NOON + 60
    assert refused.quota is not None and refused.quota.remaining == 0
    assert refused.error().status == 429 and refused.error().code == "rate_limited"
    assert refused.error().retry_after == 50

    assert decide(limits, Counts(recent), NOON + 60.5).allowed  # a sliding window, not a clock


def test_characters_per_day_refused_until_utc_midnight_and_counting_the_request() -> None:
    limits = Limits(chars_per_day=1_000)
    assert decide(limits, Counts(chars_today=600), NOON, chars=400).allowed
    refused = decide(limits, Counts(chars_today=600), NOON, chars=401)
    assert not refused.allowed
    assert refused.retry_after == 12 * 3600
    assert refused.quota is not None and refused.quota.remaining == 400


def test_headers_describe_the_tightest_limit() -> None:
    limits = Limits(rpm=10, chars_per_day=1_000)
    loose_minute = decide(limits, Counts((), 900), NOON, chars=50)
    assert loose_minute.quota is not None
    assert (loose_minute.quota.limit, loose_minute.quota.remaining) == (1_000, 50)
    busy_minute = decide(limits, Counts(tuple(NOON - i for i in range(9)), 0), NOON, chars=50)
    assert busy_minute.quota is not None
    assert busy_minute.quota.headers() == {
        "RateLimit-Limit": "10",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "52",
    }


def test_unfinished_jobs_limit_only_jobs_and_no_limits_mean_no_headers() -> None:
    limits = Limits(max_jobs=2)
    assert decide(limits, Counts(open_jobs=2), NOON).allowed  # not a job submission
    refused = decide(limits, Counts(open_jobs=2), NOON, job=True)
    assert not refused.allowed and refused.retry_after == 30
    unlimited = decide(Limits(), Counts((NOON,) * 1000, 10**9), NOON, chars=10**6, job=True)
    assert unlimited.allowed and unlimited.quota is None


def test_usage_days_are_utc_dates() -> None:
    assert day_of(0) == "1970-01-01"
    assert day_of(DAY_S - 0.001) == "1970-01-01"
    assert day_of(DAY_S) == "1970-01-02"
