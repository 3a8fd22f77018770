"""The Ollama-compatible endpoints: a CMS plugin made for Ollama points its URL at the server
and picks a lingosum task model; the reply is lingosum's summary."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from ...compat.models import TASK_MODELS, task_model
from ...compat.prompts import Turn, read_prompt
from ...errors import LingosumError
from ...pipeline.runner import EngineRunner
from ...settings import Settings
from ..auth import COUNTED, Meter, MeterDep
from ..compat import SummaryReply, started
from ..deps import RunnerDep, SettingsDep
from ..ollama_schemas import (
    API_VERSION,
    Answer,
    ChatRequest,
    GenerateRequest,
    OllamaErrorBody,
    OllamaRequest,
    tags,
)
from ..schemas import BODY_ERRORS, error_responses

_ANSWERS = {
    **error_responses(*BODY_ERRORS, 404, model=OllamaErrorBody),
    200: {
        "description": "The answer; streamed as newline-delimited JSON unless `stream` is false.",
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
    },
}

router = APIRouter(prefix="/api", tags=["ollama-compatible"])


@router.get("/version")
async def version() -> dict[str, str]:
    """The Ollama API version lingosum answers as; public, like /healthz."""
    return {"version": API_VERSION}


@router.get(
    "/tags",
    dependencies=[COUNTED],
    responses=error_responses(401, 403, 429, 500, 503, model=OllamaErrorBody),
)
async def list_tags() -> dict[str, Any]:
    """The task models, one per summary language."""
    return tags(list(TASK_MODELS.values()))


@router.post("/chat", response_model=None, responses=_ANSWERS)
async def chat(
    body: ChatRequest, runner: RunnerDep, settings: SettingsDep, meter: MeterDep
) -> JSONResponse | StreamingResponse:
    """The last user message is the article; streamed as NDJSON unless `stream` is false."""
    turns = [message.turn() for message in body.messages]
    return await _answer(body, turns, Answer(body.model, chat=True), runner, settings, meter)


@router.post("/generate", response_model=None, responses=_ANSWERS)
async def generate(
    body: GenerateRequest, runner: RunnerDep, settings: SettingsDep, meter: MeterDep
) -> JSONResponse | StreamingResponse:
    """`prompt` is the article (`system` is read for a length only)."""
    answer = Answer(body.model, chat=False)
    return await _answer(body, body.turns(), answer, runner, settings, meter)


async def _answer(
    body: OllamaRequest,
    turns: Sequence[Turn],
    answer: Answer,
    runner: EngineRunner,
    settings: Settings,
    meter: Meter,
) -> JSONResponse | StreamingResponse:
    model = task_model(body.model)
    if not any(turn.text.strip() for turn in turns if turn.role == "user"):
        await meter.charge()  # Ollama's "load the model" request: nothing to summarize
        return JSONResponse(_loaded(body.model, answer.chat))
    ask = read_prompt(turns, body.token_cap)
    reply = SummaryReply(model, ask, body, runner=runner, meter=meter, settings=settings)
    if not body.stream:
        text = await reply.text()
        return JSONResponse({**answer.final(text, reply.usage), "lingosum": reply.report()})
    lines = _lines(answer, await started(reply.deltas()), reply)
    return StreamingResponse(lines, media_type="application/x-ndjson")


async def _lines(
    answer: Answer, deltas: AsyncIterator[str], reply: SummaryReply
) -> AsyncIterator[str]:
    """Ollama's pieces as newline-delimited JSON; the last one says `done`."""
    try:
        async for delta in deltas:
            yield _line(answer.piece(delta))
    except LingosumError as error:  # the stream has begun: the error is its last line
        yield _line({"error": error.message})
        return
    yield _line({**answer.final("", reply.usage), "lingosum": reply.report()})


def _loaded(model: str, chat: bool) -> dict[str, Any]:
    text = {"message": {"role": "assistant", "content": ""}} if chat else {"response": ""}
    created = datetime.now(timezone.utc).isoformat()
    return {"model": model, "created_at": created, **text, "done": True, "done_reason": "load"}


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"
