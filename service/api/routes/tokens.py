from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictStr

from ...access.tokens import MAX_TTL_S
from ..auth import MeterDep
from ..schemas import BODY_ERRORS, error_responses

router = APIRouter(prefix="/v1", tags=["access"])


class TokenRequest(BaseModel):
    origin: StrictStr = Field(
        description="The page's origin (https://cms.example); it must be registered on the key."
    )
    ttl_s: int = Field(600, ge=1, le=MAX_TTL_S, description="Lifetime in seconds (at most 900).")


class TokenOut(BaseModel):
    token: str = Field(description="Send as Authorization: Bearer <token>, from `origin` only.")
    expires_at: datetime


@router.post(
    "/tokens", status_code=201, response_model=TokenOut, responses=error_responses(*BODY_ERRORS)
)
async def create_token(body: TokenRequest, meter: MeterDep) -> TokenOut:
    """A short-lived browser token for one origin, charged to the calling key's quotas."""
    token, claims = await asyncio.to_thread(
        meter.gate.issue_token, meter.caller, body.origin, body.ttl_s
    )
    await meter.charge()  # after the checks: a refused exchange costs nothing
    return TokenOut(
        token=token, expires_at=datetime.fromtimestamp(claims.expires_at, tz=timezone.utc)
    )
