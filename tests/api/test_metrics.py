"""What the metrics read from a result's route."""

from __future__ import annotations

import pytest

from service.api.metrics import work_of
from service.errors import LingosumError
from service.pipeline.engine import DocumentResult
from service.pipeline.stages.model_requests import RouteEntry

MODEL = "qwen"


def test_a_stage_is_one_observation_per_document_with_its_model_calls_inside() -> None:
    route = [
        RouteEntry("detect", "rules", None, "en", 10.0),
        RouteEntry("summarize", MODEL, "en", "en", 8000.0, 2, 900, 100),
        RouteEntry("translate", MODEL, "en", "zh-Hans", 3000.0, 1, 200, 90),
        RouteEntry("finalize", MODEL, "en", "zh-Hans", 1000.0, 1, 170, 3),
        RouteEntry("finalize", "opencc+checks", None, None, 500.0, 2),
    ]
    result = DocumentResult("en", 0.98, True, {}, route)
    work = work_of([result, LingosumError("overloaded", "busy", 429)])
    assert work.stages == [
        ("detect", 0.01),
        ("summarize", 8.0),
        ("translate", 3.0),
        ("finalize", 1.5),
    ]
    assert work.model_seconds == pytest.approx(8.0 / 2 + 3.0 + 1.0)  # a shared call, halved
    assert (work.prompt_tokens, work.completion_tokens) == (1270, 193)
