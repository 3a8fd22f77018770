"""Job webhooks: a JSON POST signed with HMAC-SHA256 over the exact body bytes.

The receiver checks `X-Lingosum-Signature: sha256=<hex>` against its copy of the secret.
Failed deliveries (network errors, 5xx, 408, 429) are retried with exponential backoff up to
a bounded number of attempts; the outcome is logged and never raised.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable

import httpx

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Lingosum-Signature"
Sleep = Callable[[float], Awaitable[None]]


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str) -> bool:
    return hmac.compare_digest(signature(body, secret), header)


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    secret: str,
    *,
    attempts: int,
    backoff_s: float,
    sleep: Sleep = asyncio.sleep,
) -> bool:
    """POST `body` until the receiver answers 2xx; True once delivered."""
    headers = {"content-type": "application/json", SIGNATURE_HEADER: signature(body, secret)}
    delay = backoff_s
    for attempt in range(1, attempts + 1):
        try:
            response = await client.post(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            log.warning("webhook %s: attempt %d failed: %s", url, attempt, type(error).__name__)
        else:
            if response.is_success:
                return True
            log.warning("webhook %s: attempt %d got %d", url, attempt, response.status_code)
            if not _worth_retrying(response.status_code):
                break
        if attempt < attempts:
            await sleep(delay)
            delay *= 2
    log.error("webhook %s: not delivered after %d attempt(s)", url, attempt)
    return False


def _worth_retrying(status: int) -> bool:
    return status >= 500 or status in (408, 425, 429)
