"""uvicorn for `lingosum serve`: a graceful SIGTERM, and a deadline for request headers.

On the first SIGTERM (or Ctrl-C) the app drains (`app.state.drain`: new requests get 503
`shutting_down`, running ones and the job group on the models get `shutdown_grace_s`), and
only then does uvicorn stop listening and run the lifespan's shutdown. A second signal stops
at once. uvicorn closes idle keep-alive connections, but a client that starts a request and
sends its headers slowly (slowloris) is never timed out by it: `header_timeout_s` does that.
"""

from __future__ import annotations

import asyncio
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from ..settings import Settings


def serve(app: FastAPI, settings: Settings) -> None:
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=header_deadline(AutoHTTPProtocol, settings.header_timeout_s),
        timeout_graceful_shutdown=1,  # the drain already waited for what may finish
    )
    GracefulServer(config, app).run()


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app
        self._draining: asyncio.Task[None] | None = None
        self._signalled = False

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._signalled or self.should_exit:
            super().handle_exit(sig, frame)  # the second signal: stop now
            return
        self._signalled = True
        self._captured_signals.append(sig)  # uvicorn raises it again once it has stopped

    async def on_tick(self, counter: int) -> bool:
        if self._signalled and not self.should_exit:
            if self._draining is None:
                self._draining = asyncio.create_task(self._app.state.drain())
            elif self._draining.done():
                self.should_exit = True
        return await super().on_tick(counter)


def header_deadline(base: type[asyncio.Protocol], timeout_s: float) -> type[asyncio.Protocol]:
    """`base` (uvicorn's HTTP protocol) closing a connection whose next request's headers have
    not all arrived `timeout_s` after it opened or after its last response."""

    class HeaderDeadline(base):  # type: ignore[valid-type, misc]
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = self.loop.call_later(timeout_s, self._expired, self.cycle)

        def _expired(self, cycle_then: object) -> None:
            if self.cycle is cycle_then and not self.transport.is_closing():
                self.transport.close()  # no request began since the deadline was set

    return HeaderDeadline
