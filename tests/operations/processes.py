"""Real `serve` and `worker` processes on the fake model (tests/multiprocess/fake_process.py)
over one SQLite data folder, and what the tests read from that folder's jobs database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.fakes import write_prompts
from tests.multiprocess.scenario import ROOT, free_port


def wait_for(check: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {seconds} s waiting for {what}")


class Processes:
    """Starts fake-model processes on one data folder; each gets its own log file."""

    def __init__(self, tmp_path: Path, **settings: object) -> None:
        self.tmp_path = tmp_path
        self.data_dir = tmp_path / "data"
        self.port = free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LINGOSUM_DATA_DIR": str(self.data_dir),
            "LINGOSUM_PORT": str(self.port),
            "LINGOSUM_PROMPTS_DIR": str(write_prompts(tmp_path / "prompts")),
            **{f"LINGOSUM_{name.upper()}": str(value) for name, value in settings.items()},
        }
        self.running: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, role: str, tag: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.multiprocess.fake_process", role],
            cwd=ROOT,
            env={**self.env, "LINGOSUM_TEST_TAG": tag},
            stdout=(self.tmp_path / f"{tag}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.running.append(process)
        return process

    def serve(self, tag: str) -> subprocess.Popen[bytes]:
        process = self.start("serve", tag)

        def ready() -> bool:
            assert process.poll() is None, self.log(tag)
            try:
                return httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, 60, f"server {tag}")
        return process

    def log(self, tag: str) -> str:
        return (self.tmp_path / f"{tag}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.kill()
                process.wait(10)

    # The jobs database, read (and watched) from the test.

    def db(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.data_dir / "jobs.sqlite3", timeout=10)
        connection.execute("PRAGMA busy_timeout=10000")
        return connection

    def count_result_writes(self) -> None:
        """From now on every write of an item's result is recorded in `result_writes`."""
        with self.db() as db:
            db.execute("CREATE TABLE result_writes (job_id TEXT, idx INTEGER)")
            db.execute(
                "CREATE TRIGGER result_written AFTER UPDATE OF result ON items"
                " WHEN NEW.result IS NOT NULL"
                " BEGIN INSERT INTO result_writes VALUES (NEW.job_id, NEW.idx); END"
            )

    def writes(self, job_id: str) -> dict[int, int]:
        with self.db() as db:
            rows = db.execute(
                "SELECT idx, COUNT(*) FROM result_writes WHERE job_id = ? GROUP BY idx",
                (job_id,),
            ).fetchall()
        return {int(idx): int(n) for idx, n in rows}

    def states(self, job_id: str) -> dict[str, int]:
        with self.db() as db:
            rows = db.execute(
                "SELECT state, COUNT(*) FROM items WHERE job_id = ? GROUP BY state", (job_id,)
            ).fetchall()
        return {str(state): int(n) for state, n in rows}
