"""Prometheus metrics, one registry per app (so tests stay independent).

Counted as they happen: requests (route, method, status, key name), stage durations and model
tokens of the results the API returns. Read at each scrape: model thread busy time, requests
waiting for the models, job items by state and result-cache hits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import LingosumError
from ..pipeline.engine import DocumentResult

STAGE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320)
NO_KEY = "none"  # requests refused before a caller was known, and open routes


@dataclass
class Work:
    """What the models did for some results: each stage's seconds, model time and tokens."""

    stages: list[tuple[str, float]] = field(default_factory=list)
    model_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def work_of(results: Sequence[DocumentResult | LingosumError]) -> Work:
    """The one reader of the engine's route data. A stage that ran for a group of documents
    reports the group's time on each; a document's share of model time is time / group size."""
    work = Work()
    for result in results:
        if isinstance(result, LingosumError):
            continue
        seconds: dict[str, float] = {}  # a stage's model calls and its own work, together
        for step in result.route:
            seconds[step.stage] = seconds.get(step.stage, 0.0) + step.ms / 1000
            if step.prompt_tokens or step.completion_tokens:
                work.model_seconds += step.ms / 1000 / max(1, step.batch_size)
                work.prompt_tokens += step.prompt_tokens
                work.completion_tokens += step.completion_tokens
        work.stages += seconds.items()
    return work


@dataclass
class Gauges:
    """Where the live figures come from; each is read at scrape time."""

    busy_seconds: Callable[[], float] = lambda: 0.0
    waiting_requests: Callable[[], int] = lambda: 0
    job_items: Callable[[], tuple[dict[str, int], int]] = lambda: ({}, 0)  # by state; cached


class _Live(Collector):
    def __init__(self, gauges: Gauges) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        g = self.gauges
        yield CounterMetricFamily(
            "lingosum_model_busy_seconds", "Time the model thread spent working.", g.busy_seconds()
        )
        yield GaugeMetricFamily(
            "lingosum_queue_depth", "Requests waiting for or on the models.", g.waiting_requests()
        )
        by_state, cached = g.job_items()
        items = GaugeMetricFamily("lingosum_job_items", "Job items by state.", labels=["state"])
        for state, count in sorted(by_state.items()):
            items.add_metric([state], count)
        yield items
        yield CounterMetricFamily(
            "lingosum_cache_hits", "Job items answered from the result cache.", cached
        )


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._live = _Live(Gauges())
        self.requests = Counter(
            "lingosum_requests",
            "HTTP requests answered, by route, method, status and key name.",
            ["route", "method", "status", "key"],
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "lingosum_stage_seconds",
            "Duration of each pipeline stage of the documents answered.",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=self.registry,
        )
        self.tokens = Counter(
            "lingosum_model_tokens",
            "Model tokens read (prompt) and written (completion).",
            ["kind"],
            registry=self.registry,
        )
        self.registry.register(self._live)

    def watch(self, gauges: Gauges) -> None:
        """Read the live figures from these sources (the app's runner and jobs, once open)."""
        self._live.gauges = gauges

    def observe(self, work: Work) -> None:
        for stage, seconds in work.stages:
            self.stage_seconds.labels(stage).observe(seconds)
        self.tokens.labels("prompt").inc(work.prompt_tokens)
        self.tokens.labels("completion").inc(work.completion_tokens)

    def expose(self) -> bytes:
        return generate_latest(self.registry)


class RequestMetrics:
    """Counts every HTTP response by route template, method, status and key name."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        status = 500

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watching)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            caller = state.get("caller")
            key = caller.name if caller is not None else NO_KEY
            self.metrics.requests.labels(route, scope["method"], str(status), key).inc()
