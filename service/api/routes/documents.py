from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...errors import LingosumError
from ...jobs.views import document_view
from ..auth import CountedDep
from ..deps import JobsDep
from ..schemas import DocumentOut, error_responses

router = APIRouter(prefix="/v1/documents", tags=["documents"])


@router.get(
    "/{external_id}",
    response_model=DocumentOut,
    responses=error_responses(401, 403, 404, 429, 500, 503),
)
async def get_document(external_id: str, jobs: JobsDep, meter: CountedDep) -> dict[str, Any]:
    """The latest finished summaries of a story (by your `external_id`), with its revision and
    when they were made. A key sees only its own stories; an admin key sees every key's."""
    caller = meter.caller
    document = await jobs.document(None if caller.admin else caller.owner, external_id)
    if document is None:
        raise LingosumError(
            "document_not_found", f"There are no finished summaries of {external_id!r}.", 404
        )
    return document_view(document)
