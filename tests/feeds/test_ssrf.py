"""Fetches never reach loopback, private, link-local or metadata addresses unless allowed."""

from __future__ import annotations

import pytest

from service.errors import LingosumError
from service.feeds import read_feed
from service.settings import Settings
from tests.feeds.conftest import fixture_bytes
from tests.feeds.server import LoopbackServer


def refusal(url: str, settings: Settings) -> LingosumError:
    with pytest.raises(LingosumError) as caught:
        read_feed(url, settings)
    return caught.value


def test_the_allowed_test_host_is_fetched(server: LoopbackServer, settings: Settings) -> None:
    url = server.serve("/feed", fixture_bytes("atom.xml"))
    assert read_feed(url, settings).title == "Harbor Notes"


def test_direct_loopback_is_refused(secret: LoopbackServer, settings: Settings) -> None:
    error = refusal(secret.url("/feed"), settings)
    assert (error.code, error.status) == ("fetch_refused", 400)
    assert secret.requested == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/feed",
        "http://192.168.1.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]/feed",
        "http://0.0.0.0/feed",
        "http://2130706433/feed",  # 127.0.0.1 written as one number
        "http://224.0.0.1/feed",
    ],
)
def test_internal_addresses_are_refused(url: str, settings: Settings) -> None:
    error = refusal(url, settings)
    assert (error.code, error.status) == ("fetch_refused", 400)


def test_a_host_name_resolving_to_loopback_is_refused(
    secret: LoopbackServer, settings: Settings
) -> None:
    error = refusal(f"http://localhost:{secret.port}/feed", settings)
    assert error.code == "fetch_refused"
    assert secret.requested == []


def test_a_redirect_to_loopback_is_refused(
    server: LoopbackServer, secret: LoopbackServer, settings: Settings
) -> None:
    url = server.redirect("/moved", secret.url("/feed"))
    error = refusal(url, settings)
    assert error.code == "fetch_refused"
    assert server.requested == ["/moved"]
    assert secret.requested == []


def test_a_redirect_chain_is_checked_at_every_hop(
    server: LoopbackServer, secret: LoopbackServer, settings: Settings
) -> None:
    server.redirect("/one", server.url("/two"), status=301)
    server.redirect("/two", f"http://localhost:{secret.port}/feed", status=307)
    assert refusal(server.url("/one"), settings).code == "fetch_refused"
    assert server.requested == ["/one", "/two"]
    assert secret.requested == []


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.com/feed", "gopher://x/", "//"]
)
def test_only_http_and_https_are_fetched(
    server: LoopbackServer, settings: Settings, target: str
) -> None:
    assert refusal(target, settings).code == "fetch_refused"
    if target.startswith("//"):
        return
    url = server.redirect("/elsewhere", target)
    assert refusal(url, settings).code == "fetch_refused"


def test_allowing_a_network_lets_its_addresses_through(secret: LoopbackServer) -> None:
    allowed = Settings(fetch_allow=["127.0.0.0/8"], fetch_linked_articles=False)
    assert read_feed(secret.url("/feed"), allowed).title == "Workshop Journal"


def test_allowing_a_host_name_lets_it_through(secret: LoopbackServer) -> None:
    allowed = Settings(fetch_allow=["LOCALHOST"], fetch_linked_articles=False)
    url = f"http://localhost:{secret.port}/feed"
    assert read_feed(url, allowed).title == "Workshop Journal"
