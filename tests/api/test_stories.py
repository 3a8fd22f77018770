"""Story revisions: items and single requests that name a CMS story (`external_id`) and its
revision. Newer revisions supersede queued older ones, an unchanged text costs no model work,
the latest summaries are kept per key, and the webhook says which story and revision."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from service.settings import Settings
from tests.api.support import (
    ENGLISH,
    BlockingBackend,
    app_with,
    assert_error,
    create_key,
    wait_for,
    wait_ready,
)
from tests.api.test_jobs import Receiver, finished

SECRET = "whsec_" + base64.b64encode(b"a CMS's webhook secret, 32 bytes").decode()
SAVES = [ENGLISH.replace("Tuesday", day) for day in ("Friday", "Saturday", "Sunday")]


def save(client: TestClient, text: str, revision: int, **extra: Any) -> str:
    item = {"text": text, "external_id": "story-7", "revision": revision}
    response = client.post("/v1/jobs", json={"items": [item], "targets": ["en"], **extra})
    assert response.status_code == 202, response.text
    location: str = response.headers["location"]
    return location


@pytest.fixture
def blocking() -> BlockingBackend:
    return BlockingBackend()


@pytest.fixture
def blocked(settings: Settings, blocking: BlockingBackend) -> Iterator[TestClient]:
    """A client whose model holds its first call until `blocking.release` is set."""
    with app_with(settings, blocking) as client:
        blocking.release.set()
        wait_ready(client)
        blocking.release.clear()
        yield client
        blocking.release.set()


def test_three_quick_saves_summarize_only_the_last(
    blocked: TestClient, blocking: BlockingBackend, receiver: Receiver
) -> None:
    busy = blocked.post("/v1/jobs", json={"items": [{"text": ENGLISH}], "targets": ["en"]})
    assert blocking.entered.wait(5)  # the worker is busy: the saves wait in the queue
    first, second = (save(blocked, text, n) for n, text in enumerate(SAVES[:2], 1))
    last = save(blocked, SAVES[2], 3, webhook_url=receiver.url, webhook_secret=SECRET)
    blocking.release.set()

    jobs = [finished(blocked, location) for location in (first, second, last)]
    states = [job["items"][0]["state"] for job in jobs]
    assert states == ["superseded", "superseded", "done"]
    assert jobs[0]["progress"]["superseded"] == 1 and jobs[0]["status"] == "done"
    assert finished(blocked, busy.headers["location"])["status"] == "done"
    summarized = [r.text for r in blocking.requests if r.text in SAVES]
    assert set(summarized) == {SAVES[2]}  # the superseded texts never reached the model

    document = blocked.get("/v1/documents/story-7")
    assert document.status_code == 200, document.text
    body = document.json()
    assert (body["external_id"], body["revision"], body["job"]) == ("story-7", 3, jobs[2]["id"])
    assert body["result"]["summaries"]["en"]["text"]
    assert body["made_at"].endswith("+00:00")

    assert receiver.delivered.wait(10)
    headers, raw = receiver.calls[-1]
    event = Webhook(SECRET).verify(raw, headers)
    assert event["stories"] == [
        {"index": 0, "id": "0", "state": "done", "external_id": "story-7", "revision": 3}
    ]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(fail_first=0)
    yield receiver
    receiver.server.shutdown()


def test_an_older_revision_is_superseded_on_arrival(
    blocked: TestClient, blocking: BlockingBackend
) -> None:
    blocked.post("/v1/jobs", json={"items": [{"text": ENGLISH}], "targets": ["en"]})
    assert blocking.entered.wait(5)
    newer = save(blocked, SAVES[1], 5)
    older = save(blocked, SAVES[0], 4)
    blocking.release.set()
    assert finished(blocked, newer)["items"][0]["state"] == "done"
    assert finished(blocked, older)["items"][0]["state"] == "superseded"
    assert blocked.get("/v1/documents/story-7").json()["revision"] == 5


def test_an_unchanged_text_costs_no_model_work(client: TestClient, backend: Any) -> None:
    finished(client, save(client, SAVES[0], 1))
    calls = len(backend.requests)
    again = finished(client, save(client, SAVES[0], 2))
    assert again["items"][0] == {
        "index": 0,
        "id": "0",
        "state": "done",
        "cached": True,
        "attempts": 0,
        "external_id": "story-7",
        "revision": 2,
    }
    single = {"text": SAVES[0], "targets": ["en"], "external_id": "story-7", "revision": 3}
    answered = client.post("/v1/summarize", json=single)
    assert answered.status_code == 200, answered.text
    assert len(backend.requests) == calls  # neither the job nor the request ran the model
    assert client.get("/v1/documents/story-7").json()["revision"] == 3


def test_a_single_request_records_the_story(client: TestClient, backend: Any) -> None:
    body = {"text": SAVES[1], "targets": ["en", "zh"], "external_id": "story-9", "revision": 2}
    answered = client.post("/v1/summarize", json=body)
    assert answered.status_code == 200, answered.text
    document = client.get("/v1/documents/story-9").json()
    assert (document["revision"], document["job"]) == (2, None)
    assert document["result"]["summaries"] == answered.json()["summaries"]
    older = client.post("/v1/summarize", json={**body, "text": SAVES[0], "revision": 1})
    assert older.status_code == 200  # answered, but not kept over the newer revision
    assert client.get("/v1/documents/story-9").json()["result"] == document["result"]
    assert_error(client.get("/v1/documents/nothing"), 404, "document_not_found")
    assert_error(
        client.post("/v1/summarize", json={"text": ENGLISH, "revision": 1}), 422, "invalid_request"
    )


def test_documents_are_scoped_to_the_key_that_made_them(
    settings: Settings, backend: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = {
        name: create_key(settings.data_dir, capsys, name, *extra)
        for name, extra in (("cms", ()), ("other", ()), ("boss", ("--admin",)))
    }

    def as_key(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[name]}"}

    with app_with(settings, backend) as client:
        wait_ready(client)
        body = {"text": ENGLISH, "targets": ["en"], "external_id": "story-1", "revision": 1}
        assert client.post("/v1/summarize", json=body, headers=as_key("cms")).status_code == 200
        wait_for(lambda: client.get("/v1/documents/story-1", headers=as_key("cms")).is_success)
        assert_error(
            client.get("/v1/documents/story-1", headers=as_key("other")), 404, "document_not_found"
        )
        assert client.get("/v1/documents/story-1", headers=as_key("boss")).status_code == 200


def test_a_streamed_request_records_the_story_before_done(client: TestClient) -> None:
    """An editor's page streams the summary as the story is saved; the CMS reads it back."""
    body = {"text": SAVES[2], "targets": ["en"], "external_id": "story-3", "revision": 4}
    with client.stream(
        "POST", "/v1/summarize", json=body, headers={"Accept": "text/event-stream"}
    ) as response:
        assert response.status_code == 200
        lines = [line for line in response.iter_lines() if line.startswith("data:")]
    done = json.loads(lines[-1].removeprefix("data:"))
    document = client.get("/v1/documents/story-3").json()
    assert (document["revision"], document["job"]) == (4, None)
    assert document["result"]["summaries"] == done["summaries"]
