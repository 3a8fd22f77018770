"""A streamed summary as Server-Sent Events (`Accept: text/event-stream`).

Events: `detected`, `queued`, `delta`, `summary`, then `done` (the non-streamed body) or
`error`; a comment line every `HEARTBEAT_S` keeps proxies from closing a quiet stream. The
request is charged before the stream opens, so a refusal (401, 403, 429, 503, 413, 422) is an
ordinary JSON error with its status; once it is open, an error is an `error` event. When the
client goes away, the event iterator is closed, which stops the model.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from fastapi import Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from ..pipeline.documents import Document
from ..pipeline.engine import DocumentResult
from ..pipeline.events import Delta, Detected, Done, Event, Final, Queued
from ..pipeline.runner import EngineRunner
from .auth import Meter
from .work import stream_metered

HEARTBEAT_S = 15.0
MEDIA_TYPE = "text/event-stream"

DESCRIPTION = (
    "With `Accept: text/event-stream`: Server-Sent Events `detected` {source_language, "
    "confidence}, `queued` {position}, `delta` {target, text, draft}, `summary` {target, text, "
    "language, words, checks, warnings}, then `done` (this body) or `error` {code, message}; "
    "see docs/streaming.md."
)


def wants_events(request: Request) -> bool:
    return MEDIA_TYPE in request.headers.get("accept", "")


OnResult = Callable[[DocumentResult], Awaitable[None]]


async def event_stream(
    runner: EngineRunner,
    meter: Meter,
    document: Document,
    target_keys: dict[str, str],
    on_result: OnResult | None = None,
) -> EventSourceResponse:
    """Charge and admit the text (a refusal is an ordinary JSON error), then stream its run;
    `on_result` is awaited with the result before the `done` event is sent."""
    events = await stream_metered(runner, meter, document, target_keys)
    return EventSourceResponse(
        _encoded(events, on_result),
        ping=HEARTBEAT_S,
        ping_message_factory=_heartbeat,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _encoded(
    events: AsyncGenerator[Event, None], on_result: OnResult | None
) -> AsyncIterator[ServerSentEvent]:
    try:
        async for event in events:
            if isinstance(event, Done) and on_result is not None:
                await on_result(event.result)
            name, data = encode(event)
            yield ServerSentEvent(json.dumps(data, ensure_ascii=False), event=name)
    finally:
        await events.aclose()


def encode(event: Event) -> tuple[str, dict[str, Any]]:
    """The SSE event name and JSON data of an event."""
    if isinstance(event, Detected | Queued | Delta):
        return type(event).__name__.lower(), asdict(event)
    if isinstance(event, Final):
        summary = event.summary.model_dump(mode="json")
        return "summary", {"target": event.target, **summary, "warnings": event.warnings}
    if isinstance(event, Done):
        return "done", event.response.model_dump(mode="json")
    return "error", {"code": event.error.code, "message": event.error.message}


def _heartbeat() -> ServerSentEvent:
    return ServerSentEvent(comment=f"heartbeat {datetime.now(timezone.utc):%H:%M:%S}")
