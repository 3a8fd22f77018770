"""Keys on a real `lingosum serve` and the real default model: made by the CLI, enforced over
HTTP, counted in /metrics, never written down."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import running_server

pytestmark = pytest.mark.e2e

FRENCH = (
    "Le conseil municipal de Lyon a voté mardi un budget de 12 millions d'euros pour rénover "
    "trois écoles du quartier de la Guillotière. Les travaux commenceront en juin."
)


def keys(data_dir: Path, *args: str) -> str:
    command = [sys.executable, "-m", "service.cli", "keys", *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def test_a_cli_key_is_required_limited_and_counted_on_the_real_server(tmp_path: Path) -> None:
    with running_server("--data-dir", str(tmp_path)) as server:
        secret = keys(tmp_path, "create", "newsroom", "--rpm", "3")
        auth = {"Authorization": f"Bearer {secret}"}
        deadline = time.monotonic() + 10
        while server.post("/v1/detect", json={"text": FRENCH}).status_code != 401:
            assert time.monotonic() < deadline, "the running server never saw the new key"
            time.sleep(0.5)

        summary = server.post(
            "/v1/summarize", json={"text": FRENCH, "targets": ["en"]}, headers=auth
        )
        assert summary.status_code == 200, summary.text
        assert "Lyon" in summary.json()["summaries"]["en"]["text"]
        assert summary.headers["RateLimit-Remaining"] == "2"
        statuses = [
            server.post("/v1/detect", json={"text": FRENCH}, headers=auth).status_code
            for _ in range(3)
        ]
        assert statuses == [200, 200, 429]

        metrics = server.get("/metrics").text
        assert 'key="newsroom",method="POST",route="/v1/summarize",status="200"} 1.0' in metrics
        assert 'key="newsroom",method="POST",route="/v1/detect",status="429"} 1.0' in metrics

        keys(tmp_path, "revoke", "newsroom")
        deadline = time.monotonic() + 10
        while server.post("/v1/detect", json={"text": FRENCH}, headers=auth).status_code != 401:
            assert time.monotonic() < deadline, "the running server kept a revoked key"
            time.sleep(0.5)
    written = [path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()]
    assert written and not any(secret.encode() in content for content in written)
