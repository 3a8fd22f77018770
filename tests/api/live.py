"""The app on a fake engine behind a real uvicorn server on loopback, for official clients."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from service.api.app import create_app
from service.pipeline.engine import Engine
from service.settings import Settings
from tests.fakes import FakeBackend


@contextmanager
def live_server(settings: Settings, backend: FakeBackend, port: int = 0) -> Iterator[str]:
    """The base URL (http://127.0.0.1:<port>) of the app, ready to summarize; port 0 takes a
    free one."""
    app = create_app(settings, lambda s: Engine(s, summarizer=backend, translator=backend))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a deadline against a hang; a loaded machine is slow
    while not (server.started and app.state.runner.ready):
        assert time.monotonic() < deadline and thread.is_alive(), "the server never started"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
