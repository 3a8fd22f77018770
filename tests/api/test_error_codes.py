"""The documented error codes that only a fetch, a small model or a full queue can produce,
each through HTTP: feeds from loopback servers, a translator with a small context, a queue
held by a model that does not answer. (The others are tested with the routes they belong to.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.pipeline.engine import Engine
from service.settings import Settings
from tests.api.support import ENGLISH, BlockingBackend, app_with, assert_error, scripted, wait_ready
from tests.fakes import FakeBackend
from tests.feeds.server import Answer, LoopbackServer, endless

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EMPTY_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet Wire</title>'
    b"<link>https://wire.example/</link><description>Nothing yet</description></channel></rss>"
)


@pytest.fixture
def feeds() -> Iterator[LoopbackServer]:
    with LoopbackServer("127.0.0.1") as server:  # the one host the settings fixture may fetch
        yield server


def job(client: TestClient, **body: object) -> object:
    return client.post("/v1/jobs", json=body)


def test_a_feed_without_items_is_empty_feed(client: TestClient, feeds: LoopbackServer) -> None:
    assert_error(job(client, feed=EMPTY_FEED.decode()), 422, "empty_feed")
    url = feeds.serve("/quiet.xml", EMPTY_FEED, "application/rss+xml")
    assert_error(job(client, feed_url=url), 422, "empty_feed")


def test_a_feed_that_does_not_answer_in_time_is_fetch_timeout(
    settings: Settings, backend: FakeBackend, feeds: LoopbackServer
) -> None:
    answer = threading.Event()
    feeds.answers["/stalled.xml"] = Answer(body=EMPTY_FEED, held_by=answer)
    impatient = settings.model_copy(update={"fetch_timeout_seconds": 0.5})
    try:
        with app_with(impatient, backend) as client:
            wait_ready(client)
            refused = job(client, feed_url=feeds.url("/stalled.xml"))
    finally:
        answer.set()
    assert_error(refused, 504, "fetch_timeout")


def test_a_feed_behind_too_many_redirects_is_too_many_redirects(
    settings: Settings, backend: FakeBackend, feeds: LoopbackServer
) -> None:
    for hop in range(3):
        feeds.redirect(f"/hop{hop}", feeds.url(f"/hop{hop + 1}"))
    feeds.serve("/hop3", EMPTY_FEED, "application/rss+xml")
    with app_with(settings.model_copy(update={"fetch_max_redirects": 2}), backend) as client:
        wait_ready(client)
        assert_error(job(client, feed_url=feeds.url("/hop0")), 502, "too_many_redirects")
    assert feeds.requested == ["/hop0", "/hop1", "/hop2"]


def test_a_feed_over_the_fetch_limit_is_feed_too_large(
    settings: Settings, backend: FakeBackend, feeds: LoopbackServer
) -> None:
    more = threading.Event()
    padding = b"<!-- padding -->" * 64
    feeds.answers["/huge.xml"] = Answer(body=lambda: endless(padding, until=more, most=10))
    small = settings.model_copy(update={"fetch_max_bytes": 4_000})
    try:
        with app_with(small, backend) as client:
            wait_ready(client)
            fetched = job(client, feed_url=feeds.url("/huge.xml"))
            posted = job(client, feed=EMPTY_FEED.decode() + " " * 4_000)  # under 5,000 chars
    finally:
        more.set()
    assert_error(fetched, 413, "feed_too_large")
    assert_error(posted, 413, "feed_too_large")


def test_an_article_the_translator_cannot_hold_is_text_too_long(settings: Settings) -> None:
    # An English-only summarizer (no instructions followed) has the article translated whole
    # first; a translator with a 300-token context cannot take a 650-character German article.
    summarizer = FakeBackend(scripted, name="english-only", follows_instructions=False)
    translator = FakeBackend(scripted, name="small-translator", context_tokens=300)
    factory = lambda s: Engine(s, summarizer=summarizer, translator=translator)  # noqa: E731
    german = (FIXTURES / "library.de.txt").read_text(encoding="utf-8")
    with TestClient(create_app(settings, engine_factory=factory)) as client:
        wait_ready(client)
        refused = client.post("/v1/summarize", json={"text": german, "targets": ["en"]})
        assert_error(refused, 413, "text_too_long")
        assert client.post("/v1/summarize", json={"text": ENGLISH, "targets": ["en"]}).is_success
    assert translator.requests == []  # refused before the model was asked


def test_too_many_queued_job_items_is_429_overloaded(settings: Settings) -> None:
    backend = BlockingBackend()  # the first group runs and holds the model; the rest wait
    items = [{"text": ENGLISH.replace("Tuesday", f"day {n}")} for n in range(4)]
    with app_with(settings.model_copy(update={"max_queued_job_items": 5}), backend) as client:
        wait_ready(client)
        assert job(client, items=items).status_code == 202
        assert backend.entered.wait(5)
        refused = job(client, items=items[:2])  # 4 unfinished + 2 > 5
        assert_error(refused, 429, "overloaded")
        assert int(refused.headers["retry-after"]) > 0
        assert job(client, items=items[:1]).status_code == 202  # 4 + 1 still fit
        backend.release.set()
