"""The FastAPI application: the engine is built and warmed inside the lifespan hook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..jobs.manager import JobManager
from ..pipeline.engine import Engine
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from .body_limit import BodySizeLimit
from .errors import install_error_handlers
from .routes import detect, jobs, meta, summarize

_JSON_ENVELOPE_BYTES = 64 * 1024
_MAX_BYTES_PER_CHAR = 6  # a \uXXXX escape in JSON


def create_app(
    settings: Settings | None = None, engine_factory: Callable[[Settings], Engine] = Engine
) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = EngineRunner(
            engine_factory(settings), settings.max_pending_requests, settings.max_pending_chars
        )
        app.state.runner = runner
        app.state.jobs = await JobManager.open(settings, runner)
        loading = asyncio.create_task(runner.start())  # /healthz answers while models load
        try:
            yield
        finally:
            await app.state.jobs.close()
            await loading
            await runner.close()

    app = FastAPI(
        title="lingosum",
        version=__version__,
        summary="Faithful English and Chinese summaries of news articles in any language.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    for module in (summarize, jobs, detect, meta):
        app.include_router(module.router)
    many = settings.request_max_chars * _MAX_BYTES_PER_CHAR + _JSON_ENVELOPE_BYTES
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_text_chars * _MAX_BYTES_PER_CHAR + _JSON_ENVELOPE_BYTES,
        larger={"/v1/summarize/batch": many, "/v1/jobs": many},
    )
    return app
