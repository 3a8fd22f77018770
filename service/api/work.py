"""Documents through the engine on behalf of a metered caller."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from ..errors import LingosumError
from ..pipeline.documents import Document
from ..pipeline.engine import DocumentResult
from ..pipeline.events import Done, Event, Failed
from ..pipeline.runner import EngineRunner
from .auth import Meter


async def run_metered(
    runner: EngineRunner, meter: Meter, documents: list[Document]
) -> list[DocumentResult | LingosumError]:
    """Charge the accepted text, run it, and record the work; a refused run is refunded."""
    await meter.charge(sum(len(document.text) for document in documents))
    if not documents:
        return []
    try:
        results = await runner.summarize(documents)
    except LingosumError:
        await meter.refund()
        raise
    await meter.record(results)
    return results


async def stream_metered(
    runner: EngineRunner, meter: Meter, document: Document, target_keys: dict[str, str]
) -> AsyncGenerator[Event, None]:
    """Charge the text and admit it (refunded if the server refuses, raising the refusal);
    the events then tell the run, and its work is recorded when it ends."""
    await meter.charge(len(document.text))
    try:
        events = await runner.stream(document, target_keys)
    except LingosumError:
        await meter.refund()
        raise
    return _recorded(events, meter)


async def _recorded(
    events: AsyncGenerator[Event, None], meter: Meter
) -> AsyncGenerator[Event, None]:
    try:
        async for event in events:
            if isinstance(event, Done):
                await meter.record([event.result])
            elif isinstance(event, Failed):
                await meter.record([event.error])
            yield event
    finally:
        await events.aclose()
