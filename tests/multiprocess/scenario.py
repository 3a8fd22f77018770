"""The kill-one-worker scenario on a real PostgreSQL: one `serve --no-worker` and two workers;
one worker is SIGKILLed mid-item, the other takes its item once the lease lapses, and every
item's result is written exactly once (a trigger counts the writes)."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def count_result_writes(url: str) -> None:
    """From now on, every write of an item's result is recorded in `result_writes`."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE result_writes (job_id TEXT, idx INTEGER)")
        db.execute(
            "CREATE FUNCTION note_result() RETURNS trigger AS $$ BEGIN"
            " INSERT INTO result_writes VALUES (NEW.job_id, NEW.idx); RETURN NEW; END $$"
            " LANGUAGE plpgsql"
        )
        db.execute(
            "CREATE TRIGGER result_written AFTER UPDATE OF result ON items FOR EACH ROW"
            " WHEN (NEW.result IS NOT NULL) EXECUTE FUNCTION note_result()"
        )


def running_items_of(url: str, tag_pid: int) -> int:
    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT COUNT(*) FROM items WHERE state = 'running' AND claimed_by LIKE %s",
            (f"%:{tag_pid}:%",),
        ).fetchone()
    return int(row[0]) if row else 0


def wait_for(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


Command = list[str]


def kill_one_worker_scenario(
    tmp_path: Path,
    url: str,
    serve: Command,
    worker: Command,
    env: dict[str, str],
    job: dict[str, object],
    finish_s: float,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """Start the API replica and workers alpha and beta (`worker` + [TAG]), submit `job`,
    SIGKILL alpha once it holds an item; the job, its results and the processes' logs."""
    port = free_port()
    env = {**env, "LINGOSUM_DATABASE_URL": url, "LINGOSUM_PORT": str(port)}
    env.setdefault("LINGOSUM_DATA_DIR", str(tmp_path / "data"))
    processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(tag: str, command: Command) -> None:
        processes[tag] = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "LINGOSUM_TEST_TAG": tag},
            stdout=(tmp_path / f"{tag}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )

    try:
        start("api", [*serve, "--no-worker"])
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)

        def ready() -> bool:
            assert processes["api"].poll() is None, "the API replica exited"
            try:
                return client.get("/readyz").status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, 300, "the API replica")
        count_result_writes(url)
        for tag in ("alpha", "beta"):
            start(tag, worker)
        response = client.post("/v1/jobs", json=job)
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]

        alpha = processes["alpha"]
        wait_for(lambda: running_items_of(url, alpha.pid) > 0, 300, "alpha to claim an item")
        alpha.send_signal(signal.SIGKILL)
        alpha.wait(30)

        def finished() -> bool:
            return bool(client.get(f"/v1/jobs/{job_id}").json()["status"] != "running")

        wait_for(finished, finish_s, "the job to finish")
        record = client.get(f"/v1/jobs/{job_id}").json()
        results = client.get(f"/v1/jobs/{job_id}/results").json()["items"]
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
    logs = {tag: (tmp_path / f"{tag}.log").read_text() for tag in processes}
    check_written_once(url, record, logs)
    return record, results, logs


def check_written_once(url: str, job: dict[str, Any], logs: dict[str, str]) -> None:
    """The job is done, each result was written exactly once, and an item was retried."""
    total = job["progress"]["total"]
    assert (job["status"], job["progress"]["done"]) == ("done", total), logs
    with psycopg.connect(url) as db:
        writes = db.execute(
            "SELECT idx, COUNT(*) FROM result_writes WHERE job_id = %s GROUP BY idx", (job["id"],)
        ).fetchall()
    assert sorted(writes) == [(i, 1) for i in range(total)]
    assert any(item["attempts"] == 2 for item in job["items"]), "no item was taken over"
