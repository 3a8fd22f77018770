"""A real `lingosum serve` on a tiny local model, SIGKILLed in the middle of a job and started
again on the same data folder: the job resumes and every item is summarized exactly once."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, model: Path, data_dir: Path, log: Path) -> None:
        self.port = _free_port()
        self.command = [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(data_dir),
            "--summarizer-model",
            f"hf-causal:{model}",
            "--translator-model",
            f"hf-causal:{model}",
            "--device",
            "cpu",
            "--dtype",
            "float32",
            "--no-warmup",
            "--job-group-size",
            "1",
        ]
        self.log = log
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=log, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if self.client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail("the server did not become ready")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


def articles() -> list[dict[str, str]]:
    fixtures = [
        {"id": path.stem, "text": path.read_text(encoding="utf-8")}
        for path in sorted(FIXTURES.glob("*.txt"))
    ]
    extra = [
        {
            "id": f"council-{n}",
            "text": f"The city council met on day {n} of the session and approved {n} new "
            "parks after a long debate about their cost and their location.",
        }
        for n in range(1, 5)
    ]
    return fixtures + extra


def item_rows(data_dir: Path, job_id: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        return db.execute(
            "SELECT idx, state, attempts, result FROM items WHERE job_id = ? ORDER BY idx",
            (job_id,),
        ).fetchall()


def _partway(rows: list[tuple[Any, ...]]) -> bool:
    """Two items done and one on the model: an item takes about a second, the kill far less."""
    states = [row[1] for row in rows]
    return states.count("done") >= 2 and "running" in states


def wait_partway(server: Server, data_dir: Path, job_id: str, timeout: float = 300) -> None:
    """Until the job is partway; fails if the server dies, the job gets past every point
    where it is partway (all its items finished between two looks), or time runs out."""
    deadline = time.monotonic() + timeout
    while not _partway(rows := item_rows(data_dir, job_id)):
        assert server.process is not None and server.process.poll() is None, "the server died"
        assert any(row[1] in ("queued", "running") for row in rows), "the job ended unseen"
        assert time.monotonic() < deadline, f"the job never got partway: {rows}"
        time.sleep(0.02)


def test_a_killed_server_resumes_its_job_and_summarizes_each_item_once(
    causal_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = Server(causal_dir, data_dir, tmp_path / "server.log")
    items = articles()
    try:
        server.start()
        response = server.client.post(
            "/v1/jobs", json={"items": items, "targets": ["en"], "length": "short"}
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        location = response.headers["location"]
        wait_partway(server, data_dir, job_id)
        server.kill()

        before = item_rows(data_dir, job_id)
        done_before = {row[0]: row[3] for row in before if row[1] == "done"}
        assert 2 <= len(done_before) < len(items), "the kill should land partway"
        assert any(row[1] == "running" for row in before)  # a group was in flight

        server.start()
        deadline = time.monotonic() + 180
        while (job := server.client.get(location).json())["status"] in ("queued", "running"):
            assert server.process is not None and server.process.poll() is None, "it died"
            assert time.monotonic() < deadline, job
            time.sleep(0.2)

        assert job["status"] == "done"
        assert job["progress"]["done"] == job["progress"]["total"] == len(items)
        results = server.client.get(f"{location}/results", params={"limit": 100}).json()
        assert [r["id"] for r in results["items"]] == [item["id"] for item in items]
        assert all(r["result"]["summaries"]["en"]["text"] for r in results["items"])
    finally:
        server.stop()

    after = item_rows(data_dir, job_id)
    assert len(after) == len(items)
    for index, state, attempts, result in after:
        assert state == "done"
        if index in done_before:  # finished before the kill: kept, never redone
            assert (attempts, result) == (1, done_before[index])
        else:
            assert attempts in (1, 2)  # 2 only for the item in flight at the kill
    assert sum(attempts for _, _, attempts, _ in after) <= len(items) + 1
