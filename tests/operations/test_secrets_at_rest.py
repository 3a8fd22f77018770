"""Secrets at rest: after an API key and a job with a webhook, nothing in the data folder (or
the PostgreSQL tables) holds the webhook secret, the API key or the browser-token signing key;
old plain-text rows are sealed by a migration; webhook deliveries connect to the address they
checked, with a DNS deadline."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.access.store import AccessStore
from service.access.tokens import SECRET_NAME, TokenClaims, TokenSigner
from service.errors import LingosumError
from service.feeds.fetch import FetchRefused, guarded_async_client
from service.jobs.store import JobStore, Webhook
from service.jobs.webhook_guard import check_webhook_url
from service.pipeline.documents import Options, WorkItem
from service.settings import Settings
from service.store import open_database
from service.store.migrations import ACCESS, JOBS, migrate
from service.store.sealing import KEY_FILE
from service.store.sqlite import SQLiteDatabase
from tests.api.support import ENGLISH, app_with, create_key, scripted, wait_ready
from tests.api.test_jobs import JOB_SECRET, Receiver
from tests.fakes import FakeBackend, write_prompts


def settings_in(tmp_path: Path, database_url: str | None = None) -> Settings:
    return Settings(
        prompts_dir=write_prompts(tmp_path / "prompts"),
        warmup=False,
        data_dir=tmp_path / "data",
        webhook_backoff_s=0.05,
        fetch_allow=["127.0.0.1"],
        database_url=database_url,
    )


def forms_of(secret: str) -> list[bytes]:
    """The secret as text, and a webhook secret's key bytes (as they are, and in base64)."""
    forms = [secret.encode()]
    if secret.startswith("whsec_"):
        encoded = secret.removeprefix("whsec_")
        forms += [encoded.encode(), base64.b64decode(encoded)]
    return forms


def forms_of_key(key: bytes) -> list[bytes]:
    """Key bytes as they are, in hex (as stored in plain text before) and in base64."""
    hex_ = key.hex().encode()
    return [key, hex_, hex_.upper(), base64.b64encode(key), base64.urlsafe_b64encode(key)]


def signing_key(data_dir: Path, database_url: str | None) -> bytes:
    store = AccessStore.open(data_dir, database_url)
    try:
        return store.secret(SECRET_NAME)
    finally:
        store.close()


def stored_bytes(data_dir: Path, database_url: str | None) -> bytes:
    """Every file of the data folder but the key file, and every row of the database."""
    files = [path for path in data_dir.rglob("*") if path.is_file() and path.name != KEY_FILE]
    stored = b"".join(path.read_bytes() for path in files)
    if database_url is not None:
        import psycopg

        with psycopg.connect(database_url) as db:
            tables = db.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            ).fetchall()
            for (table,) in tables:
                for (row,) in db.execute(f"SELECT t::text FROM {table} t").fetchall():
                    stored += row.encode()
    return stored


@pytest.mark.parametrize(
    "backend_db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_the_data_holds_neither_the_webhook_secret_nor_the_api_key(
    tmp_path: Path,
    backend_db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema: Any = None
    url = None
    if backend_db == "postgresql":
        from tests.postgres import private_schema

        schema = private_schema()
        url = schema.__enter__()
        monkeypatch.setenv("LINGOSUM_DATABASE_URL", url)
    settings = settings_in(tmp_path, url)
    receiver = Receiver(fail_first=0)
    try:
        api_key = create_key(settings.data_dir, capsys, "cms")
        with app_with(settings, FakeBackend(scripted)) as client:
            wait_ready(client)
            response = client.post(
                "/v1/jobs",
                headers={"Authorization": f"Bearer {api_key}"},
                json={
                    "items": [{"text": ENGLISH, "id": "a1"}],
                    "targets": ["en"],
                    "webhook_url": receiver.url,
                    "webhook_secret": JOB_SECRET,
                },
            )
            assert response.status_code == 202, response.text
            assert receiver.delivered.wait(20)  # the secret was read back to sign it
        stored = stored_bytes(settings.data_dir, url)
        token_key = signing_key(settings.data_dir, url)  # made at the server's start
    finally:
        receiver.server.shutdown()
        if schema is not None:
            schema.__exit__(None, None, None)

    assert receiver.url.encode() in stored and b"Riverton" in stored  # the search sees rows
    for secret in (JOB_SECRET, api_key):
        for form in forms_of(secret):
            assert form not in stored
    assert len(token_key) == 32
    for form in forms_of_key(token_key):
        assert form not in stored
    key_file = settings.data_dir / KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_plain_text_webhook_secrets_of_an_older_version_are_sealed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    old = SQLiteDatabase(data_dir / JobStore.FILE)
    migrate(old, "jobs", JOBS[:4])  # the schema before sealing
    with old.transaction() as db:
        db.execute(
            "INSERT INTO jobs (id, status, created_at, updated_at, options, webhook_url,"
            " webhook_secret) VALUES ('j1', 'done', 0, 0, '{}', 'http://h/', ?)",
            (JOB_SECRET,),
        )
    old.close()

    store = JobStore.open(data_dir)
    assert store.webhook_of("j1") == ("http://h/", JOB_SECRET)
    store.close()
    assert JOB_SECRET.encode() not in (data_dir / JobStore.FILE).read_bytes()


@pytest.mark.parametrize(
    "backend_db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_plain_text_signing_key_of_an_older_version_is_sealed_and_its_tokens_still_verify(
    tmp_path: Path, backend_db: str
) -> None:
    from tests.postgres import private_schema

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    schema: Any = private_schema() if backend_db == "postgresql" else None
    url = schema.__enter__() if schema is not None else None
    try:
        old = open_database(url, data_dir / AccessStore.FILE, "access", ACCESS[:2])
        key = bytes(range(32))  # the schema before sealing, and its plain-text key
        with old.transaction() as db:
            db.execute(
                "INSERT INTO server_secrets (name, value) VALUES (?, ?)", (SECRET_NAME, key.hex())
            )
        old.close()
        claims = TokenClaims("key-id", "https://cms.example", 1_000)
        before = TokenSigner(key).issue(claims)  # a browser holds it across the upgrade

        store = AccessStore.open(data_dir, url)
        signer = TokenSigner.from_store(store, data_dir)
        with store.database.transaction() as db:
            [(value,)] = db.execute("SELECT value FROM server_secrets").fetchall()
        store.close()
        assert value.startswith("sealed:v1:")
        assert signer.verify(before, now=0) == claims
        after = signer.issue(claims)
        again = AccessStore.open(data_dir, url)  # a restart, or another replica
        assert TokenSigner.from_store(again, data_dir).verify(after, now=0) == claims
        again.close()
        stored = stored_bytes(data_dir, url)
    finally:
        if schema is not None:
            schema.__exit__(None, None, None)
    assert b"sealed:v1:" in stored  # the search sees the row
    for form in forms_of_key(key):
        assert form not in stored


def test_a_secret_sealed_with_another_key_is_refused_not_misread(tmp_path: Path) -> None:
    store = JobStore.open(tmp_path / "data", secret_key="k" * 32)
    job, _ = store.create_job(
        Options.parse(["en"], "short"),
        [WorkItem(0, "a", ENGLISH)],
        webhook=Webhook("http://h/", JOB_SECRET),
    )
    store.close()
    assert JobStore.open(tmp_path / "data", secret_key="k" * 32).webhook_of(job.id) == (
        "http://h/",
        JOB_SECRET,
    )
    other = JobStore.open(tmp_path / "data")  # the key file's key instead
    with pytest.raises(LingosumError) as refused:
        other.webhook_of(job.id)
    assert refused.value.code == "secret_key_mismatch"


# Webhook connections: one lookup, checked, and that address connected to.


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str | float]]:
    """Names the test makes up, resolved to what it says (a float: a lookup that stalls)."""
    names: dict[str, str | float] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        answer = names.get(host)
        if answer is None:
            return real(host, port, *args, **kwargs)
        if isinstance(answer, float):
            time.sleep(answer)
            raise socket.gaierror("stalled")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, int(port or 80)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield names


def post(settings: Settings, url: str) -> httpx.Response:
    async def send() -> httpx.Response:
        async with guarded_async_client(settings, 5) as client:
            return await client.post(url, content=b"{}")

    return asyncio.run(send())


def test_a_webhook_connects_to_the_address_it_checked_with_the_host_it_named(
    tmp_path: Path, fake_dns: dict[str, str | float]
) -> None:
    receiver = Receiver(fail_first=0)
    try:
        port = receiver.server.server_address[1]
        fake_dns["hooks.example"] = "127.0.0.1"  # allowed by fetch_allow
        assert post(settings_in(tmp_path), f"http://hooks.example:{port}/hook").status_code == 200
        [(headers, _)] = receiver.calls
        assert headers["Host"] == f"hooks.example:{port}"

        fake_dns["rebound.example"] = "10.1.2.3"  # e.g. rebound after the URL was checked
        with pytest.raises(FetchRefused):
            post(settings_in(tmp_path), f"http://rebound.example:{port}/hook")
        assert len(receiver.calls) == 1
    finally:
        receiver.server.shutdown()


def test_a_dns_lookup_that_stalls_times_out(
    tmp_path: Path, fake_dns: dict[str, str | float]
) -> None:
    fake_dns["slow.example"] = 3.0
    settings = settings_in(tmp_path).model_copy(update={"dns_timeout_s": 0.3})
    started = time.monotonic()
    with pytest.raises(LingosumError) as refused:
        check_webhook_url("http://slow.example/hook", settings)
    assert refused.value.code == "webhook_refused"
    with pytest.raises(httpx.ConnectError):
        post(settings, "http://slow.example/hook")
    assert time.monotonic() - started < 2.5  # two lookups of 0.3 s, not of 3 s
