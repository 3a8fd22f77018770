"""Documents through the engine on behalf of a metered caller."""

from __future__ import annotations

from ..errors import LingosumError
from ..pipeline.documents import Document
from ..pipeline.engine import DocumentResult
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
