from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse

from ...errors import LingosumError
from ...jobs.manager import JobManager
from ...pipeline.documents import Document, Options, RejectedItem, WorkItem
from ...pipeline.response import SummarizeResponse
from ...pipeline.runner import EngineRunner
from ..auth import Meter, MeterDep
from ..deps import JobsDep, RunnerDep, SettingsDep
from ..events import DESCRIPTION, MEDIA_TYPE, OnResult, event_stream, wants_events
from ..items import article_item, request_items
from ..schemas import (
    BODY_ERRORS,
    BatchRequest,
    BatchResponse,
    SummarizeRequest,
    error_responses,
)
from ..work import run_metered

router = APIRouter(prefix="/v1", tags=["summarize"])


@router.post(
    "/summarize",
    response_model=SummarizeResponse,
    responses={
        **error_responses(*BODY_ERRORS),
        200: {"description": DESCRIPTION, "content": {MEDIA_TYPE: {"schema": {"type": "string"}}}},
    },
)
async def summarize(
    body: SummarizeRequest,
    request: Request,
    runner: RunnerDep,
    settings: SettingsDep,
    jobs: JobsDep,
    meter: MeterDep,
) -> SummarizeResponse | EventSourceResponse | dict[str, Any]:
    """Summarize one article into English and/or Chinese; the route says what ran. Ask for
    `text/event-stream` to see the summaries as they are written.

    With `external_id`, the summaries are kept as that story's latest (GET
    /v1/documents/{external_id}), streamed or not; a text already summarized is answered
    from the cache unless streamed."""
    options = body.options().with_key_glossary(meter.caller.glossary)
    item = article_item(body, settings)
    document = Document.of(item, options)
    if wants_events(request):
        keep: OnResult | None = None
        if item.external_id is not None:
            keep = partial(jobs.keep_streamed_story, meter.caller.owner, item, options)
        return await event_stream(runner, meter, document, options.targets, keep)
    if item.external_id is not None:
        return await _story(item, options, runner, jobs, meter)
    [result] = await run_metered(runner, meter, [document])
    if isinstance(result, LingosumError):
        raise result
    return SummarizeResponse.of(result, options.targets)


async def _story(
    item: WorkItem, options: Options, runner: EngineRunner, jobs: JobManager, meter: Meter
) -> dict[str, Any]:
    plan = await jobs.story_plan(item, options)
    if plan.hits:
        await meter.charge()  # an unchanged text: no model work, no characters charged
        [outcome] = plan.hits
    else:
        [outcome] = plan.outcomes(await run_metered(runner, meter, plan.documents))
    if outcome.error is not None:
        raise outcome.error
    await jobs.keep_story(meter.caller.owner, item, options, outcome)
    assert outcome.result is not None
    return outcome.result


@router.post(
    "/summarize/batch", response_model=BatchResponse, responses=error_responses(*BODY_ERRORS)
)
async def summarize_batch(
    body: BatchRequest, runner: RunnerDep, settings: SettingsDep, meter: MeterDep
) -> dict[str, Any]:
    """Summarize several articles in one call, answered in order; each item has its result or
    its own error, and one bad item never fails the others."""
    options = body.options().with_key_glossary(meter.caller.glossary)
    items = request_items(body.items, settings, settings.batch_max_items)
    accepted = [item for item in items if not isinstance(item, RejectedItem)]
    results = iter(
        await run_metered(runner, meter, [Document.of(item, options) for item in accepted])
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
