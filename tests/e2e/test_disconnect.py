"""On the real default model: a client that leaves while its non-streamed request is on the
model stops the model, and the next request is served at once rather than after the left
request's generation. Asserted on the order of the model's calls, not on times."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from service.backends import (
    Backend,
    Delegating,
    Generation,
    GenerationRequest,
    ModelSpec,
    load_backend,
)
from service.settings import Settings
from tests.api.live import live_server
from tests.e2e.conftest import FIXTURES, require_default_model

pytestmark = pytest.mark.e2e

LEAVING = "Story A."


class Watched(Delegating):
    """The real backend, noting each call's start and end, and whether it was cancelled."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.events: list[tuple[str, str, bool, float]] = []  # what, whose, cancelled, when
        self.leaving_on_model = threading.Event()

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        text = " ".join(m.content for r in requests for m in r.messages) + requests[0].text
        whose = "leaving" if LEAVING in text else "next"
        self.events.append(("began", whose, False, time.monotonic()))
        if whose == "leaving":
            self.leaving_on_model.set()
        try:
            return self.backend.generate(requests)
        finally:
            cancelled = any(r.progress is not None and r.progress.cancelled() for r in requests)
            self.events.append(("ended", whose, cancelled, time.monotonic()))


def test_a_client_that_leaves_mid_generation_frees_the_real_model(tmp_path: Path) -> None:
    require_default_model()
    settings = Settings(warmup=False, data_dir=tmp_path / "data")
    model = Watched(load_backend(ModelSpec.parse(settings.summarizer_model), settings))
    short = (FIXTURES / "harbor-bridge.en.txt").read_text(encoding="utf-8")
    long = f"{LEAVING} " + " ".join([short] * 8)  # about 1,400 words: seconds of prefill
    with live_server(settings, model, startup_s=300) as url:
        payload = json.dumps({"text": long, "targets": ["en"]})
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as leaving:
            leaving.sendall(
                b"POST /v1/summarize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n{payload}".encode()
            )
            assert model.leaving_on_model.wait(300), "the request never reached the model"
        left = time.monotonic()
        answer = httpx.post(
            f"{url}/v1/summarize", json={"text": short, "targets": ["en"]}, timeout=900
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["summaries"]["en"]["text"]
    whose = [(what, who, cancelled) for what, who, cancelled, _ in model.events]
    # The left request's one call was stopped by the cancel (not run to its end), and no
    # other call of it followed: every later call was the next request's.
    assert whose[:2] == [("began", "leaving", False), ("ended", "leaving", True)], whose
    assert all(who == "next" and not cancelled for _, who, cancelled in whose[2:]), whose
    stopped_after = model.events[1][3] - left
    print(f"the left request's model call ended {stopped_after:.2f} s after the disconnect")
