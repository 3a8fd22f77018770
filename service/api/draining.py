"""While the server drains, new requests are refused with 503 `shutting_down`."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ShuttingDown
from .errors import error_response
from .shutdown import Shutdown


class RefuseWhileDraining:
    """503 `shutting_down` for every request that arrives while the server drains, except
    /healthz (the process still lives), and for one cancelled because the grace period ended
    before its answer began; counts the requests it lets through."""

    def __init__(self, app: ASGIApp, shutdown: Shutdown) -> None:
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
