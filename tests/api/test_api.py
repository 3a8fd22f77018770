"""The HTTP API through the ASGI app with its lifespan running, on a scripted backend."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.pipeline.engine import Engine
from service.settings import Settings
from tests.api.support import (
    ENGLISH,
    BlockingBackend,
    app_with,
    assert_error,
    wait_for,
    wait_ready,
)
from tests.fakes import FakeBackend


def test_summarize_returns_both_summaries_and_the_route(client: TestClient) -> None:
    response = client.post("/v1/summarize", json={"text": ENGLISH})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source_language"] == "en"
    assert body["language_detected"] is True
    assert 0 < body["language_confidence"] <= 1
    assert set(body["summaries"]) == {"en", "zh"}
    assert body["summaries"]["zh"]["language"] == "zh-Hans"
    assert "1,200-meter" in body["summaries"]["en"]["text"]
    assert [step["stage"] for step in body["route"]] == [
        "detect",
        "summarize",
        "guard",  # the draft states "4 years", which the article does not: a revision is asked
        "translate",
        "finalize",
    ]
    guard = body["route"][2]
    assert (guard["source"], guard["target"], guard["model"]) == ("en", "en", "fake")
    translate = body["route"][3]
    assert (translate["source"], translate["target"], translate["model"]) == (
        "en",
        "zh-Hans",
        "fake",
    )
    assert all(step["ms"] >= 0 for step in body["route"])
    assert body["chunks"] == 1


def test_unsupported_number_is_dropped_and_reported(client: TestClient) -> None:
    body = client.post("/v1/summarize", json={"text": ENGLISH, "targets": ["en"]}).json()

    assert "4 years" not in body["summaries"]["en"]["text"]
    assert any("number 4," in w and "rewrite did no better" in w for w in body["warnings"])
    assert any("(4)" in warning for warning in body["warnings"])
    assert body["summaries"]["en"]["checks"]["unsupported_numbers"] == []


def test_traditional_chinese_on_request_and_source_override(client: TestClient) -> None:
    body = client.post(
        "/v1/summarize",
        json={"text": ENGLISH, "targets": ["zh-Hant"], "source_language": "EN", "length": "short"},
    ).json()

    assert set(body["summaries"]) == {"zh-Hant"}
    assert "開通" in body["summaries"]["zh-Hant"]["text"]
    assert body["language_detected"] is False
    assert body["language_confidence"] == 1.0


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"text": ""}, 422, "invalid_request"),
        ({"text": " \n\t "}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
        ({"text": 42}, 422, "invalid_request"),
        ({"text": ["a"]}, 422, "invalid_request"),
        ({"text": ENGLISH, "targets": ["fr"]}, 422, "unsupported_target"),
        ({"text": ENGLISH, "targets": []}, 422, "invalid_request"),
        ({"text": ENGLISH, "source_language": "klingon"}, 422, "unsupported_language"),
        ({"text": ENGLISH, "length": "huge"}, 422, "invalid_request"),
        ({"text": "x" * 2_001}, 413, "text_too_large"),
    ],
)
def test_bad_requests_get_one_error_shape_and_run_no_model(
    client: TestClient, backend: FakeBackend, payload: dict[str, object], status: int, code: str
) -> None:
    assert_error(client.post("/v1/summarize", json=payload), status, code)
    assert backend.requests == []
    assert client.post("/v1/summarize", json={"text": ENGLISH}).status_code == 200


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        (b"{not json", {"content-type": "application/json"}, 400, "invalid_json"),
        (bytes(range(256)) * 4, {"content-type": "application/json"}, 400, "invalid_json"),
        (b"\xff\xfe\x00garbage", {"content-type": "application/json"}, 400, "invalid_json"),
        (
            b'{"text": "' + b"a" * 100_000 + b'"}',
            {"content-type": "application/json"},
            413,
            "body_too_large",
        ),
    ],
)
def test_malformed_bodies(
    client: TestClient, body: bytes, headers: dict[str, str], status: int, code: str
) -> None:
    assert_error(client.post("/v1/summarize", content=body, headers=headers), status, code)
    assert client.get("/healthz").json() == {"status": "ok"}


def test_unknown_path_and_method_use_the_error_shape(client: TestClient) -> None:
    assert_error(client.get("/v1/nothing"), 404, "not_found")
    assert_error(client.get("/v1/summarize"), 405, "method_not_allowed")


def test_detect_languages_and_docs(client: TestClient) -> None:
    assert client.post("/v1/detect", json={"text": "日本面臨24%的關稅"}).json() == {
        "language": "zh-Hant",
        "confidence": pytest.approx(1.0),
    }
    assert_error(
        client.post("/v1/detect", json={"text": "12345 !!!"}), 422, "undetectable_language"
    )
    languages = {lang["code"]: lang for lang in client.get("/v1/languages").json()}
    assert languages["zh-Hant"]["target"] and not languages["fr"]["target"]
    assert {"ja", "ko", "de", "es", "fr"} <= set(languages)
    assert "/v1/summarize" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_model_calls_leave_the_event_loop_free_and_overload_gets_429(settings: Settings) -> None:
    backend = BlockingBackend()
    with app_with(settings, backend) as client, ThreadPoolExecutor(4) as pool:
        wait_ready(client)
        first = pool.submit(client.post, "/v1/summarize", json={"text": ENGLISH})
        assert backend.entered.wait(5)
        second = pool.submit(client.post, "/v1/summarize", json={"text": ENGLISH})
        wait_for(lambda: client.app.state.runner.pending == 2)  # the second waits its turn
        assert client.get("/healthz").status_code == 200  # the loop still answers
        overloaded = client.post("/v1/summarize", json={"text": ENGLISH})
        assert_error(overloaded, 429, "overloaded")
        assert int(overloaded.headers["retry-after"]) > 0
        backend.release.set()
        assert first.result(10).status_code == 200
        assert second.result(10).status_code == 200  # accepted work is not lost


class SlowStartEngine(Engine):
    loaded = threading.Event()

    def start(self) -> None:
        assert self.loaded.wait(10)
        super().start()


def test_readyz_waits_for_the_models(settings: Settings, backend: FakeBackend) -> None:
    factory = lambda s: SlowStartEngine(s, summarizer=backend, translator=backend)  # noqa: E731
    with TestClient(create_app(settings, engine_factory=factory)) as client:
        assert client.get("/healthz").status_code == 200
        assert_error(client.get("/readyz"), 503, "not_ready")
        assert_error(client.post("/v1/summarize", json={"text": ENGLISH}), 503, "not_ready")
        SlowStartEngine.loaded.set()
        wait_ready(client)
        assert client.post("/v1/summarize", json={"text": ENGLISH}).status_code == 200


def test_missing_model_is_reported_with_how_to_get_it(settings: Settings, tmp_path: Path) -> None:
    missing = settings.model_copy(update={"model_dir": tmp_path / "empty"})
    with TestClient(create_app(missing)) as client:
        deadline = time.monotonic() + 10
        while (response := client.get("/readyz")).json()["error"]["code"] == "not_ready":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert_error(response, 503, "model_not_available")
        assert "lingosum models pull" in response.json()["error"]["message"]
        assert_error(
            client.post("/v1/summarize", json={"text": ENGLISH}), 503, "model_not_available"
        )
        assert client.get("/healthz").status_code == 200
