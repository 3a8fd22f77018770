"""CORS for exactly the origins registered on live keys (their tokens' origins among them).

Starlette's CORSMiddleware takes a fixed list; this set changes while the server runs, so the
check is made per request. A preflight from another origin gets 403 and no CORS headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..access.keys import normalize_origin
from ..errors import LingosumError
from .errors import error_response

ALLOW_METHODS = "GET, POST, DELETE"
ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key"
EXPOSE_HEADERS = (
    "Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Link, "
    "Idempotent-Replayed"
)
MAX_AGE_S = "600"

Origins = Callable[[Scope], Awaitable[frozenset[str]]]


class DynamicCORS:
    def __init__(self, app: ASGIApp, origins: Origins) -> None:
        self.app = app
        self.origins = origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin")
        if scope["type"] != "http" or origin is None:
            await self.app(scope, receive, send)
            return
        allowed = _normalized(origin) in await self.origins(scope)
        preflight = scope["method"] == "OPTIONS" and _header(
            scope, b"access-control-request-method"
        )
        if preflight:
            if allowed:
                await _preflight(send, origin)
                return
            message = f"{origin} is not registered on any key of this server."
            refusal = error_response(403, "origin_not_allowed", message, path=scope["path"])
            await refusal(scope, receive, send)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_cors_headers(origin)]
                headers.append((b"access-control-expose-headers", EXPOSE_HEADERS.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_cors)


def gate_origins(scope: Scope) -> Awaitable[frozenset[str]]:
    """The registered origins, from the app's gate (it reads the key table when stale)."""
    return asyncio.to_thread(scope["app"].state.gate.origins)


def _cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [(b"access-control-allow-origin", origin.encode()), (b"vary", b"Origin")]


async def _preflight(send: Send, origin: str) -> None:
    headers = [
        *_cors_headers(origin),
        (b"access-control-allow-methods", ALLOW_METHODS.encode()),
        (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
        (b"access-control-max-age", MAX_AGE_S.encode()),
        (b"content-length", b"0"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _normalized(origin: str) -> str:
    try:
        return normalize_origin(origin)
    except LingosumError:
        return origin
