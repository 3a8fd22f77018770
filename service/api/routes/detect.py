from __future__ import annotations

from fastapi import APIRouter

from ..auth import MeterDep
from ..deps import RunnerDep, SettingsDep, enforce_text_limit
from ..schemas import BODY_ERRORS, DetectRequest, DetectResponse, error_responses

router = APIRouter(prefix="/v1", tags=["languages"])


@router.post("/detect", response_model=DetectResponse, responses=error_responses(*BODY_ERRORS))
async def detect(
    body: DetectRequest, runner: RunnerDep, settings: SettingsDep, meter: MeterDep
) -> DetectResponse:
    """Detect the language of a text (answers while the models are still loading)."""
    enforce_text_limit(body.text, settings)
    await meter.charge(len(body.text))
    [detection] = await runner.detect([body.text])
    return DetectResponse(language=detection.language, confidence=detection.confidence)
