"""The `openai:` backend on a real model server: llama-cpp-python's own server on loopback,
running the default GGUF, started here. One summary through `lingosum serve`, a batch of 4
sent together, and the kill-one-worker scenario with `lingosum worker` on PostgreSQL.

llama-cpp-python's server answers one call at a time; vLLM and TGI batch concurrent calls.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from service.backends.base import ChatMessage, GenerationRequest
from service.backends.openai_compat import OpenAICompatBackend
from tests.e2e.conftest import _free_port, require_default_model, running_server
from tests.multiprocess.scenario import ROOT, kill_one_worker_scenario
from tests.postgres import private_schema

pytestmark = pytest.mark.e2e
ALIAS = "qwen2.5-coder-1.5b"  # the name the server gives the model
SPEC = f"openai:{ALIAS}"


@pytest.fixture(scope="module")
def model_server() -> Iterator[str]:
    """The base URL (…/v1) of `python -m llama_cpp.server` on the default model."""
    path = require_default_model()
    port = _free_port()
    with tempfile.TemporaryFile() as log:
        yield from _serve(path, port, log)


def _serve(path: Path, port: int, log: IO[bytes]) -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(path),
            "--model_alias",
            ALIAS,
            "--port",
            str(port),
            "--n_ctx",
            "8192",
            "--n_threads",
            str(os.cpu_count() or 1),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert process.poll() is None, "llama_cpp.server exited"
            try:
                if httpx.get(f"{url}/models", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "llama_cpp.server did not start"
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.seek(0)
        print(log.read()[-2000:].decode(errors="replace"))


def test_a_batch_of_four_is_sent_together(model_server: str) -> None:
    backend = OpenAICompatBackend(
        ALIAS,
        base_url=model_server,
        api_key=None,
        context_tokens=8192,
        concurrency=4,
        timeout_s=600,
        max_retries=0,
    )
    cities = ["Paris", "Tokyo", "Cairo", "Lima"]
    requests = [
        GenerationRequest(
            (ChatMessage("user", f"In one short sentence: which country is {city} in?"),),
            city,
            "en",
            "en",
            24,
        )
        for city in cities
    ]
    try:
        generations = backend.generate(requests)
    finally:
        backend.close()
    assert backend.most_in_flight == 4  # all four calls were out at once
    for generation in generations:
        assert generation.text and generation.prompt_tokens > 10
        assert 0 < generation.completion_tokens <= 24
    assert "France" in generations[0].text and "Japan" in generations[1].text


def test_lingosum_summarizes_on_the_model_server(
    model_server: str, article: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = ("--summarizer-model", SPEC, "--translator-model", SPEC)
    monkeypatch.setenv("LINGOSUM_OPENAI_BASE_URL", model_server)
    with running_server(*flags) as client:
        response = client.post(
            "/v1/summarize", json={"text": article["harbor-bridge.en.txt"], "length": "short"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["summaries"]) == {"en", "zh"}
    assert body["summaries"]["en"]["text"] and body["summaries"]["zh"]["text"]
    model_calls = [step for step in body["route"] if step["stage"] in ("summarize", "translate")]
    assert {step["model"] for step in model_calls} == {SPEC}
    assert all(step["prompt_tokens"] and step["completion_tokens"] for step in model_calls)


def test_a_killed_worker_s_item_is_redone_on_the_shared_server(
    model_server: str, tmp_path: Path
) -> None:
    """`lingosum serve --no-worker` and two `lingosum worker` processes, all on PostgreSQL and
    on one model server; one worker is SIGKILLed mid-item."""
    lingosum = [sys.executable, "-m", "service.cli"]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LINGOSUM_SUMMARIZER_MODEL": SPEC,
        "LINGOSUM_TRANSLATOR_MODEL": SPEC,
        "LINGOSUM_OPENAI_BASE_URL": model_server,
        "LINGOSUM_WARMUP": "false",
        "LINGOSUM_JOB_LEASE_S": "6",
        "LINGOSUM_JOB_GROUP_SIZE": "1",
        "LINGOSUM_OPENAI_CONCURRENCY": "1",
    }
    items = [
        {
            "id": f"n{n}",
            "text": f"{town} opened a new public library on Monday. It has "
            f"{n + 2} floors and a reading garden, the mayor said.",
        }
        for n, town in enumerate(
            ["Lyon", "Graz", "Turku", "Porto", "Gdansk", "Ghent", "Bergen", "Brno"]
        )
    ]
    with private_schema() as url:
        _, results, _ = kill_one_worker_scenario(
            tmp_path,
            url,
            [*lingosum, "serve"],
            [*lingosum, "worker"],
            env,
            {"items": items, "targets": ["en"], "length": "short"},
            finish_s=1200,
        )
    assert all(item["result"]["summaries"]["en"]["text"] for item in results)
