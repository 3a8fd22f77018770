"""The job store, on SQLite and PostgreSQL: resume after a crash, leases that lapse,
exactly-once results, idempotency, cancel, capacity, webhook delivery claims."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.errors import LingosumError
from service.jobs.store import JobStore, Outcome, Webhook
from service.pipeline.documents import Options, RejectedItem, WorkItem
from service.store.migrations import JOBS

OPTIONS = Options({"en": "en", "zh": "zh-Hans"}, "short")


def items(count: int) -> list[WorkItem | RejectedItem]:
    return [WorkItem(i, f"item-{i}", f"Article number {i}.") for i in range(count)]


def done(index: int) -> Outcome:
    return Outcome(index, {"summaries": {"en": {"text": f"summary {index}"}}})


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[JobStore]:
    store = JobStore.open(tmp_path / "data", database_url)
    store.clock = Clock()
    yield store
    store.close()


def count(store: JobStore, sql: str, *params: object) -> int:
    with store.database.transaction() as db:
        return int(db.execute(sql, params).fetchone()[0])


@pytest.fixture
def clock(store: JobStore) -> Clock:
    assert isinstance(store.clock, Clock)
    return store.clock


def started(store: JobStore, size: int) -> str:
    job, created = store.create_job(OPTIONS, items(size))
    assert created
    claim = store.next_queued_job()
    assert claim is not None and claim.job_id == job.id
    return job.id


def test_opens_in_wal_mode_and_creates_its_folder(tmp_path: Path) -> None:
    store = JobStore.open(tmp_path / "a" / "b")
    store.close()
    with sqlite3.connect(tmp_path / "a" / "b" / "jobs.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_job_runs_in_groups_and_finishes_done(store: JobStore) -> None:
    job_id = started(store, 5)

    first = store.claim(2, max_attempts=3)
    assert first is not None
    assert [item.index for item in first.items] == [0, 1]
    assert store.job(job_id).progress.running == 2
    assert store.complete(job_id, [done(0), done(1)]) is None
    second = store.claim(3, max_attempts=3)
    assert second is not None
    assert [item.index for item in second.items] == [2, 3, 4]

    assert store.complete(job_id, [done(2), done(3), done(4)]) == "done"
    job = store.job(job_id)
    assert job.status == "done"
    assert (job.progress.total, job.progress.done, job.progress.queued) == (5, 5, 0)
    assert store.claim(2, max_attempts=3) is None
    assert [item.result for item in store.items(job_id)] == [done(i).result for i in range(5)]


def test_a_crash_mid_group_redoes_only_the_items_in_flight(tmp_path: Path) -> None:
    """SQLite: one process owns the file, so at start-up every running item was interrupted."""
    store = JobStore.open(tmp_path)
    job_id = started(store, 4)
    group = store.claim(2, max_attempts=3)
    assert group is not None
    store.complete(job_id, [done(0), done(1)])
    assert store.claim(2, max_attempts=3) is not None  # items 2 and 3 in flight...
    store.close()  # ...when the process dies

    store = JobStore.open(tmp_path)
    assert store.requeue_interrupted() == 2
    again = store.claim(10, max_attempts=3)
    assert again is not None
    assert [item.index for item in again.items] == [2, 3]
    assert store.complete(job_id, [done(2), done(3)]) == "done"

    states = store.items(job_id)
    assert [item.state for item in states] == ["done"] * 4
    assert [item.attempts for item in states] == [1, 1, 2, 2]
    assert [item.result for item in states] == [done(i).result for i in range(4)]


def test_a_result_is_written_once_even_if_a_stale_group_reports_late(store: JobStore) -> None:
    job_id = started(store, 1)
    assert store.claim(1, max_attempts=3) is not None
    store.complete(job_id, [done(0)])

    late = Outcome(0, {"summaries": {"en": {"text": "a second, different summary"}}})
    store.complete(job_id, [late])

    [item] = store.items(job_id)
    assert item.result == done(0).result
    assert count(store, "SELECT COUNT(*) FROM items WHERE job_id = ?", job_id) == 1


def test_cache_entries_are_written_with_their_result(store: JobStore) -> None:
    job_id = started(store, 2)
    assert store.claim(2, max_attempts=3) is not None
    store.complete(
        job_id,
        [
            Outcome(0, {"r": 0}, cache_entry=("key-0", {"r": 0})),
            Outcome(1, error=LingosumError("text_too_long", "Too long.", 413)),
        ],
    )

    assert store.cached(["key-0", "key-1"]) == {"key-0": {"r": 0}}
    failed = store.items(job_id)[1]
    assert failed.state == "failed"
    assert failed.error == {"code": "text_too_long", "message": "Too long."}
    assert store.job(job_id).status == "done"  # one item done: the job is done, not failed


def test_same_idempotency_key_returns_the_same_job_and_a_different_body_conflicts(
    store: JobStore,
) -> None:
    first, created = store.create_job(OPTIONS, items(3), idempotency_key="k", request_hash="h1")
    again, created_again = store.create_job(
        OPTIONS, items(3), idempotency_key="k", request_hash="h1"
    )
    assert created and not created_again
    assert again.id == first.id
    assert store.job_for_key("k", "h1") is not None
    assert store.job_for_key("other", "h1") is None

    with pytest.raises(LingosumError) as conflict:
        store.create_job(OPTIONS, items(2), idempotency_key="k", request_hash="h2")
    assert (conflict.value.status, conflict.value.code) == (409, "idempotency_conflict")
    assert count(store, "SELECT COUNT(*) FROM jobs") == 1
    assert count(store, "SELECT COUNT(*) FROM items") == 3


def test_cancel_stops_queued_items_and_keeps_the_group_in_flight(store: JobStore) -> None:
    job_id = started(store, 4)
    assert store.claim(1, max_attempts=3) is not None

    cancelled = store.cancel(job_id)
    assert cancelled.status == "cancelled"
    assert store.claim(4, max_attempts=3) is None
    store.complete(job_id, [done(0)])

    assert [item.state for item in store.items(job_id)] == ["done"] + ["cancelled"] * 3
    assert store.job(job_id).status == "cancelled"
    assert store.cancel(job_id).status == "cancelled"  # cancelling again is harmless


def test_cancel_of_a_finished_or_unknown_job(store: JobStore) -> None:
    job_id = started(store, 1)
    assert store.claim(1, max_attempts=3) is not None
    store.complete(job_id, [done(0)])
    with pytest.raises(LingosumError) as finished:
        store.cancel(job_id)
    assert (finished.value.status, finished.value.code) == (409, "job_finished")
    with pytest.raises(LingosumError) as unknown:
        store.cancel("no-such-job")
    assert (unknown.value.status, unknown.value.code) == (404, "job_not_found")


def test_a_job_is_deleted_only_once_nothing_of_it_runs(store: JobStore) -> None:
    job_id = started(store, 2)
    assert store.claim(1, max_attempts=3) is not None
    store.cancel(job_id)  # its claimed item still runs
    with pytest.raises(LingosumError) as running:
        store.delete(job_id)
    assert (running.value.status, running.value.code) == (409, "job_not_finished")
    store.complete(job_id, [done(0)])
    store.delete(job_id)
    assert count(store, "SELECT COUNT(*) FROM items WHERE job_id = ?", job_id) == 0
    with pytest.raises(LingosumError) as gone:
        store.job(job_id)
    assert gone.value.code == "job_not_found"
    with pytest.raises(LingosumError) as again:
        store.delete(job_id)
    assert again.value.code == "job_not_found"


def test_items_refused_at_submission_fail_alone_and_a_job_of_only_those_fails(
    store: JobStore,
) -> None:
    bad = RejectedItem(1, "b", LingosumError("invalid_request", "text: text is empty", 422))
    job, _ = store.create_job(OPTIONS, [WorkItem(0, "a", "Fine."), bad])
    assert job.progress.failed == 1 and job.progress.queued == 1
    assert store.items(job.id)[1].error == {
        "code": "invalid_request",
        "message": "text: text is empty",
    }

    hopeless, _ = store.create_job(OPTIONS, [bad])
    assert hopeless.status == "failed"


def test_items_that_keep_dying_are_abandoned(store: JobStore, clock: Clock) -> None:
    job_id = started(store, 1)
    for _ in range(2):
        assert store.claim(1, max_attempts=2, worker="w", lease_s=10) is not None
        clock.now += 11  # the worker died: its lease lapses

    claim = store.claim(1, max_attempts=2, worker="w", lease_s=10)
    assert claim is not None and claim.items == []
    [item] = store.items(job_id)
    assert (item.state, item.attempts) == ("failed", 2)
    assert item.error is not None and item.error["code"] == "item_abandoned"
    assert store.complete(job_id, [], "w") == "failed"
    assert store.job(job_id).status == "failed"


def test_capacity_refuses_a_job_that_would_hold_too_many_items(store: JobStore) -> None:
    store.create_job(OPTIONS, items(3), capacity=5)
    with pytest.raises(LingosumError) as busy:
        store.create_job(OPTIONS, items(3), capacity=5)
    assert (busy.value.status, busy.value.code) == (429, "overloaded")
    assert busy.value.retry_after


def test_webhook_becomes_pending_when_the_job_finishes(store: JobStore) -> None:
    job, _ = store.create_job(OPTIONS, items(1), webhook=Webhook("http://127.0.0.1:9/h", "s"))
    assert store.jobs_with_webhook("pending") == []
    store.next_queued_job()
    assert store.claim(1, max_attempts=3) is not None
    store.complete(job.id, [done(0)])

    assert store.jobs_with_webhook("pending") == [job.id]
    assert store.webhook_of(job.id) == ("http://127.0.0.1:9/h", "s")
    store.set_webhook_status(job.id, "delivered")
    assert store.job(job.id).webhook_status == "delivered"


def story(index: int, revision: int | None, owner: str = "cms") -> WorkItem:
    return WorkItem(index, f"s{index}", f"Save {index}.", external_id="story", revision=revision)


def states(store: JobStore, job_id: str) -> list[str]:
    return [item.state for item in store.items(job_id)]


def test_revisions_supersede_queued_older_ones_per_owner(store: JobStore) -> None:
    old, _ = store.create_job(OPTIONS, [story(0, 1)], owner="cms")
    other, _ = store.create_job(OPTIONS, [story(0, 1)], owner="someone else")
    both, _ = store.create_job(OPTIONS, [story(0, 3), story(1, 2)], owner="cms")
    assert states(store, old.id) == ["superseded"]
    assert states(store, other.id) == ["queued"]  # another key's story of the same id
    assert states(store, both.id) == ["queued", "superseded"]  # older than one already queued
    assert store.job(old.id).status == "done"  # nothing left to do

    unnumbered, _ = store.create_job(OPTIONS, [story(0, None)], owner="cms")
    assert states(store, both.id) == ["superseded", "superseded"]  # no revision: the latest save
    assert states(store, unnumbered.id) == ["queued"]


def test_a_finished_story_is_kept_unless_a_newer_revision_is(store: JobStore) -> None:
    job, _ = store.create_job(OPTIONS, [story(0, 2)], owner="cms")
    claim = store.next_queued_job()
    assert claim is not None and claim.items[0].external_id == "story"
    store.complete(job.id, [done(0)])
    kept = store.document("cms", "story")
    assert kept is not None and (kept.revision, kept.job_id) == (2, job.id)
    assert kept.result == done(0).result

    store.record_document("cms", "story", 1, OPTIONS, {"summaries": {}})
    assert store.document("cms", "story") == kept  # an older revision does not replace it
    store.record_document("cms", "story", 3, OPTIONS, {"summaries": {}})
    newer = store.document("cms", "story")
    assert newer is not None and (newer.revision, newer.job_id) == (3, None)
    assert store.document("someone else", "story") is None
    assert store.document(None, "story") == newer  # an admin sees every owner's


def test_a_lapsed_lease_goes_to_another_worker_and_the_first_cannot_write(
    store: JobStore, clock: Clock
) -> None:
    job_id = started(store, 3)
    first = store.claim(2, max_attempts=3, worker="a", lease_s=30)
    assert first is not None and [item.index for item in first.items] == [0, 1]
    clock.now += 20
    assert store.renew("a", 30) == 2  # a renews while its model works...
    clock.now += 20
    second = store.claim(3, max_attempts=3, worker="b", lease_s=60)
    assert second is not None and [item.index for item in second.items] == [2]
    clock.now += 31  # ...then dies, and its lease lapses
    third = store.claim(3, max_attempts=3, worker="b", lease_s=30)
    assert third is not None and [item.index for item in third.items] == [0, 1]

    late = Outcome(0, {"summaries": {"en": {"text": "from the worker that died"}}})
    assert store.complete(job_id, [late], "a") is None
    assert store.renew("a", 30) == 0
    assert store.complete(job_id, [done(2)], "b") is None
    assert store.complete(job_id, [done(0), done(1)], "b") == "done"
    states = store.items(job_id)
    assert [item.result for item in states] == [done(i).result for i in range(3)]
    assert [item.attempts for item in states] == [2, 2, 1]


def test_claims_of_two_workers_never_overlap(store: JobStore) -> None:
    job_id = started(store, 5)
    a = store.claim(2, max_attempts=3, worker="a")
    b = store.claim(2, max_attempts=3, worker="b")
    assert a is not None and b is not None
    assert [i.index for i in a.items] == [0, 1] and [i.index for i in b.items] == [2, 3]
    assert store.complete(job_id, [done(2)], "a") is None  # not a's item: refused
    assert store.items(job_id)[2].state == "running"
    store.release(job_id, [2, 3], "b")
    assert [i.state for i in store.items(job_id)][2:] == ["queued"] * 3


def test_a_webhook_is_claimed_by_one_process_until_its_claim_lapses(
    store: JobStore, clock: Clock
) -> None:
    job, _ = store.create_job(OPTIONS, items(1), webhook=Webhook("http://127.0.0.1:9/h", "s"))
    store.next_queued_job()
    assert store.claim(1, max_attempts=3) is not None
    store.complete(job.id, [done(0)])

    assert store.claim_webhook(job.id, 60)
    assert not store.claim_webhook(job.id, 60)  # another process: already being sent
    assert store.jobs_with_webhook("pending") == []
    clock.now += 61  # the sender died mid-delivery
    assert store.jobs_with_webhook("pending") == [job.id]
    assert store.claim_webhook(job.id, 60)
    store.set_webhook_status(job.id, "delivered")
    assert not store.claim_webhook(job.id, 60)


def test_migrations_are_recorded_and_applied_once(tmp_path: Path, database_url: str | None) -> None:
    for _ in range(2):
        store = JobStore.open(tmp_path, database_url)
        versions = count(
            store, "SELECT COUNT(*) FROM schema_migrations WHERE component = ?", "jobs"
        )
        store.close()
        assert versions == len(JOBS)


def test_a_database_made_before_migrations_is_adopted(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:  # the schema of the first release
        db.executescript(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at REAL NOT"
            " NULL, updated_at REAL NOT NULL, options TEXT NOT NULL, source TEXT,"
            " idempotency_key TEXT UNIQUE, request_hash TEXT, webhook_url TEXT,"
            " webhook_secret TEXT, webhook_status TEXT NOT NULL DEFAULT 'none');"
            "CREATE TABLE items (job_id TEXT NOT NULL REFERENCES jobs(id), idx INTEGER NOT NULL,"
            " item_id TEXT NOT NULL, title TEXT, link TEXT, text TEXT NOT NULL,"
            " source_language TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
            " cached INTEGER NOT NULL DEFAULT 0, result TEXT, error TEXT,"
            " PRIMARY KEY (job_id, idx));"
        )
    store = JobStore.open(tmp_path)
    job_id = started(store, 1)
    assert store.claim(1, max_attempts=3, worker="w") is not None
    assert store.complete(job_id, [done(0)], "w") == "done"
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(items)")}
    assert {"external_id", "revision", "claimed_by", "lease_until"} <= columns
