"""HTTPS goes to the address the guard checked, and the certificate is checked against the name."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme

from service.errors import LingosumError
from service.feeds.fetch import Fetcher
from service.settings import Settings
from tests.feeds.conftest import fixture_bytes
from tests.feeds.server import LoopbackServer


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[LoopbackServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    with LoopbackServer("127.0.0.1", tls=context) as running:
        running.serve("/feed", fixture_bytes("atom.xml"))
        yield running


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_https_by_host_name_verifies_against_that_name(
    tls_server: LoopbackServer, ca: trustme.CA
) -> None:
    settings = Settings(fetch_allow=["localhost"])
    with Fetcher(settings, trusting(ca)) as fetcher:
        page = fetcher.fetch(f"https://localhost:{tls_server.port}/feed", "*/*")
    assert page.body == fixture_bytes("atom.xml")


def test_a_certificate_for_another_name_fails(tls_server: LoopbackServer, ca: trustme.CA) -> None:
    settings = Settings(fetch_allow=["127.0.0.1"])
    with Fetcher(settings, trusting(ca)) as fetcher, pytest.raises(LingosumError) as caught:
        fetcher.fetch(f"https://127.0.0.1:{tls_server.port}/feed", "*/*")
    assert (caught.value.code, caught.value.status) == ("fetch_failed", 502)
    assert tls_server.requested == []


def test_an_untrusted_certificate_fails(tls_server: LoopbackServer) -> None:
    settings = Settings(fetch_allow=["localhost"])
    with Fetcher(settings) as fetcher, pytest.raises(LingosumError) as caught:
        fetcher.fetch(f"https://localhost:{tls_server.port}/feed", "*/*")
    assert caught.value.code == "fetch_failed"
