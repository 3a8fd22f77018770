from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...errors import LingosumError
from ...pipeline.documents import Document, RejectedItem
from ...pipeline.response import SummarizeResponse
from ..deps import RunnerDep, SettingsDep
from ..items import article_item, request_items
from ..schemas import (
    ERROR_RESPONSES,
    BatchRequest,
    BatchResponse,
    SummarizeRequest,
)

router = APIRouter(prefix="/v1", tags=["summarize"])


@router.post("/summarize", response_model=SummarizeResponse, responses=ERROR_RESPONSES)
async def summarize(
    body: SummarizeRequest, runner: RunnerDep, settings: SettingsDep
) -> SummarizeResponse:
    """Summarize one article into English and/or Chinese; the route says what ran."""
    options = body.options()
    item = article_item(body, settings)
    [result] = await runner.summarize([Document.of(item, options)])
    if isinstance(result, LingosumError):
        raise result
    return SummarizeResponse.of(result, options.targets)


@router.post("/summarize/batch", response_model=BatchResponse, responses=ERROR_RESPONSES)
async def summarize_batch(
    body: BatchRequest, runner: RunnerDep, settings: SettingsDep
) -> dict[str, Any]:
    """Summarize several articles in one call, answered in order; each item has its result or
    its own error, and one bad item never fails the others."""
    options = body.options()
    items = request_items(body.items, settings, settings.batch_max_items)
    accepted = [item for item in items if not isinstance(item, RejectedItem)]
    results = iter(
        await runner.summarize([Document.of(item, options) for item in accepted])
        if accepted
        else []
    )
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


def _error(error: LingosumError) -> dict[str, str]:
    return {"code": error.code, "message": error.message}
