"""SIGTERM on real `serve` and `worker` processes (fake model, SQLite): in-flight work finishes
within the grace period, new requests get 503 `shutting_down`, job items still running after it
go back to the queue, and after a restart every item is finished exactly once."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from service.jobs.store import JobStore
from service.pipeline.documents import Options, WorkItem
from tests.operations.processes import Processes, wait_for

ITEMS = [
    {"id": f"a{n}", "text": f"The harbor bridge number {n} opened on Tuesday."} for n in range(6)
]


def submit(client: httpx.Client) -> str:
    response = client.post("/v1/jobs", json={"items": ITEMS, "targets": ["en"]})
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def queue_depth(client: httpx.Client) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("lingosum_queue_depth "):
            return float(line.split()[1])
    raise AssertionError("no lingosum_queue_depth in /metrics")


def finish_after_restart(run: Processes, job_id: str, tag: str) -> None:
    """Restart the server; the job then finishes with every item written exactly once."""
    run.serve(tag)
    with httpx.Client(base_url=run.url, timeout=30) as client:

        def done() -> bool:
            return bool(client.get(f"/v1/jobs/{job_id}").json()["status"] == "done")

        wait_for(done, 60, "the job to finish after the restart")
        job = client.get(f"/v1/jobs/{job_id}").json()
    assert job["progress"]["done"] == len(ITEMS)
    assert run.writes(job_id) == {n: 1 for n in range(len(ITEMS))}


def start_with_a_running_job(run: Processes) -> tuple[subprocess.Popen[bytes], httpx.Client, str]:
    """A first server, its result writes counted, with a job whose first group is on the model."""
    server = run.serve("first")
    run.count_result_writes()
    client = httpx.Client(base_url=run.url, timeout=30)
    job_id = submit(client)
    wait_for(lambda: run.states(job_id).get("running"), 20, "a job group on the model")
    return server, client, job_id


def test_sigterm_lets_running_work_finish_refuses_new_and_loses_nothing(tmp_path: Path) -> None:
    grace = 8.0
    run = Processes(tmp_path, shutdown_grace_s=grace, job_group_size=2, test_seconds_per_item=0.8)
    try:
        server, client, job_id = start_with_a_running_job(run)

        in_flight: list[httpx.Response] = []

        def request() -> None:
            with httpx.Client(base_url=run.url, timeout=30) as own:
                text = "The ferry to the island resumed service on Monday after repairs."
                in_flight.append(own.post("/v1/summarize", json={"text": text, "targets": ["en"]}))

        requester = threading.Thread(target=request)
        requester.start()
        wait_for(lambda: queue_depth(client) >= 1, 10, "the request to wait for the model")
        signalled = time.monotonic()
        server.send_signal(signal.SIGTERM)

        wait_for(lambda: client.get("/readyz").status_code == 503, 5, "the server to drain")
        refused = client.post("/v1/summarize", json={"text": "Another story.", "targets": ["en"]})
        assert refused.status_code == 503
        assert refused.json() == {
            "error": {"code": "shutting_down", "message": refused.json()["error"]["message"]}
        }
        assert int(refused.headers["retry-after"]) > 0
        assert client.post("/v1/jobs", json={"items": ITEMS}).json()["error"]["code"] == (
            "shutting_down"
        )
        assert client.get("/healthz").status_code == 200  # alive while it drains

        requester.join(grace + 5)
        assert [r.status_code for r in in_flight] == [200]
        assert in_flight[0].json()["summaries"]["en"]["text"]
        assert server.wait(grace + 5) in (0, -signal.SIGTERM)
        assert time.monotonic() - signalled < grace + 2
        client.close()

        states = run.states(job_id)
        assert "running" not in states, states  # nothing left claimed by a dead process
        assert states.get("done", 0) >= 2, states  # the group on the model finished
        assert states.get("queued", 0) >= 1, states  # the rest waits for the next start
        finish_after_restart(run, job_id, "second")
    finally:
        run.stop_all()


def test_job_items_still_running_after_the_grace_go_back_to_the_queue(tmp_path: Path) -> None:
    grace = 1.0
    run = Processes(tmp_path, shutdown_grace_s=grace, job_group_size=2, test_seconds_per_item=4)
    try:
        server, client, job_id = start_with_a_running_job(run)
        late: list[httpx.Response] = []
        body = {"text": "The ferry resumed service on Monday.", "targets": ["en"]}
        requester = threading.Thread(
            target=lambda: late.append(httpx.post(f"{run.url}/v1/summarize", json=body, timeout=30))
        )
        requester.start()
        wait_for(lambda: queue_depth(client) >= 1, 10, "the request to wait for the model")
        client.close()
        signalled = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(grace + 10) in (0, -signal.SIGTERM)
        # Out well before the group of two 4-second items could have finished.
        assert time.monotonic() - signalled < grace + 3, run.log("first")
        requester.join(10)
        assert late[0].status_code == 503  # it waited past the grace: told so, not a bare 500
        assert late[0].json()["error"]["code"] == "shutting_down"
        assert run.states(job_id) == {"queued": len(ITEMS)}
        assert run.writes(job_id) == {}
        finish_after_restart(run, job_id, "second")
    finally:
        run.stop_all()


def test_a_request_on_the_model_when_the_grace_ends_stops_the_model(tmp_path: Path) -> None:
    grace = 1.0
    run = Processes(tmp_path, shutdown_grace_s=grace, test_seconds_per_item=60)
    try:
        server = run.serve("first")
        cut: list[httpx.Response] = []
        body = {"text": "The ferry resumed service on Monday.", "targets": ["en"]}
        requester = threading.Thread(
            target=lambda: cut.append(httpx.post(f"{run.url}/v1/summarize", json=body, timeout=90))
        )
        requester.start()
        wait_for(lambda: "call began" in run.log("first"), 20, "the request on the model")
        server.send_signal(signal.SIGTERM)
        assert server.wait(grace + 10) in (0, -signal.SIGTERM)  # not the call's 60 s
        requester.join(10)
        assert cut[0].status_code == 503
        assert cut[0].json()["error"]["code"] == "shutting_down"
        log = run.log("first")
        assert "fake model first: call cancelled" in log  # stopped, not left running
        assert "exiting without waiting for the model call" not in log, log
    finally:
        run.stop_all()


@pytest.mark.parametrize("grace", [0.5, 10.0])
def test_a_worker_process_hands_back_or_finishes_its_group_on_sigterm(
    tmp_path: Path, grace: float
) -> None:
    run = Processes(tmp_path, shutdown_grace_s=grace, job_group_size=2, test_seconds_per_item=2)
    store = JobStore.open(run.data_dir)
    items = [WorkItem(n, item["id"], item["text"]) for n, item in enumerate(ITEMS)]
    job, _ = store.create_job(Options.parse(["en"], "short"), items)
    store.close()
    run.count_result_writes()
    try:
        worker = run.start("worker", "first")
        wait_for(lambda: run.states(job.id).get("running"), 30, "the worker to claim a group")
        signalled = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(grace + 10) in (0, -signal.SIGTERM)
        elapsed = time.monotonic() - signalled
        states = run.states(job.id)
        assert "running" not in states, states
        if grace < 1:  # the group (two 2-second items) could not finish: handed back
            assert elapsed < 3, run.log("first")
            assert states == {"queued": len(ITEMS)}
        else:  # it finished, and the worker took no other
            assert states == {"done": 2, "queued": len(ITEMS) - 2}, run.log("first")
        run.start("worker", "second")
        wait_for(lambda: run.states(job.id) == {"done": len(ITEMS)}, 60, "the second worker")
        assert run.writes(job.id) == {n: 1 for n in range(len(ITEMS))}
    finally:
        run.stop_all()
