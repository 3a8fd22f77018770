"""Size, time and redirect caps on every fetch, and the size cap on posted feeds."""

from __future__ import annotations

import threading
import time

import pytest

from service.errors import LingosumError
from service.feeds import read_feed
from service.settings import Settings
from tests.feeds.conftest import FEED_HOST, fixture_bytes
from tests.feeds.server import Answer, LoopbackServer, endless

FEED = fixture_bytes("atom.xml")


def capped(**caps: float) -> Settings:
    return Settings(fetch_allow=[FEED_HOST], fetch_linked_articles=False, **caps)  # type: ignore[arg-type]


def failure(url: str, settings: Settings) -> LingosumError:
    with pytest.raises(LingosumError) as caught:
        read_feed(url, settings)
    return caught.value


def test_a_declared_length_over_the_cap_is_refused(server: LoopbackServer) -> None:
    url = server.serve("/big", FEED + b" " * 5_000)
    error = failure(url, capped(fetch_max_bytes=len(FEED) + 1_000))
    assert (error.code, error.status) == ("feed_too_large", 413)
    assert read_feed(url, capped(fetch_max_bytes=len(FEED) + 6_000)).title == "Harbor Notes"


def test_a_body_over_the_cap_is_cut_without_reading_on(server: LoopbackServer) -> None:
    # 64 kB and a little more, then a body that does not end until the test is done: a client
    # that read on to the end would wait for it and time out instead.
    more = threading.Event()
    padding = b"<!-- padding -->" * 64
    server.answers["/endless"] = Answer(
        body=lambda: endless(padding, until=more, most=64_000 // len(padding) + 2)
    )
    try:
        error = failure(
            server.url("/endless"), capped(fetch_max_bytes=64_000, fetch_timeout_seconds=10)
        )
    finally:
        more.set()
    assert (error.code, error.status) == ("feed_too_large", 413)


def test_a_posted_feed_over_the_cap_is_refused() -> None:
    with pytest.raises(LingosumError) as caught:
        read_feed(FEED, capped(fetch_max_bytes=len(FEED) - 1))
    assert (caught.value.code, caught.value.status) == ("feed_too_large", 413)
    assert read_feed(FEED, capped(fetch_max_bytes=len(FEED))).title == "Harbor Notes"


def test_a_slow_drip_is_stopped_at_the_time_cap(server: LoopbackServer) -> None:
    # A small piece every 0.1 s, never ending while the fetch runs: no read waits long, so only
    # the fetch's own deadline can stop it (a fetch that read to the end would wait 30 s for a
    # body too short to be a feed).
    more = threading.Event()
    server.answers["/slow"] = Answer(body=lambda: endless(b"<!-- x -->", until=more, pause=0.1))
    started = time.monotonic()
    try:
        error = failure(server.url("/slow"), capped(fetch_timeout_seconds=1.0))
    finally:
        more.set()
    assert (error.code, error.status) == ("fetch_timeout", 504)
    assert time.monotonic() - started >= 1.0  # not before its deadline


def test_a_server_that_never_answers_is_stopped_at_the_time_cap(server: LoopbackServer) -> None:
    answer = threading.Event()
    server.answers["/silent"] = Answer(body=FEED, held_by=answer)
    started = time.monotonic()
    try:
        error = failure(server.url("/silent"), capped(fetch_timeout_seconds=0.5))
    finally:
        answer.set()
    assert (error.code, error.status) == ("fetch_timeout", 504)
    assert time.monotonic() - started >= 0.5
    assert read_feed(server.url("/silent"), capped()).title == "Harbor Notes"  # once it answers


def chain(server: LoopbackServer, hops: int) -> str:
    for hop in range(hops):
        server.redirect(f"/hop{hop}", server.url(f"/hop{hop + 1}"))
    server.serve(f"/hop{hops}", FEED)
    return server.url("/hop0")


def test_redirects_up_to_the_cap_are_followed(server: LoopbackServer) -> None:
    url = chain(server, 3)
    assert read_feed(url, capped(fetch_max_redirects=3)).title == "Harbor Notes"


def test_one_redirect_over_the_cap_fails(server: LoopbackServer) -> None:
    url = chain(server, 3)
    error = failure(url, capped(fetch_max_redirects=2))
    assert (error.code, error.status) == ("too_many_redirects", 502)
    assert server.requested == ["/hop0", "/hop1", "/hop2"]


def test_a_relative_redirect_is_followed(server: LoopbackServer) -> None:
    server.serve("/feeds/atom.xml", FEED)
    url = server.redirect("/old/feed", "../feeds/atom.xml", status=308)
    assert read_feed(url, capped()).title == "Harbor Notes"
    assert server.requested == ["/old/feed", "/feeds/atom.xml"]


def test_an_error_status_is_a_fetch_failure(server: LoopbackServer) -> None:
    error = failure(server.url("/absent"), capped())
    assert (error.code, error.status) == ("fetch_failed", 502)
    assert "404" in error.message
