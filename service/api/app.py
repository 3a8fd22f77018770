"""The FastAPI application: the engine is built and warmed inside the lifespan hook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..access.gate import Gate
from ..access.keys import ANONYMOUS
from ..errors import LingosumError
from ..jobs.manager import JobManager
from ..pipeline.engine import DocumentResult, Engine
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from .auth import RateLimitHeaders, record_work
from .body_limit import BodySizeLimit
from .client_watch import ClientWatch
from .cors import DynamicCORS, gate_origins
from .draining import RefuseWhileDraining
from .errors import install_error_handlers
from .metrics import Gauges, Metrics, RequestMetrics
from .openapi import describe
from .pages import add_pages
from .routes import (
    detect,
    documents,
    jobs,
    meta,
    metrics,
    ollama_compat,
    openai_compat,
    summarize,
    tokens,
    usage,
)
from .shutdown import Shutdown

log = logging.getLogger(__name__)

_JSON_ENVELOPE_BYTES = 64 * 1024
_MAX_BYTES_PER_CHAR = 6  # a \uXXXX escape in JSON
_STOP_S = 2.0  # for a model call cancelled at the end of the shutdown grace to stop


def create_app(
    settings: Settings | None = None, engine_factory: Callable[[Settings], Engine] = Engine
) -> FastAPI:
    settings = settings or Settings()
    registry = Metrics()
    shutdown = Shutdown()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = EngineRunner(
            engine_factory(settings), settings.max_pending_requests, settings.max_pending_chars
        )
        app.state.runner = runner
        gate = app.state.gate = await asyncio.to_thread(Gate.open, settings)

        async def job_work(
            owner: str | None, results: Sequence[DocumentResult | LingosumError]
        ) -> None:
            await record_work(gate, registry, owner or ANONYMOUS, results)

        app.state.jobs = await JobManager.open(settings, runner, on_results=job_work)
        registry.watch(_gauges(runner, app.state.jobs))
        loading = asyncio.create_task(runner.start())  # /healthz answers while models load
        app.state.drain = lambda: shutdown.drain(settings.shutdown_grace_s, app.state.jobs.drain)
        try:
            yield
        finally:
            await app.state.jobs.close()  # hands back the job items still running
            await loading
            left = shutdown.time_left()
            try:  # the model call running now (one cancelled stops within about a second)
                await asyncio.wait_for(runner.close(), None if left is None else left + _STOP_S)
            except asyncio.TimeoutError:
                log.warning("exiting without waiting for the model call still running")
            await asyncio.to_thread(app.state.gate.close)

    app = FastAPI(
        title="lingosum",
        version=__version__,
        summary="Faithful English and Chinese summaries of news articles in any language.",
        lifespan=lifespan,
        docs_url=None,  # served by .pages, with their scripts from here rather than a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.metrics = registry
    app.state.shutdown = shutdown
    install_error_handlers(app)
    routers = (summarize, jobs, documents, detect, tokens, usage, meta, metrics)
    for module in (*routers, openai_compat, ollama_compat):
        app.include_router(module.router)
    add_pages(app)
    describe(app, settings)
    many = settings.request_max_chars * _MAX_BYTES_PER_CHAR + _JSON_ENVELOPE_BYTES
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_text_chars * _MAX_BYTES_PER_CHAR + _JSON_ENVELOPE_BYTES,
        larger={"/v1/summarize/batch": many, "/v1/jobs": many},
    )
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(ClientWatch, timeout_s=settings.body_timeout_s)
    app.add_middleware(RefuseWhileDraining, shutdown=shutdown)
    app.add_middleware(RequestMetrics, metrics=registry)
    app.add_middleware(DynamicCORS, origins=gate_origins)  # outermost: errors get CORS too
    return app


def _gauges(runner: EngineRunner, jobs: JobManager) -> Gauges:
    return Gauges(
        busy_seconds=lambda: runner.busy_seconds,
        waiting_requests=lambda: runner.pending,
        job_items=jobs.store.item_states,
    )
