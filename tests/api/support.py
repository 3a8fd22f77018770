"""Helpers shared by the API tests: a scripted backend, the app built on it, assertions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.backends.base import GenerationRequest
from service.cli import main
from service.pipeline.engine import Engine
from service.settings import Settings
from tests.fakes import FakeBackend, task_of

ENGLISH = (
    "The city of Riverton opened its new harbor bridge on Tuesday. The bridge cost 310 million "
    "dollars and is 1,200 meters long. Mayor Elena Ortiz said it cuts the drive to 15 minutes."
)


def scripted(request: GenerationRequest) -> str:
    task = task_of(request)
    if task in ("summarize", "revise"):  # a model that repeats its mistake when told of it
        return (
            "Riverton opened a 1,200-meter bridge that cost 310 million dollars. It took 4 years."
        )
    if task == "translate":
        return "里弗顿开通了一座长1200米、耗资3.1亿美元的大桥。"
    return "术语"


def wait_ready(client: TestClient, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the app never became ready"
        time.sleep(0.01)


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def app_with(settings: Settings, backend: FakeBackend) -> TestClient:
    factory: Callable[[Settings], Engine] = lambda s: Engine(  # noqa: E731
        s, summarizer=backend, translator=backend
    )
    return TestClient(create_app(settings, engine_factory=factory))


def assert_error(response: object, status: int, code: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


class BlockingBackend(FakeBackend):
    """Holds every generate call until released, to see what the server does meanwhile."""

    def __init__(self) -> None:
        super().__init__(scripted)
        self.entered = threading.Event()
        self.release = threading.Event()

    def generate(self, requests):  # type: ignore[no-untyped-def]
        self.entered.set()
        assert self.release.wait(10)
        return super().generate(requests)


def create_key(data_dir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """A key made with the `lingosum keys` CLI on the app's data folder, as an operator would."""
    assert main(["keys", "create", *args, "--data-dir", str(data_dir)]) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("lsk_")
    return secret
