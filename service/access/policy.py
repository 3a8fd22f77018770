"""When keys are required, and the refusal to serve a public address with no key."""

from __future__ import annotations

import ipaddress
from typing import Literal

from ..errors import LingosumError
from ..settings import Settings
from .store import open_access_store

AuthMode = Literal["auto", "required", "off"]


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def keys_required(mode: AuthMode, host: str, have_keys: bool) -> bool:
    if mode == "off":
        return False
    return mode == "required" or have_keys or not is_loopback(host)


def refuse_public_without_key(mode: AuthMode, host: str, have_keys: bool, data_dir: str) -> None:
    """`serve --host 0.0.0.0` with `auto` and no key would be open to the network: refuse."""
    if mode != "auto" or have_keys or is_loopback(host):
        return
    raise LingosumError(
        "no_api_key",
        f"refusing to serve on {host} without an API key: anyone who can reach it could use "
        "it. Create a key first:\n"
        f"  lingosum keys create NAME --data-dir {data_dir}\n"
        "or set LINGOSUM_API_KEY=<a secret of 32+ characters> (an admin key named 'env'), "
        "or set LINGOSUM_AUTH=off to serve without keys.",
        status=500,
    )


def check_can_serve(settings: Settings) -> None:
    """Before the server binds: refuse a public address with `auto` and no key at all."""
    if settings.auth != "auto" or settings.api_key is not None or is_loopback(settings.host):
        return
    store = open_access_store(settings)
    try:
        have_keys = any(record.live for record in store.list_keys())
    finally:
        store.close()
    refuse_public_without_key(settings.auth, settings.host, have_keys, str(settings.data_dir))
