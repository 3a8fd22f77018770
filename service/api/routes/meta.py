from __future__ import annotations

from fastapi import APIRouter

from ...text.languages import KNOWN_LANGUAGES, TARGET_LANGUAGES
from ..auth import COUNTED
from ..deps import RunnerDep
from ..schemas import LanguageOut, error_responses

router = APIRouter(tags=["service"])


@router.get("/healthz", responses=error_responses(500))
async def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz", responses=error_responses(500, 503))
async def readyz(runner: RunnerDep) -> dict[str, str]:
    """200 once the models are loaded and warmed up; 503 before that or if loading failed."""
    runner.raise_unless_ready()
    return {"status": "ready"}


@router.get(
    "/v1/languages",
    response_model=list[LanguageOut],
    dependencies=[COUNTED],
    responses=error_responses(401, 403, 429, 500, 503),
)
async def languages() -> list[LanguageOut]:
    """Languages articles may be written in; `target` marks those summaries can be written in."""
    return [
        LanguageOut(code=lang.code, name=lang.name, target=lang.code in TARGET_LANGUAGES)
        for lang in KNOWN_LANGUAGES.values()
    ]
