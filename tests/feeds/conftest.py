"""Loopback servers for the feed tests, and a tripwire that keeps every connection on loopback."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import pytest

from service.settings import Settings
from tests.feeds.server import LoopbackServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
FEED_HOST = "127.0.0.2"
SECRET_HOST = "127.0.0.1"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail, never connect, if a guard regression lets a fetch head for a non-loopback address."""
    connect = httpcore.SyncBackend.connect_tcp

    def guarded(self: httpcore.SyncBackend, host: str, *args: Any, **kwargs: Any) -> Any:
        assert ipaddress.ip_address(host).is_loopback, f"test tried to connect to {host}"
        return connect(self, host, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", guarded)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """The feed host, 127.0.0.2: the one address the `settings` fixture allows."""
    with LoopbackServer(FEED_HOST) as running:
        yield running


@pytest.fixture
def secret() -> Iterator[LoopbackServer]:
    """An internal service on 127.0.0.1 that must never be read; it serves a valid feed."""
    with LoopbackServer(SECRET_HOST) as running:
        for path in ("/", "/feed", "/articles/lighthouse.html"):
            running.serve(path, fixture_bytes("rss20_content_encoded.xml"))
        yield running


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_allow=[FEED_HOST], fetch_timeout_seconds=5.0)
