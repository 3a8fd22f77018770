from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse

from ...errors import LingosumError
from ...pipeline.documents import Document, RejectedItem
from ...pipeline.engine import DocumentResult
from ...pipeline.response import SummarizeResponse
from ...pipeline.runner import EngineRunner
from ..auth import Meter, MeterDep
from ..deps import RunnerDep, SettingsDep
from ..events import DESCRIPTION, MEDIA_TYPE, event_stream, wants_events
from ..items import article_item, request_items
from ..schemas import (
    ERROR_RESPONSES,
    BatchRequest,
    BatchResponse,
    SummarizeRequest,
)

router = APIRouter(prefix="/v1", tags=["summarize"])


@router.post(
    "/summarize",
    response_model=SummarizeResponse,
    responses={
        **ERROR_RESPONSES,
        200: {"description": DESCRIPTION, "content": {MEDIA_TYPE: {"schema": {"type": "string"}}}},
    },
)
async def summarize(
    body: SummarizeRequest,
    request: Request,
    runner: RunnerDep,
    settings: SettingsDep,
    meter: MeterDep,
) -> SummarizeResponse | EventSourceResponse:
    """Summarize one article into English and/or Chinese; the route says what ran. Ask for
    `text/event-stream` to see the summaries as they are written."""
    options = body.options()
    document = Document.of(article_item(body, settings), options)
    if wants_events(request):
        return await event_stream(runner, meter, document, options.targets)
    [result] = await _run(runner, meter, [document])
    if isinstance(result, LingosumError):
        raise result
    return SummarizeResponse.of(result, options.targets)


@router.post("/summarize/batch", response_model=BatchResponse, responses=ERROR_RESPONSES)
async def summarize_batch(
    body: BatchRequest, runner: RunnerDep, settings: SettingsDep, meter: MeterDep
) -> dict[str, Any]:
    """Summarize several articles in one call, answered in order; each item has its result or
    its own error, and one bad item never fails the others."""
    options = body.options()
    items = request_items(body.items, settings, settings.batch_max_items)
    accepted = [item for item in items if not isinstance(item, RejectedItem)]
    results = iter(await _run(runner, meter, [Document.of(item, options) for item in accepted]))
    answers = []
    for item in items:
        outcome = item.error if isinstance(item, RejectedItem) else next(results)
        answers.append(
            {"index": item.index, "id": item.id, "result": None, "error": _error(outcome)}
            if isinstance(outcome, LingosumError)
            else {
                "index": item.index,
                "id": item.id,
                "result": SummarizeResponse.of(outcome, options.targets),
                "error": None,
            }
        )
    return {"items": answers}


async def _run(
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


def _error(error: LingosumError) -> dict[str, str]:
    return {"code": error.code, "message": error.message}
