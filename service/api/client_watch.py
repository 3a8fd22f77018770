"""Slow and vanished clients: a request body that stalls gets 408, and a client that goes away
before its answer stops its request."""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ClientWatch:
    """A request body whose next piece takes over `timeout_s` to arrive gets 408
    `request_timeout`; a client that goes away before its answer stops its request (a call
    still waiting for the model leaves the line; one on the model stops it)."""

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
