"""Fixtures of the API tests: settings on fake prompts, a scripted backend, a ready client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings
from tests.api.support import app_with, scripted, wait_ready
from tests.fakes import FakeBackend, write_prompts


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        prompts_dir=write_prompts(tmp_path / "prompts"),
        warmup=False,
        max_text_chars=2_000,
        max_pending_requests=2,
        data_dir=tmp_path / "data",
        batch_max_items=4,
        job_max_items=12,
        request_max_chars=5_000,
        max_pending_chars=3_000,
        job_group_size=2,
        webhook_attempts=3,
        webhook_backoff_s=0.05,
        fetch_allow=["127.0.0.1"],
    )


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend(scripted)


@pytest.fixture
def client(settings: Settings, backend: FakeBackend) -> Iterator[TestClient]:
    with app_with(settings, backend) as client:
        wait_ready(client)
        yield client
