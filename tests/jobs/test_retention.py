"""Retention on SQLite and PostgreSQL, on an injected clock: finished jobs, their results,
stories' summaries and cache entries go `retention_days` after their last write; unfinished
work and owed webhooks stay; the SQLite file stays bounded over a soak of many jobs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.retention_soak import soak
from service.cli import main
from service.errors import LingosumError
from service.jobs.manager import DAY_S
from service.jobs.store import JobStore, Outcome, Webhook
from service.pipeline.documents import Options, WorkItem
from service.settings import Settings
from tests.api.support import app_with, scripted
from tests.api.test_jobs import JOB_SECRET
from tests.fakes import FakeBackend, write_prompts

OPTIONS = Options({"en": "en"}, "short")
RESULT = {"summaries": {"en": {"text": "A bridge opened."}}}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        self.now += 0.001  # every write a little later than the last
        return self.now


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[JobStore]:
    store = JobStore.open(tmp_path / "data", database_url)
    store.clock = Clock()
    yield store
    store.close()


def finished_job(store: JobStore, texts: list[str], **options: object) -> str:
    """A job run to the end, its results cached; story items if `story` is given."""
    story = options.pop("story", None)
    items = [
        WorkItem(n, f"i{n}", text, external_id=f"{story}-{n}" if story else None)
        for n, text in enumerate(texts)
    ]
    job, _ = store.create_job(OPTIONS, items, **options)  # type: ignore[arg-type]
    outcomes = [
        Outcome(n, RESULT, cache_entry=(f"{job.id}-{n}", RESULT)) for n in range(len(items))
    ]
    assert store.complete(job.id, outcomes) == "done"
    return job.id


def count(store: JobStore, table: str) -> int:
    with store.database.transaction() as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_finished_work_expires_and_unfinished_work_stays(store: JobStore) -> None:
    clock = store.clock
    assert isinstance(clock, Clock)
    old = finished_job(store, ["Old story one.", "Old story two."], story="old")
    owed = finished_job(store, ["Its webhook is owed."], webhook=Webhook("http://h/", JOB_SECRET))
    waiting, _ = store.create_job(OPTIONS, [WorkItem(0, "q", "Still queued.")])
    clock.now += 31 * DAY_S
    fresh = finished_job(store, ["A new story."])

    pruned = store.prune(30 * DAY_S)

    assert (pruned.jobs, pruned.items, pruned.documents, pruned.cache) == (1, 2, 2, 3)
    with pytest.raises(LingosumError) as gone:
        store.items(old)
    assert gone.value.code == "job_not_found"
    assert store.document("", "old-0") is None
    assert store.job(owed).webhook_status == "pending"  # kept until the webhook is sent
    assert store.job(waiting.id).status == "queued"
    assert [item.state for item in store.items(fresh)] == ["done"]
    assert store.cached([f"{fresh}-0"]) and not store.cached([f"{old}-0"])

    store.set_webhook_status(owed, "delivered")
    assert store.prune(30 * DAY_S).jobs == 1
    assert store.prune(30 * DAY_S).rows == 0


def test_the_sqlite_file_stays_bounded_when_pruned(tmp_path: Path) -> None:
    kept = soak(tmp_path / "kept", 16, 20, retention_days=3, prune=False)
    pruned = soak(tmp_path / "pruned", 16, 20, retention_days=3, prune=True)

    assert kept[-1] - kept[4] > 3_000_000  # without pruning it grows every day (~0.4 MB)
    assert max(pruned[4:]) < 1.3 * pruned[4]  # with it, it stops growing after 3 days
    assert pruned[-1] < kept[-1] / 5


def test_the_prune_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = JobStore.open(tmp_path / "data")
    store.clock = lambda: time.time() - 2 * DAY_S  # written two days ago
    finished_job(store, ["An old story."])
    store.close()
    prune = ["data", "prune", "--data-dir", str(tmp_path / "data")]

    assert main(prune) == 0
    assert "Pruned 0 job(s)" in capsys.readouterr().out  # kept 30 days by default
    assert main([*prune, "--retention-days", "1"]) == 0
    assert "Pruned 1 job(s) with 1 item(s)" in capsys.readouterr().out


def test_the_server_prunes_by_itself(tmp_path: Path) -> None:
    store = JobStore.open(tmp_path / "data")
    store.clock = lambda: time.time() - 40 * DAY_S
    old = finished_job(store, ["A story from last month."])
    store.close()
    settings = Settings(
        prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False, data_dir=tmp_path / "data"
    )

    with app_with(settings, FakeBackend(scripted)) as client:
        deadline = time.monotonic() + 10
        while client.get(f"/v1/jobs/{old}").status_code != 404:
            assert time.monotonic() < deadline, "the server never pruned the old job"
            time.sleep(0.05)


def test_a_deleted_jobs_text_leaves_no_bytes_in_the_sqlite_files(tmp_path: Path) -> None:
    store = JobStore.open(tmp_path / "data")
    embargoed = "Embargoed until Friday: the minister resigns over the harbor contract."
    finished_job(store, ["A story that stays." * 40])
    gone = finished_job(store, [embargoed * 40])
    store.delete(gone)
    store.close()  # the last connection checkpoints the WAL into the database file
    files = [path for path in (tmp_path / "data").iterdir() if path.is_file()]
    found = [path.name for path in files if embargoed.encode() in path.read_bytes()]

    assert found == []
    assert any(b"A story that stays." in path.read_bytes() for path in files)  # the grep reads
