"""Webhook URLs are user input: they may only point where feeds may be fetched from.

The feed reader's address policy decides (public addresses, plus `fetch_allow`). The URL is
checked when the job is posted and again before each delivery, and the delivery connects only
to an address it checked (`feeds.fetch.guarded_async_client`); redirects are not followed.
"""

from __future__ import annotations

import httpx

from ..errors import LingosumError
from ..feeds.addresses import AddressPolicy, AddressRefused, allowed_addresses
from ..settings import Settings


def check_webhook_url(url: str, settings: Settings) -> None:
    """Raises 422 `webhook_refused` unless every address the host resolves to is allowed."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise _refused("it is not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise _refused("it is not an http(s) URL")
    policy = AddressPolicy.from_allow_list(settings.fetch_allow)
    try:
        allowed_addresses(parsed.host, parsed.port or 80, policy, settings.dns_timeout_s)
    except AddressRefused:
        raise _refused(f"{parsed.host} is a loopback, private or internal address") from None
    except OSError:
        raise _refused(f"{parsed.host} does not resolve") from None


def _refused(why: str) -> LingosumError:
    return LingosumError("webhook_refused", f"Webhook URL refused: {why}.", status=422)
