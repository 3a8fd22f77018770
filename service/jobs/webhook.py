"""Job webhooks, signed as the Standard Webhooks spec says (https://www.standardwebhooks.com).

Each delivery carries `webhook-id` (one per message, the same on every retry),
`webhook-timestamp` (seconds, the time of that attempt) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the bytes of a
`whsec_<base64>` secret. Receivers verify with any Standard Webhooks library, which also
rejects stale timestamps. Failed deliveries (network errors, 5xx, 408, 425, 429) are retried
with exponential backoff up to a bounded number of attempts; the outcome is logged, never
raised.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
from pydantic import SecretStr

log = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24  # the spec's lower bound for a secret
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]

SECRET_HELP = (
    "a webhook secret must be a Standard Webhooks secret: 'whsec_' followed by at least "
    f"{MIN_SECRET_BYTES} random bytes in base64, e.g. from "
    "python -c \"import base64,secrets; print('whsec_' + "
    'base64.b64encode(secrets.token_bytes(32)).decode())"'
)


def secret_key(secret: str) -> bytes:
    """The signing key of a `whsec_` secret; ValueError, saying what a secret must be."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(SECRET_HELP)
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(SECRET_HELP) from None
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(SECRET_HELP)
    return key


Secret = TypeVar("Secret", str, SecretStr, None)


def check_secret(secret: Secret) -> Secret:
    """A validator for settings and request fields: the secret itself, once it is valid.
    The error never repeats the secret."""
    if secret is not None:
        secret_key(secret.get_secret_value() if isinstance(secret, SecretStr) else secret)
    return secret


def signed_headers(message_id: str, timestamp: int, body: bytes, key: bytes) -> dict[str, str]:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    *,
    message_id: str,
    key: bytes,
    attempts: int,
    backoff_s: float,
    sleep: Sleep = asyncio.sleep,
    clock: Clock = time.time,
) -> bool:
    """POST `body` until the receiver answers 2xx; True once delivered."""
    delay = backoff_s
    for attempt in range(1, attempts + 1):
        headers = {
            "content-type": "application/json",
            **signed_headers(message_id, int(clock()), body, key),
        }
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
