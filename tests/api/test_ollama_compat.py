"""The Ollama-compatible endpoints, driven by PyPI's official `ollama` client over real HTTP
to the app on a fake engine."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import ollama
import pytest

from service.pipeline.stages.summarize import LENGTHS
from service.settings import Settings
from tests.api.live import live_server
from tests.api.support import ENGLISH, create_key
from tests.fakes import FakeBackend, task_of

MESSAGES = [{"role": "user", "content": ENGLISH}]


@pytest.fixture
def key(settings: Settings, capsys: pytest.CaptureFixture[str]) -> str:
    return create_key(settings.data_dir, capsys, "cms")


@pytest.fixture
def base_url(settings: Settings, backend: FakeBackend, key: str) -> Iterator[str]:
    with live_server(settings, backend) as url:
        yield url


@pytest.fixture
def client(base_url: str, key: str) -> ollama.Client:
    return ollama.Client(host=base_url, headers={"Authorization": f"Bearer {key}"})


def test_tags_list_the_task_models(client: ollama.Client) -> None:
    names = {model.model for model in client.list().models}
    assert names == {
        "lingosum-summary-en:latest",
        "lingosum-summary-zh:latest",
        "lingosum-summary-zh-hant:latest",
    }


def test_the_version_answers_without_a_key(base_url: str) -> None:
    assert httpx.get(f"{base_url}/api/version").json()["version"]


def test_chat_streamed_and_not_gives_the_same_english_summary(client: ollama.Client) -> None:
    whole = client.chat(model="lingosum-summary-en", messages=MESSAGES)
    assert whole.done and whole.done_reason == "stop"
    assert whole.message.role == "assistant"
    assert "Riverton" in (whole.message.content or "")
    assert whole.prompt_eval_count and whole.eval_count

    pieces = list(client.chat(model="lingosum-summary-en:latest", messages=MESSAGES, stream=True))
    assert "".join(p.message.content or "" for p in pieces) == whole.message.content
    assert [p.done for p in pieces] == [False] * (len(pieces) - 1) + [True]
    assert pieces[-1].eval_count == whole.eval_count


def test_generate_reads_the_prompt_as_the_article(client: ollama.Client) -> None:
    chat = client.chat(model="lingosum-summary-zh", messages=MESSAGES)
    generated = client.generate(model="lingosum-summary-zh", prompt=ENGLISH)
    assert generated.response == chat.message.content
    streamed = list(client.generate(model="lingosum-summary-zh", prompt=ENGLISH, stream=True))
    assert "".join(p.response or "" for p in streamed) == generated.response


def test_the_ndjson_stream_is_ollamas_default(base_url: str, key: str) -> None:
    with httpx.stream(
        "POST",
        f"{base_url}/api/chat",
        headers={"Authorization": f"Bearer {key}"},
        json={"model": "lingosum-summary-en", "messages": MESSAGES},  # no "stream": streamed
        timeout=10,
    ) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert lines[-1]["done"] is True
    assert all(line["done"] is False for line in lines[:-1])


def test_a_classifai_prompt_maps_its_length_and_json_format(
    client: ollama.Client, backend: FakeBackend
) -> None:
    # What ClassifAI's Ollama provider sends for an excerpt (55 words) and key takeaways.
    system = (
        "You will be provided with content delimited by triple quotes. Summarize the following"
        " message using a maximum of 55 words. Ensure this summary pairs well with the"
        " following text: Harbor bridge opens."
    )
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": f'"""{ENGLISH}"""'},
    ]
    excerpt = client.chat(model="lingosum-summary-en", messages=messages, stream=False)
    summarize = [r for r in backend.requests if task_of(r).startswith("summarize")]
    assert {r.max_new_tokens for r in summarize} == {LENGTHS["short"].max_new_tokens}
    assert summarize[0].text == ENGLISH
    assert excerpt.message.content

    takeaways = client.chat(
        model="lingosum-summary-en",
        messages=[
            {
                "role": "system",
                "content": "Ensure the response you return is valid JSON, in the structure"
                ' {"takeaways":["first","second"]}.',
            },
            messages[1],
        ],
        format="json",
    )
    assert json.loads(takeaways.message.content or "")["takeaways"]


def test_the_key_may_come_from_ollama_api_key(
    base_url: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_API_KEY", key)
    assert ollama.Client(host=base_url).list().models


def test_errors_come_in_ollama_shape(client: ollama.Client, base_url: str, key: str) -> None:
    with pytest.raises(ollama.ResponseError) as missing:
        client.chat(model="llama3", messages=MESSAGES)
    assert missing.value.status_code == 404
    assert "lingosum-summary-en" in missing.value.error
    with pytest.raises(ollama.ResponseError) as denied:
        ollama.Client(host=base_url).list()
    assert denied.value.status_code == 401
    for headers, status in (({}, 401), ({"Authorization": f"Bearer {key}"}, 400)):  # no model
        response = httpx.post(f"{base_url}/api/chat", json={"messages": MESSAGES}, headers=headers)
        assert response.status_code == status, response.text
        assert set(response.json()) == {"error"}
    loaded = client.chat(model="lingosum-summary-en", messages=[])
    assert loaded.done_reason == "load"
