"""The HTTP side of access: who the caller is, charging their quotas, RateLimit-* headers.

Routes ask for a `Meter`: text routes call `await meter.charge(chars)` once they know the
text they accept (so a refused request is charged nothing), the others depend on `Counted`,
which charges the request at once. A key with limits gets RateLimit-* on every response: where
a request is refused before its charge (a 422), they say where its quotas stand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..access.errors import unauthorized
from ..access.gate import Caller, Gate
from ..access.keys import Limits
from ..access.limits import Quota
from ..errors import LingosumError
from ..pipeline.engine import DocumentResult
from .metrics import Metrics, work_of


class Meter:
    """One request's caller, and what it is charged."""

    def __init__(self, request: Request, caller: Caller) -> None:
        self.request = request
        self.caller = caller
        self.gate: Gate = request.app.state.gate
        self._charged = 0

    async def charge(self, chars: int = 0, *, job: bool = False, open_jobs: int = 0) -> None:
        """Charge the request and its `chars` of accepted text, or 429 `rate_limited`."""
        decision = await asyncio.to_thread(
            self.gate.admit, self.caller, chars, job=job, open_jobs=open_jobs
        )
        if decision.quota is not None:
            self.request.state.quota = decision.quota
        if not decision.allowed:
            raise decision.error()
        self._charged = chars

    async def refund(self) -> None:
        """The server refused the charged text (queue full, models loading): give it back."""
        await asyncio.to_thread(self.gate.refund, self.caller, self._charged)
        self._charged = 0

    async def record(self, results: Sequence[DocumentResult | LingosumError]) -> None:
        """Model time and tokens of the results into the caller's usage and the metrics."""
        await record_work(self.gate, self.request.app.state.metrics, self.caller.name, results)


async def record_work(
    gate: Gate, metrics: Metrics, name: str, results: Sequence[DocumentResult | LingosumError]
) -> None:
    """What the models did for `name` (a key, or anonymous), into its usage and the metrics."""
    work = work_of(results)
    metrics.observe(work)
    await asyncio.to_thread(gate.record_work, name, work.model_seconds, work.tokens)


async def authenticate(request: Request) -> Meter:
    """The request's caller (401, or 403 for a foreign origin), with a meter to charge."""
    gate: Gate = request.app.state.gate
    origin = request.headers.get("origin")
    same_origin = origin is not None and origin.split("://", 1)[-1] == request.headers.get("host")
    caller = await asyncio.to_thread(gate.identify, _bearer(request))
    request.state.caller = caller  # a refusal for the origin is still counted under its key
    gate.check_origin(caller, origin, same_origin)
    if caller.limits != Limits():  # so that a request refused before its charge has headers
        request.state.quota = (await asyncio.to_thread(gate.peek, caller)).quota
    return Meter(request, caller)


async def _counted(meter: Annotated[Meter, Depends(authenticate)]) -> Meter:
    await meter.charge()
    return meter


MeterDep = Annotated[Meter, Depends(authenticate)]
CountedDep = Annotated[Meter, Depends(_counted)]
COUNTED = Depends(_counted)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise unauthorized("Send the key as Authorization: Bearer <key>.")
    return credential.strip()


class RateLimitHeaders:
    """Adds the caller's RateLimit-* headers (set by `Meter.charge`) to the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def with_headers(message: Message) -> None:
            quota: Quota | None = state.get("quota")
            if message["type"] == "http.response.start" and quota is not None:
                extra = [(k.lower().encode(), v.encode()) for k, v in quota.headers().items()]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
