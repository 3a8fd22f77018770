"""A real `lingosum serve` on the real default model, shared by the end-to-end tests.

Skipped when the model is not pulled, unless LINGOSUM_REQUIRE_E2E=1 (CI sets it), which
turns a missing model into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from service.backends.model_store import EMBEDDED_MODELS, status
from service.settings import DEFAULT_MODEL, Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# The README's sample article, as the demo page ships it (so no ../shared is needed).
SAMPLE_ARTICLE = FIXTURES.parents[1] / "service/api/static/demo/sample-article.en.txt"
STARTUP_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[httpx.Client]:
    with running_server() as client:
        yield client


def require_default_model() -> Path:
    """The default model's file; skip (or fail, under LINGOSUM_REQUIRE_E2E=1) unless pulled."""
    model = status(EMBEDDED_MODELS[DEFAULT_MODEL], Settings().model_dir, check_hash=False)
    if not model.present:
        message = f"{DEFAULT_MODEL} is not pulled; run `lingosum models pull`"
        if os.environ.get("LINGOSUM_REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return model.path


@contextmanager
def running_server(*flags: str) -> Iterator[httpx.Client]:
    """`lingosum serve` on the default model, with extra settings flags; its output goes to a
    file, since a pipe left unread would fill and block it."""
    require_default_model()
    port = _free_port()
    data_dir = tempfile.mkdtemp(prefix="lingosum-e2e-data-")
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [*command, "--data-dir", data_dir, *flags], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=900)
            _wait_ready(client, process)
            yield client
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)  # the shutdown grace, and a model call it cancels
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            shutil.rmtree(data_dir, ignore_errors=True)
            log.seek(0)
            print(log.read()[-3000:])


def _wait_ready(client: httpx.Client, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited during start-up"
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail("the server did not become ready")


@pytest.fixture(scope="session")
def article() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in FIXTURES.glob("*.txt")}
