"""The load script, run for a few seconds on a fake engine: the report it writes holds the
server's invariants under mixed load (no 5xx, overload as 429 with Retry-After, bad requests
refused with a 4xx, every job item finished exactly once, /healthz answering throughout)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.load import BAD

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_fake_load_run_keeps_every_invariant(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "benchmarks.load", "--fake", "--clients", "4"]
    run = subprocess.run(
        [*command, "--duration", "5", "--max-requests", "400", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(out.read_text())
    print(run.stdout)

    assert report["server"]["alive_after"]
    assert report["server_errors"] == 0, report.get("server_log_tail")
    assert report["too_many_without_retry_after"] == 0
    assert 0 < report["requests_sent"] <= 400
    warm = report["warm_up"]  # each kind once, alone: every good one served
    for kind in ("single", "stream", "batch", "job_submit", "job_poll", "detect"):
        assert set(warm[kind]["statuses"]) <= {"200", "202"}, (kind, warm[kind])
    for how in BAD:  # each bad request refused as the client's fault
        assert all(400 <= int(s) < 500 for s in warm[f"bad_{how}"]["statuses"]), how
    loaded = {kind: row for kind, row in report["kinds"].items() if kind.startswith("bad_")}
    assert loaded  # and so under load (each sent one after the other, as far as the run got)
    for kind, row in loaded.items():
        assert all(400 <= int(s) < 500 for s in row["statuses"]), (kind, row)

    jobs = report["job_items"]
    assert jobs["result_writes_counted"]
    assert jobs["accepted"] > 0 and jobs["unfinished_jobs"] == [] and jobs["unfinished"] == 0
    assert (jobs["lost"], jobs["duplicated"]) == (0, 0)
    assert jobs["finished"] + jobs["failed"] == jobs["accepted"]

    health = report["healthz"]
    assert health["probes"] > 0 and health["failures"] == 0
    assert report["loopback_baseline"]["probes"] > 0
    assert report["rss_mb"]["after_warm_up"] and report["rss_mb"]["after_run"]
