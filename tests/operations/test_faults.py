"""Faults inside the server: a model call that raises gets a clean 500 and the next request
works; a full or locked database refuses new work with 503 `storage_unavailable` and keeps
no half-written job. The database faults are real SQLite ones (a page limit, a lock held by
another connection), not mocks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.backends.base import GenerationRequest
from service.jobs.store import JobStore
from service.settings import Settings
from service.store.sqlite import SQLiteDatabase
from tests.api.live import live_server
from tests.api.support import ENGLISH, app_with, assert_error, scripted, wait_ready
from tests.fakes import FakeBackend, write_prompts

INTERNALS = "llama_decode returned -3 at /srv/models/secret-model.gguf"


def settings_in(tmp_path: Path) -> Settings:
    return Settings(
        prompts_dir=write_prompts(tmp_path / "prompts"),
        warmup=False,
        data_dir=tmp_path / "data",
        job_group_size=2,
    )


def test_a_model_call_that_raises_gets_a_clean_500_and_the_next_request_works(
    tmp_path: Path,
) -> None:
    failures = [RuntimeError(INTERNALS)]

    def respond(request: GenerationRequest) -> str:
        if failures:
            raise failures.pop()
        return scripted(request)

    with live_server(settings_in(tmp_path), FakeBackend(respond)) as url:
        body = {"text": ENGLISH, "targets": ["en"]}
        failed = httpx.post(f"{url}/v1/summarize", json=body, timeout=30)
        assert_error(failed, 500, "internal_error")
        assert "llama" not in failed.text and "Traceback" not in failed.text
        assert "RuntimeError" not in failed.text and "secret-model" not in failed.text

        again = httpx.post(f"{url}/v1/summarize", json=body, timeout=30)
        assert again.status_code == 200, again.text
        assert again.json()["summaries"]["en"]["text"]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_with(settings_in(tmp_path), FakeBackend(scripted)) as client:
        wait_ready(client)
        yield client


def server_database(client: TestClient) -> SQLiteDatabase:
    store: JobStore = client.app.state.jobs.store  # type: ignore[attr-defined]
    assert isinstance(store.database, SQLiteDatabase)
    return store.database


def rows(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        jobs = db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
        items = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    return int(jobs), int(items)


def test_a_full_database_refuses_a_job_and_keeps_no_part_of_it(client: TestClient) -> None:
    database = server_database(client)
    with database.transaction() as db:  # the file may grow by a few pages, no more
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        db.execute(f"PRAGMA max_page_count = {pages + 4}")
    # Twelve items of ~3 KB: the job row fits, the items do not.
    items = [{"id": f"a{n}", "text": ENGLISH * 12} for n in range(12)]
    refused = client.post("/v1/jobs", json={"items": items, "targets": ["en"]})

    assert_error(refused, 503, "storage_unavailable")
    assert int(refused.headers["retry-after"]) > 0
    assert rows(database.path) == (0, 0)
    assert client.get("/healthz").status_code == 200

    with database.transaction() as db:  # space again: the same request is taken
        db.execute("PRAGMA max_page_count = 1073741823")
    assert client.post("/v1/jobs", json={"items": items, "targets": ["en"]}).status_code == 202


def test_a_locked_database_refuses_a_job_with_503(client: TestClient) -> None:
    database = server_database(client)
    with database.transaction() as db:
        db.execute("PRAGMA busy_timeout = 200")  # the server waits this long for the lock
    other = sqlite3.connect(database.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # e.g. a backup tool holding the file
    try:
        refused = client.post("/v1/jobs", json={"items": [{"text": ENGLISH}], "targets": ["en"]})
        assert_error(refused, 503, "storage_unavailable")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert rows(database.path) == (0, 0)
    accepted = client.post("/v1/jobs", json={"items": [{"text": ENGLISH}], "targets": ["en"]})
    assert accepted.status_code == 202, accepted.text


@pytest.mark.postgres
def test_a_locked_postgresql_table_refuses_a_job_with_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from service.store import postgres
    from tests.postgres import private_schema

    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_S", 0.3)
    with private_schema() as url:
        settings = settings_in(tmp_path).model_copy(update={"database_url": SecretStr(url)})
        with app_with(settings, FakeBackend(scripted)) as client:
            wait_ready(client)
            with psycopg.connect(url) as other:  # e.g. a migration of another tool
                other.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE")
                job = {"items": [{"text": ENGLISH}], "targets": ["en"]}
                assert_error(client.post("/v1/jobs", json=job), 503, "storage_unavailable")
            with psycopg.connect(url) as db:
                assert db.execute("SELECT COUNT(*) FROM jobs").fetchone() == (0,)
            assert client.post("/v1/jobs", json=job).status_code == 202
