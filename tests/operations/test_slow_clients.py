"""Slow and broken clients, over raw sockets against real servers: slow headers and slow bodies
time out while other clients are served, and a client that goes away while its request waits
for the model takes its request out of the line, or stops the model if it is already on it."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.backends.base import GenerationRequest
from service.settings import Settings
from tests.api.live import live_server
from tests.api.support import ENGLISH, scripted
from tests.fakes import FakeBackend, task_of, write_prompts
from tests.operations.processes import Processes, wait_for

TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Processes]:
    run = Processes(
        tmp_path_factory.mktemp("slow"), header_timeout_s=TIMEOUT_S, body_timeout_s=TIMEOUT_S
    )
    try:
        run.serve("server")
        yield run
    finally:
        run.stop_all()


def connect(run: Processes) -> socket.socket:
    return socket.create_connection(("127.0.0.1", run.port), timeout=10)


def closed_after(sock: socket.socket) -> float:
    """Seconds until the server closes the connection (reading what it sends meanwhile)."""
    started = time.monotonic()
    while sock.recv(4096):
        pass
    return time.monotonic() - started


def healthy(run: Processes) -> float:
    started = time.monotonic()
    assert httpx.get(f"{run.url}/healthz", timeout=5).status_code == 200
    return time.monotonic() - started


def test_connections_that_never_finish_their_headers_are_closed(server: Processes) -> None:
    idle = [connect(server) for _ in range(20)]  # say nothing at all
    trickling = connect(server)
    trickling.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    stop = threading.Event()

    def trickle() -> None:  # one more header byte every 0.2 s, forever
        try:
            while not stop.wait(0.2):
                trickling.sendall(b"X")
        except OSError:
            pass  # closed by the server

    threading.Thread(target=trickle, daemon=True).start()
    try:
        assert healthy(server) < 1  # served while they hang on
        assert closed_after(trickling) < TIMEOUT_S + 2
        for sock in idle:
            assert closed_after(sock) < TIMEOUT_S + 2
    finally:
        stop.set()
        for sock in (*idle, trickling):
            sock.close()


def test_a_body_that_stalls_gets_408(server: Processes) -> None:
    body = json.dumps({"text": ENGLISH}).encode()
    with connect(server) as sock:
        sock.sendall(
            b"POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[:20]
        )
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        waited = time.monotonic() - started
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer
    assert json.loads(payload)["error"]["code"] == "request_timeout"
    assert TIMEOUT_S * 0.9 < waited < TIMEOUT_S + 2
    assert healthy(server) < 1


def test_a_client_that_leaves_while_its_request_waits_frees_its_place(tmp_path: Path) -> None:
    release = threading.Event()

    def respond(request: GenerationRequest) -> str:
        if "first" in request.text:
            assert release.wait(20)  # the model is busy with the first request
        return scripted(request)

    backend = FakeBackend(respond)
    settings = Settings(
        prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False, data_dir=tmp_path / "data"
    )
    with live_server(settings, backend) as url:

        def depth() -> float:
            for line in httpx.get(f"{url}/metrics").text.splitlines():
                if line.startswith("lingosum_queue_depth "):
                    return float(line.split()[1])
            raise AssertionError("no queue depth")

        first: list[httpx.Response] = []
        body = {"text": f"The first story. {ENGLISH}", "targets": ["en"]}
        runner = threading.Thread(
            target=lambda: first.append(httpx.post(f"{url}/v1/summarize", json=body, timeout=30))
        )
        runner.start()
        wait_for(lambda: depth() == 1, 10, "the first request on the model")

        payload = json.dumps({"text": f"The second story. {ENGLISH}", "targets": ["en"]})
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as leaving:
            leaving.sendall(
                b"POST /v1/summarize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n{payload}".encode()
            )
            wait_for(lambda: depth() == 2, 10, "the second request to wait in line")
        wait_for(lambda: depth() == 1, 10, "the left request to leave the line")

        release.set()
        runner.join(30)
        assert [r.status_code for r in first] == [200]
        assert not any("second story" in r.text for r in backend.requests)
        again = httpx.post(f"{url}/v1/summarize", json={"text": ENGLISH}, timeout=30)
        assert again.status_code == 200


def test_a_client_that_leaves_while_its_request_is_on_the_model_stops_the_model(
    tmp_path: Path,
) -> None:
    """The first request's summary would take the model a minute unless it is cancelled; the
    model serves one call at a time, so the second request is answered only once it stopped."""
    on_model, stopped = threading.Event(), threading.Event()

    def respond(request: GenerationRequest) -> str:
        if "first story" in request.text and task_of(request).startswith("summarize"):
            on_model.set()
            deadline = time.monotonic() + 60
            while not (request.progress is not None and request.progress.cancelled()):
                if time.monotonic() > deadline:
                    return scripted(request)  # never cancelled
                time.sleep(0.01)
            stopped.set()
        return scripted(request)

    backend = FakeBackend(respond)
    settings = Settings(
        prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False, data_dir=tmp_path / "data"
    )
    with live_server(settings, backend) as url:
        payload = json.dumps({"text": f"The first story. {ENGLISH}", "targets": ["en"]})
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as leaving:
            leaving.sendall(
                b"POST /v1/summarize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n{payload}".encode()
            )
            assert on_model.wait(20), "the first request never reached the model"
        second = httpx.post(f"{url}/v1/summarize", json={"text": ENGLISH}, timeout=90)
        assert stopped.is_set()  # the first call was stopped, not run for its minute
        assert second.status_code == 200, second.text
