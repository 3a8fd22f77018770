"""The FastAPI application: the engine is built and warmed inside the lifespan hook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..access.gate import Gate
from ..access.keys import ANONYMOUS
from ..errors import LingosumError, ShuttingDown
from ..jobs.manager import JobManager
from ..pipeline.engine import DocumentResult, Engine
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from .auth import RateLimitHeaders, record_work
from .body_limit import BodySizeLimit
from .cors import DynamicCORS, gate_origins
from .errors import error_response, install_error_handlers
from .metrics import Gauges, Metrics, RequestMetrics
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

log = logging.getLogger(__name__)

_JSON_ENVELOPE_BYTES = 64 * 1024
_MAX_BYTES_PER_CHAR = 6  # a \uXXXX escape in JSON


def create_app(
    settings: Settings | None = None, engine_factory: Callable[[Settings], Engine] = Engine
) -> FastAPI:
    settings = settings or Settings()
    registry = Metrics()
    shutdown = _Shutdown()

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

        async def drain() -> None:
            """New requests get 503; what runs gets the grace period to finish."""
            shutdown.draining = True
            loop = asyncio.get_running_loop()
            shutdown.deadline = loop.time() + settings.shutdown_grace_s
            jobs = asyncio.create_task(app.state.jobs.drain(settings.shutdown_grace_s))
            while (shutdown.in_flight or not jobs.done()) and loop.time() < shutdown.deadline:
                await asyncio.sleep(0.05)
            if shutdown.in_flight:
                log.warning("shutdown grace over with %d request(s) running", shutdown.in_flight)
            await jobs

        app.state.drain = drain
        try:
            yield
        finally:
            await app.state.jobs.close()  # hands back the job items still running
            await loading
            try:  # the model call running now, unless the grace is over
                await asyncio.wait_for(runner.close(), shutdown.time_left())
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


class _Shutdown:
    """Whether the server drains (see `drain` in the lifespan), and the requests it runs."""

    def __init__(self) -> None:
        self.draining = False
        self.in_flight = 0
        self.deadline: float | None = None  # event-loop time the grace period ends

    def time_left(self) -> float | None:
        """Seconds of grace left; None (no limit) until a drain began."""
        if self.deadline is None:
            return None
        return max(self.deadline - asyncio.get_running_loop().time(), 0.0)


class RefuseWhileDraining:
    """503 `shutting_down` for every request that arrives while the server drains, except
    /healthz (the process still lives), and for one cancelled because the grace period ended
    before its answer began; counts the requests it lets through."""

    def __init__(self, app: ASGIApp, shutdown: _Shutdown) -> None:
        self.app = app
        self.shutdown = shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.shutdown.draining and scope["path"] != "/healthz":
            await _shutting_down(scope["path"])(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        self.shutdown.in_flight += 1
        try:
            await self.app(scope, receive, watched_send)
        except asyncio.CancelledError:
            if not self.shutdown.draining or started:
                raise
            # Still running when the grace ended: uvicorn cancels it; the client is told why.
            await _shutting_down(scope["path"])(scope, receive, send)
        finally:
            self.shutdown.in_flight -= 1


def _shutting_down(path: str) -> ASGIApp:
    error = ShuttingDown()
    return error_response(
        error.status,
        error.code,
        error.message,
        error.retry_after,
        {"Connection": "close"},
        path=path,
    )


class ClientWatch:
    """A request body whose next piece takes over `timeout_s` to arrive gets 408
    `request_timeout`; a client that goes away before its answer stops its request (a call
    still waiting for the model leaves the line; a streamed one stops the model)."""

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_read = asyncio.Event()
        answered = False

        async def timed_receive() -> Message:
            if body_read.is_set():  # after the body, receive() waits for a disconnect
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout_s)
            except asyncio.TimeoutError:
                # An HTTPException, as FastAPI lets only those out of its body reading.
                raise HTTPException(
                    408, f"The request body did not arrive within {self.timeout_s:g} s."
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_read.set()
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True
            await send(message)

        async def client_gone() -> None:
            await body_read.wait()
            while (await receive())["type"] != "http.disconnect":
                pass

        async def handle() -> None:
            await self.app(scope, timed_receive, watched_send)

        handler = asyncio.create_task(handle())
        watcher = asyncio.create_task(client_gone())
        try:
            await asyncio.wait({handler, watcher}, return_when=asyncio.FIRST_COMPLETED)
            if handler.done() or answered:
                await handler
                return
            handler.cancel()  # the client went away before its answer
            await asyncio.gather(handler, return_exceptions=True)
        finally:
            handler.cancel()
            watcher.cancel()
            await asyncio.gather(handler, watcher, return_exceptions=True)
