from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...engine import Document
from ...errors import LingosumError
from ...report import result_to_json
from ..deps import RunnerDep, SettingsDep, enforce_text_limit
from ..schemas import ERROR_RESPONSES, SummarizeRequest, SummarizeResponse

router = APIRouter(prefix="/v1", tags=["summarize"])


@router.post("/summarize", response_model=SummarizeResponse, responses=ERROR_RESPONSES)
async def summarize(
    body: SummarizeRequest, runner: RunnerDep, settings: SettingsDep
) -> dict[str, Any]:
    """Summarize one article into English and/or Chinese; the route says what ran."""
    enforce_text_limit(body.text, settings)
    targets = body.target_codes()
    document = Document(
        body.text, body.title, body.source_code(), tuple(targets.values()), body.length
    )
    [result] = await runner.summarize([document])
    if isinstance(result, LingosumError):
        raise result
    return result_to_json(result, targets)
