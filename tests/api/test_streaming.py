"""`POST /v1/summarize` with `Accept: text/event-stream`: the events, their order, the final
body, the same refusals as the JSON route, and a client that goes away."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx_sse import connect_sse

from service.api import events as sse
from service.backends.base import Generation, GenerationRequest
from service.settings import Settings
from tests.api.live import live_server
from tests.api.support import (
    ENGLISH,
    BlockingBackend,
    app_with,
    assert_error,
    create_key,
    scripted,
    wait_ready,
)
from tests.api.test_access import bearer
from tests.fakes import StreamingBackend, task_of

STREAM = {"Accept": "text/event-stream"}


def events_of(client: httpx.Client | TestClient, body: dict[str, Any], **headers: str) -> list:
    with connect_sse(client, "POST", "/v1/summarize", json=body, headers=headers) as source:  # type: ignore[arg-type]
        assert source.response.headers["content-type"].startswith("text/event-stream")
        return [(event.event, json.loads(event.data)) for event in source.iter_sse()]


def without_timings(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: without_timings(v) for k, v in body.items() if k not in ("ms", "prefill_ms")}
    if isinstance(body, list):
        return [without_timings(v) for v in body]
    return body


@pytest.fixture
def streaming(settings: Settings) -> Iterator[TestClient]:
    with app_with(settings, StreamingBackend(scripted)) as client:
        wait_ready(client)
        yield client


def test_events_come_in_order_and_done_is_the_json_body(streaming: TestClient) -> None:
    body = {"text": ENGLISH, "targets": ["en", "zh"]}
    events = events_of(streaming, body)
    names = [name for name, _ in events]
    assert names[0] == "detected" and events[0][1]["source_language"] == "en"
    assert names[-1] == "done"
    en_final, zh_final = names.index("summary"), len(names) - 1 - names[::-1].index("summary")
    # English is drafted and final before the Chinese translation is drafted
    assert {n for n in names[1:en_final]} == {"delta"}
    assert all(data["target"] == "en" for _, data in events[1:en_final])
    assert events[en_final][1]["target"] == "en"
    assert all(data["target"] == "zh" for _, data in events[en_final + 1 : zh_final])
    assert names[en_final + 1 : zh_final] and set(names[en_final + 1 : zh_final]) == {"delta"}
    assert events[zh_final][1]["target"] == "zh"
    # the guard revised the first English draft (it states "4 years"): a second draft
    assert {
        data["draft"] for name, data in events if name == "delta" and data["target"] == "en"
    } == {1, 2}
    done = events[-1][1]
    plain = streaming.post("/v1/summarize", json=body)
    assert plain.status_code == 200
    assert without_timings(done) == without_timings(plain.json())
    for name, data in events:
        if name == "summary":
            summary = done["summaries"][data["target"]]
            assert {k: data[k] for k in summary} == summary
            assert isinstance(data["warnings"], list)


def test_drafts_add_up_to_the_text_the_model_wrote(streaming: TestClient) -> None:
    events = events_of(streaming, {"text": ENGLISH, "targets": ["zh"]})
    drafts = "".join(
        data["text"] for name, data in events if name == "delta" and data["target"] == "zh"
    )
    assert drafts == scripted_translation()
    assert [name for name, _ in events].count("summary") == 1


def scripted_translation() -> str:
    return "里弗顿开通了一座长1200米、耗资3.1亿美元的大桥。"


def test_a_given_source_language_is_not_detected(streaming: TestClient) -> None:
    events = events_of(streaming, {"text": ENGLISH, "targets": ["en"], "source_language": "en"})
    assert events[0][0] == "delta"
    assert events[-1][1]["language_detected"] is False


def test_refusals_are_json_errors_as_on_the_plain_route(settings: Settings) -> None:
    backend = BlockingBackend()
    with app_with(settings.model_copy(update={"max_pending_requests": 1}), backend) as client:
        wait_ready(client)
        too_long = client.post("/v1/summarize", json={"text": "x " * 1500}, headers=STREAM)
        assert_error(too_long, 413, "text_too_large")
        blank = client.post("/v1/summarize", json={"text": " "}, headers=STREAM)
        assert blank.status_code == 422
        waiting = threading.Thread(
            target=client.post, args=("/v1/summarize",), kwargs={"json": {"text": ENGLISH}}
        )
        waiting.start()
        assert backend.entered.wait(5)
        overloaded = client.post("/v1/summarize", json={"text": ENGLISH}, headers=STREAM)
        assert_error(overloaded, 429, "overloaded")
        assert overloaded.headers["retry-after"] == "10"
        backend.release.set()
        waiting.join(10)
        assert not waiting.is_alive()


def test_heartbeat_comments_keep_a_quiet_stream_open(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sse, "HEARTBEAT_S", 0.05)
    with app_with(settings, StreamingBackend(scripted, delay=0.05)) as client:
        wait_ready(client)
        with client.stream(
            "POST", "/v1/summarize", json={"text": ENGLISH}, headers=STREAM
        ) as response:
            lines = list(response.iter_lines())
    assert any(line.startswith(": heartbeat") for line in lines)
    assert "event: done" in lines


class HeldUntilCancelled(StreamingBackend):
    """Writes the first word of each answer, then holds the model until the request is
    cancelled (HOLD_S at most, then it ends as if it had written everything): a call that
    reports a cancel was stopped because its client went away, however slow the machine."""

    HOLD_S = 30.0

    def _one(self, request: GenerationRequest) -> Generation:
        assert request.progress is not None
        first = self._respond(request).split(" ")[0]
        request.progress.on_text(first)
        deadline = time.monotonic() + self.HOLD_S
        while not request.progress.cancelled():
            if time.monotonic() > deadline:
                return Generation(self._respond(request), False, 1, 1)
            time.sleep(0.01)
        self.cancelled_calls += 1
        return Generation(first, False, 1, 1)


def test_a_client_that_goes_away_frees_the_model_for_the_next_request(settings: Settings) -> None:
    # Every model call holds the model until its request is cancelled: the next request is
    # served only because the server stopped the abandoned one when its client left.
    backend = HeldUntilCancelled(scripted)
    with (
        live_server(settings, backend, 8171) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        with connect_sse(client, "POST", "/v1/summarize", json={"text": ENGLISH}) as source:
            for event in source.iter_sse():
                if event.event == "delta":
                    break
        next_events = []
        with connect_sse(
            client, "POST", "/v1/summarize", json={"text": ENGLISH, "targets": ["en"]}
        ) as source:
            for event in source.iter_sse():
                next_events.append((event.event, json.loads(event.data)))
                if event.event == "delta":
                    break
    assert backend.cancelled_calls == 2  # both runs stopped as their clients went away
    assert len(backend.batches) == 2  # the abandoned request made no further model call
    # it waited behind the abandoned run until that stopped, or came once it had
    places = [data["position"] for name, data in next_events if name == "queued"]
    assert places in ([1, 0], [])
    assert next_events[-1][0] == "delta"


def test_keys_quotas_and_usage_as_on_the_plain_route(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    key = create_key(settings.data_dir, capsys, "cms", "--chars-per-day", str(len(ENGLISH) + 10))
    with app_with(settings, StreamingBackend(scripted)) as client:
        wait_ready(client)
        assert_error(
            client.post("/v1/summarize", json={"text": ENGLISH}, headers=STREAM),
            401,
            "unauthorized",
        )
        with client.stream(
            "POST", "/v1/summarize", json={"text": ENGLISH}, headers={**STREAM, **bearer(key)}
        ) as response:
            assert response.status_code == 200
            assert response.headers["ratelimit-remaining"] == "10"
            assert "event: done" in list(response.iter_lines())
        refused = client.post(
            "/v1/summarize", json={"text": ENGLISH}, headers={**STREAM, **bearer(key)}
        )
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["retry-after"]) > 0
        [today] = client.get("/v1/usage", headers=bearer(key)).json()["usage"]
    assert today["characters"] == len(ENGLISH)
    assert today["tokens"] > 0  # the streamed run's model work is recorded


def test_finalize_word_translations_are_not_drafts(settings: Settings) -> None:
    def respond(request: GenerationRequest) -> str:
        task = task_of(request)
        if task == "translate":
            return "里弗顿开通了一座新的bridge。"
        return "大桥" if task != "summarize" else "Riverton opened a bridge."

    with app_with(settings, StreamingBackend(respond)) as client:
        wait_ready(client)
        events = events_of(client, {"text": ENGLISH, "targets": ["en", "zh"]})
    zh = [data for name, data in events if name == "delta" and data["target"] == "zh"]
    assert "".join(d["text"] for d in zh) == "里弗顿开通了一座新的bridge。"
    assert {d["draft"] for d in zh} == {1}
    [final] = [data for name, data in events if name == "summary" and data["target"] == "zh"]
    assert "大桥" in final["text"] and "bridge" not in final["text"]
