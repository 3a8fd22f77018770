"""Many processes, one queue, on a real PostgreSQL, with a fake model: a worker SIGKILLed
mid-item loses it to the other, every result is written once, and `serve --no-worker` runs no
item. tests/e2e/test_model_server.py runs the same scenario with `lingosum` on a real model."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import write_prompts
from tests.multiprocess.scenario import ROOT, kill_one_worker_scenario
from tests.postgres import private_schema

pytestmark = pytest.mark.postgres
LEASE_S = 3


@pytest.fixture
def schema_url() -> Iterator[str]:
    with private_schema() as url:
        yield url


def test_a_killed_worker_s_item_is_redone_by_the_other_and_written_once(
    tmp_path: Path, schema_url: str
) -> None:
    fake = [sys.executable, "-m", "tests.multiprocess.fake_process"]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LINGOSUM_PROMPTS_DIR": str(write_prompts(tmp_path / "prompts")),
        "LINGOSUM_JOB_LEASE_S": str(LEASE_S),
        "LINGOSUM_JOB_GROUP_SIZE": "1",
    }
    items = [
        {"id": f"a{n}", "text": f"The harbor bridge number {n} opened on Tuesday."}
        for n in range(8)
    ]
    job, results, _ = kill_one_worker_scenario(
        tmp_path,
        schema_url,
        [*fake, "serve"],
        [*fake, "worker"],
        env,
        {"items": items, "targets": ["en", "zh"]},
        finish_s=120,
    )
    by_index = {item["index"]: item["result"] for item in results}
    for item in job["items"]:
        if item["attempts"] == 2:  # the killed worker's item, written by the other
            assert "worker beta wrote" in by_index[item["index"]]["summaries"]["en"]["text"]
    models = {step["model"] for result in by_index.values() for step in result["route"]}
    assert "fake-api" not in models  # the API replica (--no-worker) ran no item
