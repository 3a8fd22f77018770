"""The app on a fake engine (or a given model) behind a real uvicorn server on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from service.api.app import create_app
from service.backends import Backend
from service.pipeline.engine import Engine
from service.settings import Settings


@contextmanager
def live_server(
    settings: Settings,
    backend: Backend,
    port: int = 0,
    *,
    startup_s: float = 60,  # a deadline against a hang; a loaded machine is slow
) -> Iterator[str]:
    """The base URL (http://127.0.0.1:<port>) of the app, ready to summarize; port 0 takes a
    free one. `backend` is a fake, or a real model's backend (give it a longer `startup_s`)."""
    app = create_app(settings, lambda s: Engine(s, summarizer=backend, translator=backend))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_s
    while not (server.started and app.state.runner.ready):
        assert time.monotonic() < deadline and thread.is_alive(), "the server never started"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
