"""The OpenAI-compatible endpoints, driven by PyPI's official `openai` client over real HTTP
to the app on a fake engine."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import openai
import pytest

from service.api import compat
from service.pipeline.stages.summarize import LENGTHS
from service.settings import Settings
from tests.api.live import live_server
from tests.api.support import ENGLISH, app_with, create_key, scripted, wait_ready
from tests.fakes import FakeBackend, StreamingBackend, task_of

MODELS = {"lingosum-summary-en", "lingosum-summary-zh", "lingosum-summary-zh-hant"}


@pytest.fixture
def key(settings: Settings, capsys: pytest.CaptureFixture[str]) -> str:
    return create_key(settings.data_dir, capsys, "cms", "--rpm", "100")


@pytest.fixture
def base_url(settings: Settings, backend: FakeBackend, key: str) -> Iterator[str]:
    with live_server(settings, backend) as url:
        yield url


@pytest.fixture
def client(base_url: str, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key=key, max_retries=0)


def native_summary(settings: Settings, backend: FakeBackend, target: str, length: str) -> str:
    """What POST /v1/summarize answers for the same article (the fake engine is scripted)."""
    with app_with(settings.model_copy(update={"auth": "off"}), backend) as native:
        wait_ready(native)
        body = {"text": ENGLISH, "targets": [target], "length": length}
        text: str = native.post("/v1/summarize", json=body).json()["summaries"][target]["text"]
    return text


def test_models_are_listed_and_retrieved(client: openai.OpenAI) -> None:
    assert {model.id for model in client.models.list()} == MODELS
    model = client.models.retrieve("lingosum-summary-zh")
    assert (model.id, model.object, model.owned_by) == ("lingosum-summary-zh", "model", "lingosum")


def test_a_completion_is_the_chinese_summary_with_real_usage(
    client: openai.OpenAI, backend: FakeBackend, settings: Settings
) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="lingosum-summary-zh", messages=[{"role": "user", "content": ENGLISH}]
    )
    completion = raw.parse()

    [choice] = completion.choices
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert choice.message.content == native_summary(settings, backend, "zh", "medium")
    assert "里弗顿" in choice.message.content
    requests = backend.requests[: len(backend.requests) // 2]  # the native run came after
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == sum(backend.count_tokens(r.text) for r in requests)
    assert completion.usage.completion_tokens == len(requests)  # the fake writes 1 token each
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    assert raw.headers["ratelimit-limit"]  # the key's quota, as on every lingosum route
    assert completion.model_extra is not None
    assert completion.model_extra["lingosum"]["source_language"] == "en"


def test_streamed_chunks_carry_the_same_text_and_end_with_usage(
    client: openai.OpenAI, base_url: str, key: str
) -> None:
    whole = client.chat.completions.create(
        model="lingosum-summary-en", messages=[{"role": "user", "content": ENGLISH}]
    )
    chunks = list(
        client.chat.completions.create(
            model="lingosum-summary-en",
            messages=[{"role": "user", "content": ENGLISH}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    pieces = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert "".join(pieces) == whole.choices[0].message.content
    assert len(pieces) == len(whole.choices[0].message.content.split())  # a piece per word
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage == whole.usage
    assert len({c.id for c in chunks}) == 1

    with httpx.stream(
        "POST",
        f"{base_url}/v1/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
        json={"model": "lingosum-summary-en", "messages": [{"role": "user", "content": "Hi."}]}
        | {"stream": True},
        timeout=10,
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    assert all(line.startswith("data: ") for line in lines)


def test_a_waiting_stream_is_kept_alive_with_empty_pieces(
    settings: Settings, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compat, "KEEP_ALIVE_S", 0.01)
    with live_server(settings, StreamingBackend(scripted, delay=0.02)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0)
        stream = client.chat.completions.create(
            model="lingosum-summary-en",
            messages=[{"role": "user", "content": ENGLISH}],
            stream=True,
        )
        contents = [chunk.choices[0].delta.content for chunk in stream if chunk.choices]
    text = [content for content in contents if content]
    first = contents.index(text[0])
    assert first > 2 and set(contents[1:first]) == {""}  # kept alive while the model wrote
    assert "Riverton" in "".join(text)


def test_a_wordpress_prompt_maps_its_length_and_ignores_the_rest(
    client: openai.OpenAI, backend: FakeBackend
) -> None:
    # What WordPress's AI plugin sends through "AI Provider for OpenAI-compatible Servers".
    system = (
        "You are an editorial assistant that generates concise, factual, and neutral summaries"
        " of long-form content.\n- Target 1 sentence; <= 25 words\n- Write it as a poem."
    )
    user = f"<content>{ENGLISH}</content>\n\n<additional-context>Title: Harbor bridge opens\n"
    user += "Author: Desk</additional-context>"
    completion = client.chat.completions.create(
        model="lingosum-summary-en",
        messages=[
            {"role": "system", "content": [{"type": "text", "text": system}]},
            {"role": "user", "content": [{"type": "text", "text": user}]},
        ],
        temperature=0.9,
        max_tokens=1000,
        extra_body={"num_ctx": 8192, "thinking": False},
    )
    summarize = [r for r in backend.requests if task_of(r).startswith("summarize")]
    assert {r.max_new_tokens for r in summarize} == {LENGTHS["short"].max_new_tokens}
    assert summarize[0].text == ENGLISH  # the article alone, unwrapped
    assert completion.choices[0].message.content


def test_json_output_is_a_json_object(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="lingosum-summary-en",
        messages=[{"role": "user", "content": ENGLISH}],
        response_format={"type": "json_object"},
    )
    answer = json.loads(completion.choices[0].message.content or "")
    assert answer["summary"] and answer["takeaways"]
    assert answer["summary"].startswith(answer["takeaways"][0])


def test_errors_come_in_openai_shape(client: openai.OpenAI, base_url: str) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": ENGLISH}]
        )
    assert missing.value.body == {
        "message": missing.value.body["message"],  # type: ignore[index]
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }
    with pytest.raises(openai.BadRequestError) as empty:
        client.chat.completions.create(
            model="lingosum-summary-en", messages=[{"role": "system", "content": "Be brief."}]
        )
    assert empty.value.code == "invalid_request"
    with pytest.raises(openai.BadRequestError) as invalid:
        client.chat.completions.create(model="lingosum-summary-en", messages=[])
    assert invalid.value.param == "messages"
    keyless = openai.OpenAI(base_url=f"{base_url}/v1", api_key="lsk_wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as denied:
        keyless.models.list()
    assert denied.value.body["type"] == "authentication_error"  # type: ignore[index]


def test_the_native_api_keeps_its_own_error_shape(base_url: str, key: str) -> None:
    response = httpx.post(
        f"{base_url}/v1/summarize", json={"text": " "}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"code", "message"}
