"""A feed job on the real default model whose `lingosum worker` is SIGKILLed once the first
item is done, then started again: every item is summarized exactly once, the item in flight at
the kill is taken over, and the job's webhook is delivered once.

On PostgreSQL, where a trigger counts every write of an item's result (tests/multiprocess).
The feed is the project's test feed on loopback: three articles with their text, one that
only links to a page, and one with nothing to read (refused at submission, never run).
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
import pytest
from standardwebhooks import Webhook

from tests.api.test_jobs import Receiver
from tests.e2e.conftest import require_default_model
from tests.feeds.server import LoopbackServer
from tests.multiprocess.scenario import (
    ROOT,
    count_result_writes,
    free_port,
    running_items_of,
    wait_for,
)
from tests.news_feed import LINKED_PAGE, feed_ids, news_feed
from tests.postgres import private_schema

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SECRET = "whsec_" + base64.b64encode(b"killed feed job webhook secret!!").decode()
LINGOSUM = [sys.executable, "-m", "service.cli"]


def result_writes(url: str, job_id: str) -> dict[int, int]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT idx, COUNT(*) FROM result_writes WHERE job_id = %s GROUP BY idx", (job_id,)
        ).fetchall()
    return {int(idx): int(count) for idx, count in rows}


def test_a_feed_job_survives_its_worker_killed_after_the_first_item(tmp_path: Path) -> None:
    require_default_model()
    port = free_port()
    receiver = Receiver(fail_first=0)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    with private_schema() as url, LoopbackServer("127.0.0.1") as feeds:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LINGOSUM_DATABASE_URL": url,
            "LINGOSUM_PORT": str(port),
            "LINGOSUM_DATA_DIR": str(tmp_path / "data"),
            "LINGOSUM_FETCH_ALLOW": "127.0.0.1",
            "LINGOSUM_WARMUP": "false",
            "LINGOSUM_JOB_LEASE_S": "6",
            "LINGOSUM_JOB_GROUP_SIZE": "1",
        }

        def start(tag: str, command: list[str]) -> subprocess.Popen[bytes]:
            processes[tag] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=(tmp_path / f"{tag}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            return processes[tag]

        def logs() -> str:
            return "\n".join(
                f"--- {tag}\n{(tmp_path / f'{tag}.log').read_text()[-3000:]}" for tag in processes
            )

        feed_url = feeds.serve("/feed.xml", news_feed(feeds.base))
        feeds.serve("/articles/lighthouse.html", LINKED_PAGE.read_bytes(), "text/html")
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        try:
            api = start("api", [*LINGOSUM, "serve", "--no-worker"])

            def ready() -> bool:
                assert api.poll() is None, logs()
                try:
                    return client.get("/readyz").status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(ready, 300, "the API")
            count_result_writes(url)
            first = start("first", [*LINGOSUM, "worker"])
            response = client.post(
                "/v1/jobs",
                json={
                    "feed_url": feed_url,
                    "targets": ["en"],
                    "length": "short",
                    "webhook_url": receiver.url,
                    "webhook_secret": SECRET,
                },
            )
            assert response.status_code == 202, response.text
            job_id = response.json()["id"]

            def first_done_next_running() -> bool:
                assert first.poll() is None, logs()
                written = result_writes(url, job_id)
                return bool(written) and running_items_of(url, first.pid) > 0

            wait_for(first_done_next_running, 900, "the first item, and the next one started")
            first.send_signal(signal.SIGKILL)
            first.wait()
            done_at_kill = result_writes(url, job_id)
            start("second", [*LINGOSUM, "worker"])

            def ended() -> bool:
                return client.get(f"/v1/jobs/{job_id}").json()["status"] in ("done", "failed")

            wait_for(ended, 1800, "the job to end")
            wait_for(lambda: receiver.delivered.is_set(), 60, "the webhook")
            job = client.get(f"/v1/jobs/{job_id}").json()
            results = client.get(f"/v1/jobs/{job_id}/results", params={"limit": 100}).json()
            writes = result_writes(url, job_id)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=60)
            receiver.server.shutdown()

    ids = feed_ids()
    empty = ids.index("empty")
    assert [item["id"] for item in results["items"]] == ids
    assert len(done_at_kill) == 1, "the kill should land after the first item"
    # Each item with text summarized and its result written exactly once; the empty one never.
    assert writes == {index: 1 for index in range(len(ids)) if index != empty}, logs()
    for item in results["items"]:
        if item["index"] == empty:
            assert (item["state"], item["error"]["code"]) == ("failed", "empty_item")
        else:
            assert item["state"] == "done", item
            assert item["result"]["summaries"]["en"]["text"]
    attempts = {item["index"]: item["attempts"] for item in job["items"]}
    assert sorted(attempts.values()).count(2) == 1, attempts  # the item in flight, redone once
    assert attempts[next(iter(done_at_kill))] == 1  # the item done before the kill, kept
    assert job["progress"]["done"] == len(ids) - 1 and job["progress"]["failed"] == 1

    assert len(receiver.calls) == 1  # one delivery: the killed worker never got to send it
    headers, body = receiver.calls[0]
    event = Webhook(SECRET).verify(body, headers)
    assert (event["job"]["id"], event["job"]["progress"]["done"]) == (job_id, len(ids) - 1)
