from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ..auth import MeterDep
from ..schemas import error_responses

router = APIRouter(prefix="/v1", tags=["access"])


class UsageDay(BaseModel):
    key: str
    date: str
    requests: int
    characters: int
    model_seconds: float
    tokens: int


class UsageOut(BaseModel):
    key: str
    days: int
    usage: list[UsageDay]


@router.get(
    "/usage", response_model=UsageOut, responses=error_responses(401, 403, 422, 429, 500, 503)
)
async def usage(
    meter: MeterDep,
    days: Annotated[int, Query(ge=1, le=366)] = 7,
    key: Annotated[
        str | None, Query(description="An admin may name any key, or '*' for all.")
    ] = None,
) -> UsageOut:
    """Requests, characters, model seconds and model tokens per UTC day, newest days last."""
    rows = await asyncio.to_thread(meter.gate.usage, meter.caller, days, key)
    await meter.charge()  # after the checks: a refused request costs nothing
    return UsageOut(
        key=key or meter.caller.name,
        days=days,
        usage=[
            UsageDay(
                key=row.key,
                date=row.day,
                requests=row.requests,
                characters=row.chars,
                model_seconds=round(row.model_ms / 1000, 3),
                tokens=row.tokens,
            )
            for row in rows
        ],
    )
