"""POST /v1/summarize/batch: results in order, one error per bad item, request-level limits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from service.settings import Settings
from tests.api.support import ENGLISH, BlockingBackend, app_with, assert_error, wait_ready
from tests.fakes import FakeBackend

GERMAN = (
    "Die Stadt Riverton hat am Dienstag ihre neue Hafenbrücke eröffnet. Die Brücke kostete "
    "310 Millionen Dollar und ist 1.200 Meter lang."
)


def test_results_come_in_order_and_a_bad_item_fails_alone(
    client: TestClient, backend: FakeBackend
) -> None:
    response = client.post(
        "/v1/summarize/batch",
        json={
            "items": [
                {"text": ENGLISH, "id": "first", "title": "Bridge"},
                {"text": " ", "id": "blank"},
                {"text": ENGLISH.replace("Tuesday", "Monday")},
                {"text": GERMAN, "id": "de"},
            ],
            "targets": ["en", "zh"],
        },
    )

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["index"], i["id"]) for i in items] == [
        (0, "first"),
        (1, "blank"),
        (2, "2"),
        (3, "de"),
    ]
    assert all(items[i]["error"] is None for i in (0, 2, 3))
    assert [items[i]["result"]["source_language"] for i in (0, 2, 3)] == ["en", "en", "de"]
    assert set(items[3]["result"]["summaries"]) == {"en", "zh"}
    assert items[1] == {
        "index": 1,
        "id": "blank",
        "result": None,
        "error": {"code": "invalid_request", "message": "text: text is empty"},
    }
    # the two English articles shared one summarize call
    assert sorted(len(b) for b in backend.batches_for("summarize")) == [1, 2]


def test_a_batch_item_has_the_single_route_shape(client: TestClient) -> None:
    single = client.post("/v1/summarize", json={"text": ENGLISH, "targets": ["zh-Hant"]}).json()
    [item] = client.post(
        "/v1/summarize/batch", json={"items": [{"text": ENGLISH}], "targets": ["zh-Hant"]}
    ).json()["items"]

    assert set(item["result"]) == set(single)
    assert item["result"]["summaries"] == single["summaries"]
    assert [s["stage"] for s in item["result"]["route"]] == [s["stage"] for s in single["route"]]


def test_item_level_problems_that_would_refuse_a_single_request(client: TestClient) -> None:
    items = [
        {"text": "x" * 2_001},
        {"text": 42},
        "not an object",
        {"text": ENGLISH, "source_language": "klingon"},
    ]
    response = client.post("/v1/summarize/batch", json={"items": items})

    assert response.status_code == 200, response.text
    errors = [i["error"]["code"] for i in response.json()["items"]]
    assert errors == [
        "text_too_large",
        "invalid_request",
        "invalid_request",
        "unsupported_language",
    ]
    assert response.json()["items"][1]["error"]["message"].startswith("text:")
    missing = client.post("/v1/summarize/batch", json={"items": [{"title": "no text"}]})
    assert missing.json()["items"][0]["error"]["message"] == "text: Field required"


def test_request_limits_refuse_the_whole_batch(client: TestClient, backend: FakeBackend) -> None:
    assert_error(
        client.post("/v1/summarize/batch", json={"items": [{"text": ENGLISH}] * 5}),
        413,
        "too_many_items",
    )
    big = {"text": "word " * 399}  # under the item limit (2,000), over the request's (5,000)
    assert_error(
        client.post("/v1/summarize/batch", json={"items": [big] * 3}), 413, "request_too_large"
    )
    assert_error(client.post("/v1/summarize/batch", json={"items": []}), 422, "invalid_request")
    assert_error(
        client.post("/v1/summarize/batch", json={"items": [{"text": ENGLISH}], "targets": ["fr"]}),
        422,
        "unsupported_target",
    )
    assert backend.requests == []


def test_a_batch_is_refused_with_429_while_too_much_text_waits(settings: Settings) -> None:
    backend = BlockingBackend()
    text = "The harbor bridge opened on Tuesday after four years of work. " * 25  # 1,550
    with app_with(settings, backend) as client, ThreadPoolExecutor(2) as pool:
        wait_ready(client)
        first = pool.submit(client.post, "/v1/summarize/batch", json={"items": [{"text": text}]})
        assert backend.entered.wait(5)  # its text is counted as waiting before the model runs
        busy = client.post("/v1/summarize/batch", json={"items": [{"text": text}]})
        assert_error(busy, 429, "overloaded")
        assert int(busy.headers["retry-after"]) > 0
        backend.release.set()
        assert first.result(10).status_code == 200
        assert (
            client.post("/v1/summarize/batch", json={"items": [{"text": text}]}).status_code == 200
        )
