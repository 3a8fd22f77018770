"""The OpenAI- and Ollama-compatible endpoints and Standard Webhooks on a real `lingosum serve`
and the real default model, each driven by its official client library."""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import ollama
import openai
import pytest
from standardwebhooks import Webhook

from tests.api.test_jobs import Receiver

from .conftest import running_server

pytestmark = pytest.mark.e2e


def chinese_share(text: str) -> float:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) / max(1, len(text.strip()))


SECRET = "whsec_" + base64.b64encode(b"end-to-end webhook secret, 32 b.").decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, str]]:
    data = tmp_path_factory.mktemp("compat-data")
    with running_server("--data-dir", str(data), "--fetch-allow", "127.0.0.1") as server:
        command = [sys.executable, "-m", "service.cli", "keys", "create", "cms"]
        key = subprocess.run(
            [*command, "--data-dir", str(data)], check=True, capture_output=True, text=True
        ).stdout.strip()
        deadline = time.monotonic() + 10
        auth = {"Authorization": f"Bearer {key}"}
        while server.get("/v1/models", headers=auth).status_code != 200:
            assert time.monotonic() < deadline, "the running server never saw the new key"
            time.sleep(0.5)
        yield server, key


def test_the_openai_client_gets_a_chinese_summary_whole_and_streamed(
    served: tuple[httpx.Client, str], article: dict[str, str]
) -> None:
    server, key = served
    base_url = str(server.base_url).rstrip("/") + "/v1"
    client = openai.OpenAI(base_url=base_url, api_key=key, timeout=900)
    assert "lingosum-summary-zh" in {model.id for model in client.models.list()}
    messages = [{"role": "user", "content": article["harbor-bridge.en.txt"]}]

    whole = client.chat.completions.create(model="lingosum-summary-zh", messages=messages)
    text = whole.choices[0].message.content or ""
    assert chinese_share(text) > 0.5, text
    assert "1200" in text.replace(",", "") or "310" in text or "3.1" in text, text
    assert whole.usage is not None and whole.usage.completion_tokens > 0

    chunks = client.chat.completions.create(
        model="lingosum-summary-zh",
        messages=[{"role": "system", "content": "Answer in one sentence."}, *messages],
        stream=True,
        stream_options={"include_usage": True},
    )
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chinese_share(streamed) > 0.5, streamed


def test_the_ollama_client_gets_the_english_summary_whole_and_streamed(
    served: tuple[httpx.Client, str], article: dict[str, str]
) -> None:
    server, key = served
    client = ollama.Client(
        host=str(server.base_url), headers={"Authorization": f"Bearer {key}"}, timeout=900
    )
    assert "lingosum-summary-en:latest" in {model.model for model in client.list().models}
    messages = [{"role": "user", "content": article["library.de.txt"]}]

    whole = client.chat(model="lingosum-summary-en", messages=messages)
    text = whole.message.content or ""
    assert whole.done and whole.eval_count
    assert "Lindau" in text and "Bibliothek" not in text, text

    pieces = list(
        client.chat(
            model="lingosum-summary-en",
            messages=[{"role": "system", "content": "One sentence."}, *messages],
            stream=True,
        )
    )
    assert pieces[-1].done and "".join(p.message.content or "" for p in pieces).strip()


def test_both_clients_send_a_request_glossary_that_the_chinese_summary_follows(
    served: tuple[httpx.Client, str], article: dict[str, str]
) -> None:
    """OpenAI clients send lingosum's `glossary` with `extra_body`, Ollama clients in
    `options`; the renderings are ones the model would not write on its own."""
    server, key = served
    messages = [{"role": "user", "content": article["harbor-bridge.en.txt"]}]
    base_url = str(server.base_url).rstrip("/") + "/v1"
    openai_client = openai.OpenAI(base_url=base_url, api_key=key, timeout=900)
    ortiz = {"source": "Elena Ortiz", "en": "Elena Ortiz", "zh": "欧蒂丝"}
    whole = openai_client.chat.completions.create(
        model="lingosum-summary-zh", messages=messages, extra_body={"glossary": [ortiz]}
    )
    assert "欧蒂丝" in (whole.choices[0].message.content or ""), whole

    ollama_client = ollama.Client(
        host=str(server.base_url), headers={"Authorization": f"Bearer {key}"}, timeout=900
    )
    riverton = {"source": "Riverton", "en": "Riverton", "zh": "河镇"}
    answer = ollama_client.chat(
        model="lingosum-summary-zh", messages=messages, options={"glossary": [riverton]}
    )
    assert "河镇" in (answer.message.content or ""), answer


def test_a_job_webhook_verifies_with_standard_webhooks(
    served: tuple[httpx.Client, str], article: dict[str, str], tmp_path: Path
) -> None:
    server, key = served
    receiver = Receiver(fail_first=0)
    try:
        item = {"text": article["water.es.txt"], "external_id": "story-1", "revision": 2}
        response = server.post(
            "/v1/jobs",
            json={
                "items": [item],
                "targets": ["en"],
                "webhook_url": receiver.url,
                "webhook_secret": SECRET,
            },
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 202, response.text
        assert receiver.delivered.wait(900)
    finally:
        receiver.server.shutdown()
    headers, body = receiver.calls[-1]
    event = Webhook(SECRET).verify(body, headers)
    assert event["job"]["status"] == "done"
    assert event["stories"][0]["external_id"] == "story-1"
    assert event["stories"][0]["revision"] == 2
    document = server.get("/v1/documents/story-1", headers={"Authorization": f"Bearer {key}"})
    assert document.json()["revision"] == 2
    assert document.json()["result"]["summaries"]["en"]["text"]
