"""The OpenAI-compatible endpoints: a CMS plugin made for OpenAI-compatible servers points its
base URL at /v1 and picks a lingosum task model; the reply is lingosum's summary."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse, StreamingResponse

from ...compat.models import TASK_MODELS, task_model
from ...compat.prompts import read_prompt
from ...errors import LingosumError
from ..auth import COUNTED, MeterDep
from ..compat import SummaryReply, started
from ..deps import RunnerDep, SettingsDep
from ..openai_schemas import (
    ChatCompletionRequest,
    Completion,
    OpenAIErrorBody,
    model_entry,
    models_list,
    openai_error,
)
from ..schemas import BODY_ERRORS, error_responses

_READ_ERRORS = (401, 403, 429, 500, 503)

router = APIRouter(prefix="/v1", tags=["openai-compatible"])


@router.get(
    "/models",
    dependencies=[COUNTED],
    responses=error_responses(*_READ_ERRORS, model=OpenAIErrorBody),
)
async def list_models() -> dict[str, Any]:
    """The task models, one per summary language."""
    return models_list(list(TASK_MODELS.values()))


@router.get(
    "/models/{model}",
    dependencies=[COUNTED],
    responses=error_responses(*_READ_ERRORS, 404, model=OpenAIErrorBody),
)
async def get_model(
    model: Annotated[str, Path(json_schema_extra={"enum": list(TASK_MODELS)})],
) -> dict[str, Any]:
    return model_entry(task_model(model))


@router.post(
    "/chat/completions",
    response_model=None,
    responses={
        **error_responses(*BODY_ERRORS, 404, model=OpenAIErrorBody),
        200: {
            "description": "The completion; with `stream`, its chunks as server-sent events.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
)
async def chat_completions(
    body: ChatCompletionRequest, runner: RunnerDep, settings: SettingsDep, meter: MeterDep
) -> JSONResponse | StreamingResponse:
    """The last user message is the article; a length asked in the prompt picks the nearest
    preset and any other instruction is ignored. Errors come in OpenAI's error shape."""
    model = task_model(body.model)
    ask = read_prompt([message.turn() for message in body.messages], body.token_cap)
    reply = SummaryReply(model, ask, body, runner=runner, meter=meter, settings=settings)
    completion = Completion(body.model)
    if not body.stream:
        text = await reply.text()
        return JSONResponse(completion.whole(text, reply.usage, reply.report()))
    usage = body.stream_options is not None and body.stream_options.include_usage
    events = _events(completion, await started(reply.deltas()), reply, usage)
    return StreamingResponse(events, media_type="text/event-stream")


async def _events(
    completion: Completion, deltas: AsyncIterator[str], reply: SummaryReply, usage: bool
) -> AsyncIterator[str]:
    """OpenAI's chunks as server-sent events, ending with `data: [DONE]`."""
    yield _event(completion.chunk({"role": "assistant", "content": ""}))
    try:
        async for delta in deltas:
            yield _event(completion.chunk({"content": delta}))
    except LingosumError as error:  # the stream has begun: the error is its last event
        yield _event(openai_error(error.status, error.code, error.message))
        yield "data: [DONE]\n\n"
        return
    yield _event(completion.chunk({}, "stop"))
    if usage:
        yield _event(completion.usage_chunk(reply.usage))
    yield "data: [DONE]\n\n"


def _event(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
