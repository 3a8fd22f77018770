from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from ...access.errors import forbidden
from ...access.policy import is_loopback
from ..auth import authenticate
from ..deps import SettingsDep
from ..metrics import Metrics

router = APIRouter(tags=["service"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, settings: SettingsDep) -> Response:
    """Prometheus metrics: open on a loopback address (or with LINGOSUM_AUTH=off), else an
    admin key."""
    if not is_loopback(settings.host) and settings.auth != "off":
        meter = await authenticate(request)
        if not meter.caller.admin:
            raise forbidden("Metrics need an admin key on a server reachable from the network.")
    registry: Metrics = request.app.state.metrics
    body = await asyncio.to_thread(registry.expose)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
