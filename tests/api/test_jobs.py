"""Background jobs through the API: lifecycle, paging, cancel, idempotency, the cache, webhooks,
requests served between job groups, and resuming after a restart."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from standardwebhooks import Webhook, WebhookVerificationError

from service.backends.base import GenerationRequest
from service.settings import Settings
from tests.api.support import (
    ENGLISH,
    BlockingBackend,
    app_with,
    assert_error,
    scripted,
    wait_for,
    wait_ready,
)
from tests.fakes import FakeBackend, task_of
from tests.feeds.server import LoopbackServer
from tests.news_feed import LINKED_PAGE, feed_ids, news_feed

JOB_SECRET = "whsec_" + base64.b64encode(b"per-job secret, 32 bytes long!!!").decode()
SERVER_SECRET = "whsec_" + base64.b64encode(b"the server's secret, 32 bytes..").decode()

ARTICLES = [ENGLISH.replace("Tuesday", f"day {n} of the month") for n in range(1, 6)]


def job_items(texts: list[str]) -> list[dict[str, str]]:
    return [{"text": text, "id": f"article-{n}"} for n, text in enumerate(texts)]


def finished(client: TestClient, location: str) -> dict[str, Any]:
    wait_for(lambda: client.get(location).json()["status"] not in ("queued", "running"))
    job: dict[str, Any] = client.get(location).json()
    return job


def test_job_lifecycle_and_paged_results(client: TestClient, backend: FakeBackend) -> None:
    texts = [*ARTICLES, " "]
    response = client.post("/v1/jobs", json={"items": job_items(texts), "targets": ["en", "zh"]})

    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert location == f"/v1/jobs/{response.json()['id']}"
    assert response.json()["status"] in ("queued", "running")
    assert "items" not in response.json()  # the per-item list is for GET
    job = finished(client, location)
    assert job["status"] == "done"
    assert job["progress"] == {
        "total": 6,
        "done": 5,
        "failed": 1,
        "cached": 0,
        "queued": 0,
        "running": 0,
        "cancelled": 0,
        "superseded": 0,
    }
    assert [item["state"] for item in job["items"]] == ["done"] * 5 + ["failed"]
    assert all(item["attempts"] == 1 for item in job["items"][:5])
    assert [len(b) for b in backend.batches_for("summarize")] == [2, 2, 1]

    pages, url = [], job["results"] + "?limit=4"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        pages.append(page.json())
        url = page.json()["next"]
        assert (page.headers.get("link") is not None) == (url is not None)
    assert [len(p["items"]) for p in pages] == [4, 2]
    assert pages[0]["next"] == f"{location}/results?offset=4&limit=4"
    results = [item for page in pages for item in page["items"]]
    assert [r["id"] for r in results] == [f"article-{n}" for n in range(6)]
    assert all(set(r["result"]["summaries"]) == {"en", "zh"} for r in results[:5])
    assert results[5]["result"] is None
    assert results[5]["error"]["code"] == "invalid_request"


def test_idempotency_key_returns_the_same_job(client: TestClient, backend: FakeBackend) -> None:
    body = {"items": job_items(ARTICLES[:2])}
    first = client.post("/v1/jobs", json=body, headers={"Idempotency-Key": "abc"})
    retry = client.post("/v1/jobs", json=body, headers={"Idempotency-Key": "abc"})

    assert first.status_code == retry.status_code == 202
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers["idempotent-replayed"] == "true"
    finished(client, first.headers["location"])
    assert len(backend.batches_for("summarize")) == 1

    other = {"items": job_items(ARTICLES[2:3])}
    assert_error(
        client.post("/v1/jobs", json=other, headers={"Idempotency-Key": "abc"}),
        409,
        "idempotency_conflict",
    )


def test_posting_the_same_items_again_is_answered_from_the_cache(
    client: TestClient, backend: FakeBackend
) -> None:
    first = client.post("/v1/jobs", json={"items": job_items(ARTICLES)})
    finished(client, first.headers["location"])
    calls = len(backend.requests)

    again = client.post("/v1/jobs", json={"items": job_items(ARTICLES)})
    job = finished(client, again.headers["location"])

    assert again.json()["id"] != first.json()["id"]
    assert job["progress"]["cached"] == job["progress"]["done"] == 5
    assert len(backend.requests) == calls  # no model call at all
    old = client.get(first.json()["results"]).json()["items"]
    new = client.get(job["results"]).json()["items"]
    assert [i["result"] for i in new] == [i["result"] for i in old]
    assert all(i["cached"] for i in new)


def test_cancel_runs_no_more_items(settings: Settings) -> None:
    backend = BlockingBackend()
    with app_with(settings, backend) as client:
        wait_ready(client)
        location = client.post("/v1/jobs", json={"items": job_items(ARTICLES)}).headers["location"]
        assert backend.entered.wait(5)

        assert_error(client.delete(location), 409, "job_not_finished")
        cancelled = client.post(f"{location}/cancel")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        backend.release.set()
        wait_for(lambda: client.get(location).json()["progress"]["running"] == 0)

        job = client.get(location).json()
        assert job["status"] == "cancelled"
        assert [i["state"] for i in job["items"]] == ["done"] * 2 + ["cancelled"] * 3
        assert len(backend.batches_for("summarize")) == 1
        assert client.post(f"{location}/cancel").json()["status"] == "cancelled"
        assert client.delete(location).status_code == 204
        assert_error(client.get(location), 404, "job_not_found")


def test_openapi_describes_batch_and_jobs(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/summarize/batch",
        "/v1/jobs",
        "/v1/jobs/{job_id}",
        "/v1/jobs/{job_id}/results",
    } <= set(paths)
    assert set(paths["/v1/jobs/{job_id}"]) == {"get", "delete"}
    assert set(paths["/v1/jobs/{job_id}/cancel"]) == {"post"}


def test_job_errors_use_the_one_error_shape(client: TestClient) -> None:
    items = job_items(ARTICLES[:1])
    assert_error(client.get("/v1/jobs/nope"), 404, "job_not_found")
    assert_error(client.delete("/v1/jobs/nope"), 404, "job_not_found")
    assert_error(client.post("/v1/jobs/nope/cancel"), 404, "job_not_found")
    assert_error(client.get("/v1/jobs/nope/results"), 404, "job_not_found")
    assert_error(
        client.post("/v1/jobs", json={"items": items, "webhook_url": "http://127.0.0.1:1/"}),
        422,
        "webhook_secret_required",
    )
    assert_error(
        client.post("/v1/jobs", json={"items": items, "webhook_url": "file:///etc/passwd"}),
        422,
        "invalid_request",
    )
    assert_error(
        client.post("/v1/jobs", json={"items": items, "feed_url": "http://x"}),
        422,
        "invalid_request",
    )
    assert_error(client.post("/v1/jobs", json={}), 422, "invalid_request")
    assert_error(client.post("/v1/jobs", json={"items": items * 13}), 413, "too_many_items")
    location = client.post("/v1/jobs", json={"items": items}).headers["location"]
    finished(client, location)
    assert_error(client.post(f"{location}/cancel"), 409, "job_finished")
    assert_error(client.get(f"{location}/results?limit=101"), 422, "invalid_request")
    assert client.delete(location).status_code == 204  # a finished job, its results gone
    assert_error(client.get(f"{location}/results"), 404, "job_not_found")
    assert_error(client.delete(location), 404, "job_not_found")


@pytest.fixture
def feed_server() -> Iterator[LoopbackServer]:
    with LoopbackServer("127.0.0.1") as server:
        server.serve("/articles/lighthouse.html", LINKED_PAGE.read_bytes(), "text/html")
        server.serve("/news.xml", news_feed(server.base), "application/rss+xml")
        yield server


def test_a_feed_url_becomes_a_job_of_its_items(
    client: TestClient, feed_server: LoopbackServer
) -> None:
    response = client.post("/v1/jobs", json={"feed_url": feed_server.url("/news.xml")})

    assert response.status_code == 202, response.text
    assert response.json()["source"] == {
        "feed_url": feed_server.url("/news.xml"),
        "feed_title": "Riverton Wire",
    }
    job = finished(client, response.headers["location"])
    assert job["status"] == "done"
    assert (job["progress"]["done"], job["progress"]["failed"]) == (4, 1)
    results = client.get(job["results"]).json()["items"]
    assert [r["id"] for r in results] == feed_ids()
    assert results[0]["title"] == "Harbor Bridge"
    assert results[0]["link"] == feed_server.url("/news/harbor-bridge.en.txt")
    assert [r["result"]["source_language"] for r in results[:3]] == ["en", "de", "zh-Hans"]
    assert results[3]["result"]["source_language"] == "en"  # the linked page's text
    assert results[4]["error"]["code"] == "empty_item"
    assert "/articles/lighthouse.html" in feed_server.requested


def test_a_posted_feed_document_becomes_a_job(
    client: TestClient, feed_server: LoopbackServer
) -> None:
    document = news_feed(feed_server.base).decode("utf-8")
    response = client.post("/v1/jobs", json={"feed": document, "targets": ["en"]})

    assert response.status_code == 202, response.text
    assert response.json()["source"] == {"feed": "posted", "feed_title": "Riverton Wire"}
    job = finished(client, response.headers["location"])
    assert job["progress"]["total"] == 5 and job["progress"]["done"] == 4


def test_bad_feeds_and_internal_addresses_are_refused(
    client: TestClient, settings: Settings, backend: FakeBackend, feed_server: LoopbackServer
) -> None:
    assert_error(client.post("/v1/jobs", json={"feed": "not a feed"}), 422, "feed_unreadable")
    assert_error(
        client.post("/v1/jobs", json={"feed_url": feed_server.url("/missing.xml")}),
        502,
        "fetch_failed",
    )
    assert_error(client.post("/v1/jobs", json={"feed": "x" * 5_001}), 413, "request_too_large")
    closed = settings.model_copy(update={"fetch_allow": []})
    with app_with(closed, backend) as guarded:
        wait_ready(guarded)
        assert_error(
            guarded.post("/v1/jobs", json={"feed_url": feed_server.url("/news.xml")}),
            400,
            "fetch_refused",
        )
        assert_error(
            guarded.post(
                "/v1/jobs",
                json={
                    "items": job_items(ARTICLES[:1]),
                    "webhook_url": "http://127.0.0.1:9/hook",
                    "webhook_secret": JOB_SECRET,
                },
            ),
            422,
            "webhook_refused",
        )
    assert feed_server.requested == ["/missing.xml"]


class Receiver:
    """A webhook receiver on loopback that fails its first answers as told."""

    def __init__(self, fail_first: int) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.delivered = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.calls.append((dict(self.headers), body))
                ok = len(receiver.calls) > fail_first
                self.send_response(200 if ok else 503)
                self.end_headers()
                if ok:
                    receiver.delivered.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(fail_first=1)
    yield receiver
    receiver.server.shutdown()


def test_webhook_is_signed_and_retried(client: TestClient, receiver: Receiver) -> None:
    response = client.post(
        "/v1/jobs",
        json={
            "items": job_items(ARTICLES[:2]),
            "webhook_url": receiver.url,
            "webhook_secret": JOB_SECRET,
        },
    )
    assert "webhook_secret" not in response.text
    assert receiver.delivered.wait(10)

    assert len(receiver.calls) == 2
    headers, body = receiver.calls[-1]
    payload = Webhook(JOB_SECRET).verify(body, headers)  # the official Standard Webhooks check
    with pytest.raises(WebhookVerificationError):
        Webhook(SERVER_SECRET).verify(body, headers)
    assert "X-Lingosum-Signature" not in headers
    assert receiver.calls[0][0]["webhook-id"] == headers["webhook-id"]  # one message, retried
    assert payload["event"] == "job.finished"
    assert payload["job"]["id"] == response.json()["id"]
    assert payload["job"]["status"] == "done"
    assert payload["job"]["progress"]["done"] == 2
    location = response.headers["location"]
    wait_for(lambda: client.get(location).json()["webhook"]["status"] == "delivered")


def test_server_secret_signs_webhooks_of_jobs_without_their_own(
    settings: Settings, backend: FakeBackend, receiver: Receiver
) -> None:
    signed = settings.model_copy(update={"webhook_secret": SecretStr(SERVER_SECRET)})
    with app_with(signed, backend) as client:
        wait_ready(client)
        client.post(
            "/v1/jobs", json={"items": job_items(ARTICLES[:1]), "webhook_url": receiver.url}
        )
        assert receiver.delivered.wait(10)
    headers, body = receiver.calls[-1]
    assert Webhook(SERVER_SECRET).verify(body, headers)["event"] == "job.finished"


def test_a_webhook_secret_must_be_a_whsec_secret(client: TestClient, settings: Settings) -> None:
    response = client.post(
        "/v1/jobs",
        json={
            "items": job_items(ARTICLES[:1]),
            "webhook_url": "http://127.0.0.1:9/hook",
            "webhook_secret": "a plain password",
        },
    )
    assert_error(response, 422, "invalid_request")
    assert "whsec_" in response.json()["error"]["message"]
    with pytest.raises(ValueError, match="whsec_") as refused:
        Settings(**{**settings.model_dump(), "webhook_secret": "a plain password"})
    assert "a plain password" not in str(refused.value)  # the error never shows the secret


class SlowBackend(FakeBackend):
    """Takes a little time per call and records which article each summarize call was for."""

    def __init__(self) -> None:
        super().__init__(scripted)
        self.summarized: list[str] = []

    def generate(self, requests):  # type: ignore[no-untyped-def]
        time.sleep(0.05)
        for request in requests:
            if task_of(request) == "summarize":
                self.summarized.append(_marker(request))
        return super().generate(requests)


def _marker(request: GenerationRequest) -> str:
    return "single" if "single request" in request.text else "job"


def test_single_requests_are_served_between_job_groups(settings: Settings) -> None:
    backend = SlowBackend()
    one_at_a_time = settings.model_copy(update={"job_group_size": 1})
    texts = [ENGLISH.replace("Tuesday", f"day {n}") for n in range(10)]
    with app_with(one_at_a_time, backend) as client:
        wait_ready(client)
        location = client.post("/v1/jobs", json={"items": job_items(texts)}).headers["location"]
        wait_for(lambda: client.get(location).json()["progress"]["done"] >= 1)

        single = client.post("/v1/summarize", json={"text": ENGLISH + " A single request."})

        assert single.status_code == 200
        assert client.get(location).json()["progress"]["done"] < 10
        position = backend.summarized.index("single")
        assert 0 < position < len(texts)
        assert finished(client, location)["progress"]["done"] == 10


def test_a_restarted_server_resumes_the_job(settings: Settings) -> None:
    blocking = BlockingBackend()
    client = app_with(settings, blocking).__enter__()
    wait_ready(client)
    location = client.post("/v1/jobs", json={"items": job_items(ARTICLES)}).headers["location"]
    assert blocking.entered.wait(5)
    assert client.get(location).json()["progress"]["running"] == 2
    worker = client.app.state.jobs.worker  # type: ignore[attr-defined]
    shutdown = threading.Thread(target=client.__exit__, args=(None, None, None))
    shutdown.start()  # stops the worker while its first group is still on the model
    wait_for(lambda: not worker.running)
    blocking.release.set()
    shutdown.join(10)

    backend = FakeBackend(scripted)
    with app_with(settings, backend) as client:
        wait_ready(client)
        job = finished(client, location)
    assert job["status"] == "done"
    assert job["progress"]["done"] == 5
    attempts = [item["attempts"] for item in job["items"]]
    assert attempts == [2, 2, 1, 1, 1]  # the interrupted group was redone, nothing else
    assert len(backend.batches_for("summarize")) == 3
