"""The `openai:` backend with the official client, against small local HTTP servers: retries
on 5xx, concurrent calls up to its concurrency, usage counts, and a failure that stays an error.
tests/e2e/test_model_server.py runs it against llama-cpp-python's own server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.backends import ModelSpec
from service.backends.base import ChatMessage, GenerationRequest
from service.backends.openai_compat import OpenAICompatBackend, _first_sentences
from service.errors import LingosumError

Answer = Callable[[int], tuple[int, dict[str, object]]]  # call number -> status, body


def completion(text: str, finish: str = "stop") -> dict[str, object]:
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


class Server:
    def __init__(self, answer: Answer, delay_s: float = 0.0) -> None:
        self.calls = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.bodies: list[dict[str, object]] = []
        lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                with lock:
                    server.calls += 1
                    number = server.calls
                    server.bodies.append(body)
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                time.sleep(delay_s)
                with lock:
                    server.in_flight -= 1
                status, payload = answer(number)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/v1"


@contextmanager
def serving(answer: Answer, delay_s: float = 0.0) -> Iterator[Server]:
    server = Server(answer, delay_s)
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.http.shutdown()
        server.http.server_close()


def backend(url: str, *, concurrency: int = 4, max_retries: int = 3) -> OpenAICompatBackend:
    return OpenAICompatBackend(
        "remote-model",
        base_url=url,
        api_key=None,
        context_tokens=8192,
        concurrency=concurrency,
        timeout_s=10,
        max_retries=max_retries,
    )


def request(text: str = "Summarize.", max_sentences: int | None = None) -> GenerationRequest:
    return GenerationRequest(
        (ChatMessage("user", text),), text, "en", "en", 32, max_sentences=max_sentences
    )


def test_the_spec_names_the_remote_model_whole() -> None:
    assert ModelSpec.parse("openai:org/model@v2") == ModelSpec("openai", "org/model@v2")
    assert backend("http://127.0.0.1:9/v1").name == "openai:remote-model"


def test_a_completion_becomes_a_generation_with_its_usage() -> None:
    with serving(lambda n: (200, completion("One. Two. Three.", "length"))) as server:
        model = backend(server.url)
        [generation] = model.generate([request(max_sentences=2)])
        model.close()
    assert generation.text == "One. Two."  # cut after the sentences asked for
    assert (generation.prompt_tokens, generation.completion_tokens) == (11, 7)
    assert generation.hit_token_limit
    sent = server.bodies[0]
    assert (sent["model"], sent["max_tokens"], sent["temperature"]) == ("remote-model", 32, 0.0)


def test_server_errors_are_retried_with_backoff() -> None:
    with serving(lambda n: (503, {"error": "busy"}) if n < 3 else (200, completion("Ok."))) as s:
        model = backend(s.url, max_retries=3)
        [generation] = model.generate([request()])
        model.close()
    assert generation.text == "Ok."
    assert s.calls == 3


def test_a_server_that_keeps_failing_gives_a_model_server_error() -> None:
    with serving(lambda n: (500, {"error": "down"})) as server:
        model = backend(server.url, max_retries=1)
        with pytest.raises(LingosumError) as error:
            model.generate([request()])
        model.close()
    assert (error.value.code, error.value.status) == ("model_server_error", 502)
    assert server.calls == 2


def test_a_batch_is_sent_as_concurrent_calls_up_to_the_concurrency() -> None:
    with serving(lambda n: (200, completion(f"Answer {n}.")), delay_s=0.3) as server:
        model = backend(server.url, concurrency=3)
        generations = model.generate([request(f"Text {i}.") for i in range(6)])
        model.close()
    assert len(generations) == 6
    assert server.most_in_flight == model.most_in_flight == 3


def test_token_estimate_counts_cjk_characters_one_each() -> None:
    model = backend("http://127.0.0.1:9/v1")
    assert model.count_tokens("abcdef") == 2
    assert model.count_tokens("一座桥") == 3
    model.close()


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("Rain fell. Wind blew. Sun rose.", 2, "Rain fell. Wind blew."),
        ("Rain fell. Wind blew.", 3, "Rain fell. Wind blew."),
        ("一。二。三。", 1, "一。"),
        ("A. B.", None, "A. B."),
    ],
)
def test_first_sentences(text: str, count: int | None, expected: str) -> None:
    assert _first_sentences(text, count) == expected
