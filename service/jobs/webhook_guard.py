"""Webhook URLs are user input: they may only point where feeds may be fetched from.

The feed reader's address policy decides (public addresses, plus `fetch_allow`). The URL is
checked when the job is posted and again before each delivery; redirects are not followed.
"""

from __future__ import annotations

import socket

import httpx

from ..errors import LingosumError
from ..feeds.addresses import AddressPolicy, parse_address
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
        infos = socket.getaddrinfo(parsed.host, parsed.port or 80, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refused(f"{parsed.host} does not resolve") from None
    for info in infos:
        address = parse_address(str(info[4][0]))
        if address is None or not policy.allows(parsed.host, address):
            raise _refused(f"{parsed.host} is a loopback, private or internal address")


def _refused(why: str) -> LingosumError:
    return LingosumError("webhook_refused", f"Webhook URL refused: {why}.", status=422)
