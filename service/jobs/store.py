"""Jobs, their items and results, and the result cache, in SQLite or PostgreSQL.

Every change is one transaction: an item's result is written together with its state, so a
crash leaves each item either finished once or still to do. A worker claims items under its
name with a lease that it renews while the model runs; an item whose lease lapses (its worker
died) is queued again and taken by another worker, and only the current claimer may write its
result. With SQLite one process owns the file, so items left running at start-up are queued
again at once.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import LingosumError
from ..pipeline.documents import Options, RejectedItem, WorkItem
from ..store import Database, Sealer, Transaction, open_database
from ..store.migrations import JOBS

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
ItemState = Literal["queued", "running", "done", "failed", "cancelled", "superseded"]
WebhookStatus = Literal["none", "pending", "delivered", "failed"]
ACTIVE: tuple[JobStatus, ...] = ("queued", "running")
_ALL_ROWS = 2**62  # a LIMIT both databases read as none


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str | None  # None: signed with the server's `webhook_secret` when sent


@dataclass(frozen=True)
class Progress:
    total: int = 0
    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0
    cancelled: int = 0
    superseded: int = 0
    cached: int = 0


@dataclass(frozen=True)
class JobRecord:
    id: str
    status: JobStatus
    created_at: float
    updated_at: float
    options: Options
    source: dict[str, Any] | None
    webhook_url: str | None
    webhook_status: WebhookStatus
    progress: Progress
    owner: str | None = None  # the API key that submitted the job


@dataclass(frozen=True)
class ItemRecord:
    index: int
    id: str
    title: str | None
    link: str | None
    state: ItemState
    attempts: int
    cached: bool
    result: dict[str, Any] | None
    error: dict[str, str] | None
    external_id: str | None = None
    revision: int | None = None


@dataclass(frozen=True)
class DocumentRecord:
    """The latest finished summaries of one story of one owner."""

    owner: str  # the API key's name; "" where no key was used
    external_id: str
    revision: int | None
    options: Options
    result: dict[str, Any]  # keyed by target as the request that made it asked
    job_id: str | None  # None: made by a single request
    made_at: float


@dataclass(frozen=True)
class Outcome:
    """What became of one item: a result (JSON, keyed as the job asked) or an error."""

    index: int
    result: dict[str, Any] | None = None
    error: LingosumError | None = None
    cached: bool = False
    cache_entry: tuple[str, dict[str, Any]] | None = None  # (key, result) to cache


@dataclass(frozen=True)
class Pruned:
    """Rows one prune deleted."""

    jobs: int = 0
    items: int = 0
    documents: int = 0
    cache: int = 0

    @property
    def rows(self) -> int:
        return self.jobs + self.items + self.documents + self.cache


@dataclass(frozen=True)
class Claim:
    job_id: str
    options: Options
    items: list[WorkItem]
    owner: str | None = None  # the API key that submitted the job


def job_not_found(job_id: str) -> LingosumError:
    return LingosumError("job_not_found", f"There is no job {job_id!r}.", status=404)


class JobStore:
    """Thread-safe; callers on the event loop use a thread. `clock` is the time leases use."""

    FILE = "jobs.sqlite3"

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.clock = clock
        self._transaction = database.transaction

    @classmethod
    def open(
        cls, data_dir: Path, url: str | None = None, secret_key: str | None = None
    ) -> JobStore:
        """The store at `url` (LINGOSUM_DATABASE_URL), by default a file in `data_dir`; webhook
        secrets are sealed with `secret_key` (LINGOSUM_SECRET_KEY) or data_dir's key file."""
        sealer = Sealer.load(data_dir, secret_key)
        return cls(open_database(url, data_dir / cls.FILE, "jobs", JOBS, sealer=sealer))

    def close(self) -> None:
        self.database.close()

    # Submission and reading.

    def create_job(
        self,
        options: Options,
        items: Sequence[WorkItem | RejectedItem],
        *,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
        webhook: Webhook | None = None,
        source: dict[str, Any] | None = None,
        capacity: int | None = None,
        owner: str | None = None,
    ) -> tuple[JobRecord, bool]:
        """The new job and True, or the job an earlier request with the same key made and False.

        The same key with a different request is refused with 409 `idempotency_conflict`; a
        job that would take the unfinished items over `capacity` gets 429.
        """
        with self._transaction() as db:
            if idempotency_key is not None:
                existing = self._by_key(db, idempotency_key, request_hash)
                if existing is not None:
                    return self._record(db, existing), False
            if capacity is not None:
                self._check_capacity(db, len(items), capacity)
            job_id = uuid.uuid4().hex
            now = self.clock()
            db.execute(
                "INSERT INTO jobs (id, status, created_at, updated_at, options, source,"
                " idempotency_key, request_hash, webhook_url, webhook_secret, owner)"
                " VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    now,
                    now,
                    json.dumps(options.to_json()),
                    json.dumps(source) if source is not None else None,
                    idempotency_key,
                    request_hash,
                    webhook.url if webhook else None,
                    self._seal(webhook.secret) if webhook else None,
                    owner,
                ),
            )
            db.executemany(
                "INSERT INTO items (job_id, idx, item_id, title, link, text, source_language,"
                " state, error, external_id, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_item_row(job_id, item) for item in items],
            )
            for item in items:
                if isinstance(item, WorkItem) and item.external_id is not None:
                    self._supersede(db, owner or "", job_id, item)
            self._finish_if_complete(db, job_id)
            return self._record(db, job_id), True

    def job_for_key(self, idempotency_key: str, request_hash: str) -> JobRecord | None:
        """The job an earlier request with this key made (409 if that request differed)."""
        with self._transaction() as db:
            job_id = self._by_key(db, idempotency_key, request_hash)
            return self._record(db, job_id) if job_id is not None else None

    def job(self, job_id: str) -> JobRecord:
        with self._transaction() as db:
            return self._record(db, job_id)

    def items(self, job_id: str, offset: int = 0, limit: int = -1) -> list[ItemRecord]:
        with self._transaction() as db:
            self._record(db, job_id)  # 404 for an unknown job
            rows = db.execute(
                f"SELECT {_ITEM_COLUMNS} FROM items WHERE job_id = ? ORDER BY idx LIMIT ? OFFSET ?",
                (job_id, limit if limit >= 0 else _ALL_ROWS, offset),
            ).fetchall()
        return [_item_record(row) for row in rows]

    def unfinished_jobs(self, owner: str) -> int:
        """The owner's (an API key's) jobs still queued or running."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE owner = ? AND status IN ('queued', 'running')",
                (owner,),
            ).fetchone()
        return int(row[0])

    def item_states(self) -> tuple[dict[str, int], int]:
        """Every job item counted by state, and how many were answered from the cache."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT state, COUNT(*), SUM(cached) FROM items GROUP BY state"
            ).fetchall()
        return {row[0]: int(row[1]) for row in rows}, sum(int(row[2] or 0) for row in rows)

    def webhook_of(self, job_id: str) -> tuple[str, str | None] | None:
        """The job's webhook URL and its own secret (None: the server's setting signs it)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT webhook_url, webhook_secret FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
        if not row or not row[0]:
            return None
        return row[0], self._unseal(row[1])

    def jobs_with_webhook(self, status: WebhookStatus) -> list[str]:
        """Jobs whose webhook is in `status`; pending ones only if no process is sending them."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id FROM jobs WHERE webhook_status = ? AND (webhook_claimed_until IS NULL"
                " OR webhook_claimed_until < ?) ORDER BY updated_at",
                (status, self.clock()),
            ).fetchall()
        return [row[0] for row in rows]

    def claim_webhook(self, job_id: str, for_s: float) -> bool:
        """Whether this process may send the job's pending webhook, which no other process
        then sends for `for_s` seconds (after that, a lost sender's delivery is taken over)."""
        now = self.clock()
        with self._transaction() as db:
            return bool(
                db.execute(
                    "UPDATE jobs SET webhook_claimed_until = ? WHERE id = ?"
                    " AND webhook_status = 'pending'"
                    " AND (webhook_claimed_until IS NULL OR webhook_claimed_until < ?)",
                    (now + for_s, job_id, now),
                ).rowcount
            )

    def set_webhook_status(self, job_id: str, status: WebhookStatus) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET webhook_status = ?, webhook_claimed_until = NULL WHERE id = ?",
                (status, job_id),
            )

    # The workers' side. `worker` names the claiming process; only it may write its items.

    def requeue_interrupted(self) -> int:
        """Items whose claimer is gone are queued again (their attempt counts): with SQLite,
        every running item (one process owns the file); on a shared database, lapsed leases."""
        with self._transaction() as db:
            if self.database.shared:
                return self._requeue_lapsed(db)
            return db.execute(
                "UPDATE items SET state = 'queued', claimed_by = NULL, lease_until = NULL"
                " WHERE state = 'running'"
            ).rowcount

    def next_queued_job(self) -> Claim | None:
        """The oldest job not started yet, with all its queued items; it becomes running.

        The items stay queued (any worker may claim them); the caller writes the ones the
        cache answers.
        """
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, options, owner FROM jobs WHERE status = 'queued'"
                " ORDER BY created_at LIMIT 1" + self.database.skip_locked("jobs")
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET status = 'running', updated_at = ? WHERE id = ?",
                (self.clock(), row["id"]),
            )
            items = db.execute(
                f"SELECT {_WORK_COLUMNS} FROM items"
                " WHERE job_id = ? AND state = 'queued' ORDER BY idx",
                (row["id"],),
            ).fetchall()
        work = [_work_item(r) for r in items]
        return Claim(row["id"], _options(row["options"]), work, row["owner"])

    def claim(
        self, size: int, max_attempts: int, worker: str = "", lease_s: float = 60.0
    ) -> Claim | None:
        """Up to `size` queued items of the oldest running job, claimed by `worker` until its
        lease lapses `lease_s` from now, attempt counted.

        Items another worker holds are skipped, not waited for. Items already started
        `max_attempts` times fail instead of running again (the claim's `complete` then
        finishes the job if they were its last).
        """
        now = self.clock()
        with self._transaction() as db:
            self._requeue_lapsed(db)
            found = db.execute(
                "SELECT i.job_id, i.idx, i.item_id, i.text, i.title, i.source_language, i.link,"
                " i.external_id, i.revision, i.attempts FROM items i JOIN jobs j ON j.id = i.job_id"
                " WHERE i.state = 'queued' AND j.status = 'running'"
                " ORDER BY j.created_at, i.job_id, i.idx LIMIT ?" + self.database.skip_locked("i"),
                (size,),
            ).fetchall()
            if not found:
                return None
            job_id = found[0]["job_id"]
            rows = [row for row in found if row["job_id"] == job_id]  # a group is one job's
            job = db.execute("SELECT options, owner FROM jobs WHERE id = ?", (job_id,)).fetchone()
            exhausted = [row["idx"] for row in rows if row["attempts"] >= max_attempts]
            fresh = [row for row in rows if row["attempts"] < max_attempts]
            self._abandon(db, job_id, exhausted, max_attempts)
            db.executemany(
                "UPDATE items SET state = 'running', attempts = attempts + 1, claimed_by = ?,"
                " lease_until = ? WHERE job_id = ? AND idx = ?",
                [(worker, now + lease_s, job_id, row["idx"]) for row in fresh],
            )
        work = [_work_item(row) for row in fresh]
        return Claim(job_id, _options(job["options"]), work, job["owner"])

    def renew(self, worker: str, lease_s: float) -> int:
        """Extend the lease of every item `worker` is running; how many it still holds."""
        with self._transaction() as db:
            return db.execute(
                "UPDATE items SET lease_until = ? WHERE state = 'running' AND claimed_by = ?",
                (self.clock() + lease_s, worker),
            ).rowcount

    def complete(
        self, job_id: str, outcomes: Sequence[Outcome], worker: str = ""
    ) -> JobStatus | None:
        """Write each outcome with its item's state (and cache entry) in one transaction.

        Only items still queued, or running under `worker`'s claim, are written, so a result
        never lands twice, an item another worker took over is left to it, and a cancelled
        item stays cancelled. Returns the job's status if this finished it.
        """
        with self._transaction() as db:
            # Writers of one job take turns, so the last one sees every item finished.
            db.execute("SELECT id FROM jobs WHERE id = ?" + self.database.for_update, (job_id,))
            for outcome in outcomes:
                written = db.execute(
                    "UPDATE items SET state = ?, cached = ?, result = ?, error = ?,"
                    " claimed_by = NULL, lease_until = NULL WHERE job_id = ? AND idx = ?"
                    " AND (state = 'queued' OR (state = 'running' AND claimed_by = ?))",
                    (
                        "done" if outcome.result is not None else "failed",
                        int(outcome.cached),
                        json.dumps(outcome.result, ensure_ascii=False)
                        if outcome.result is not None
                        else None,
                        _error_json(outcome.error) if outcome.error is not None else None,
                        job_id,
                        outcome.index,
                        worker,
                    ),
                ).rowcount
                if written and outcome.cache_entry is not None:
                    self._put_cache(db, *outcome.cache_entry)
                if written and outcome.result is not None:
                    self._record_item_document(db, job_id, outcome)
            db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (self.clock(), job_id))
            return self._finish_if_complete(db, job_id)

    def release(self, job_id: str, indexes: Sequence[int], worker: str = "") -> None:
        """Put `worker`'s running items back in the queue (their model call failed as a whole)."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE items SET state = 'queued', claimed_by = NULL, lease_until = NULL"
                " WHERE job_id = ? AND idx = ? AND state = 'running' AND claimed_by = ?",
                [(job_id, index, worker) for index in indexes],
            )

    def cancel(self, job_id: str) -> JobRecord:
        """Queued items are cancelled; groups already on a model finish and are kept. Workers
        claim only items of running jobs, so every process stops taking the job's items."""
        with self._transaction() as db:
            db.execute("SELECT id FROM jobs WHERE id = ?" + self.database.for_update, (job_id,))
            record = self._record(db, job_id)
            if record.status in ("done", "failed"):
                raise LingosumError(
                    "job_finished", f"Job {job_id} has already finished ({record.status}).", 409
                )
            if record.status != "cancelled":
                db.execute(
                    "UPDATE items SET state = 'cancelled' WHERE job_id = ? AND state = 'queued'",
                    (job_id,),
                )
                self._set_finished(db, job_id, "cancelled")
            return self._record(db, job_id)

    def delete(self, job_id: str) -> None:
        """Remove a finished job and its items; 409 `job_not_finished` while anything of it is
        still to run or to send (cancel it first). The summaries it kept for stories stay."""
        with self._transaction() as db:
            db.execute("SELECT id FROM jobs WHERE id = ?" + self.database.for_update, (job_id,))
            record = self._record(db, job_id)
            busy = record.progress.queued or record.progress.running
            if record.status in ("queued", "running") or busy or record.webhook_status == "pending":
                raise LingosumError(
                    "job_not_finished",
                    f"Job {job_id} is still {record.status}; cancel it first "
                    f"(POST /v1/jobs/{job_id}/cancel), or wait for its webhook.",
                    409,
                )
            db.execute("DELETE FROM items WHERE job_id = ?", (job_id,))
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    # Stories: items and single requests that name a CMS story (`external_id`) and revision.

    def stories_of(self, job_id: str) -> list[ItemRecord]:
        """The job's items that name a story, in item order."""
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT {_ITEM_COLUMNS} FROM items"
                " WHERE job_id = ? AND external_id IS NOT NULL ORDER BY idx",
                (job_id,),
            ).fetchall()
        return [_item_record(row) for row in rows]

    def document(self, owner: str | None, external_id: str) -> DocumentRecord | None:
        """The owner's latest summaries of the story; owner None: any owner's latest."""
        with self._transaction() as db:
            mine = "" if owner is None else " AND owner = ?"
            row = db.execute(
                f"SELECT * FROM documents WHERE external_id = ?{mine}"
                " ORDER BY made_at DESC LIMIT 1",
                (external_id,) if owner is None else (external_id, owner),
            ).fetchone()
        if row is None:
            return None
        return DocumentRecord(
            row["owner"],
            row["external_id"],
            row["revision"],
            _options(row["options"]),
            json.loads(row["result"]),
            row["job_id"],
            row["made_at"],
        )

    def record_document(
        self,
        owner: str,
        external_id: str,
        revision: int | None,
        options: Options,
        result: dict[str, Any],
    ) -> None:
        """A single request's summaries of the story; queued older revisions are superseded."""
        with self._transaction() as db:
            self._put_document(db, owner, external_id, revision, options, result, None)
            self._supersede_queued(db, owner, external_id, revision)

    def _supersede(self, db: Transaction, owner: str, job_id: str, item: WorkItem) -> None:
        """A newer revision supersedes the story's older queued items; an item older than a
        revision already queued, running or finished is superseded itself."""
        story, revision = item.external_id, item.revision
        if (
            revision is not None
            and db.execute(
                "SELECT 1 FROM items i JOIN jobs j ON j.id = i.job_id"
                " WHERE COALESCE(j.owner, '') = ? AND i.external_id = ? AND i.revision > ?"
                " AND i.state IN ('queued', 'running', 'done')"
                " UNION SELECT 1 FROM documents"
                " WHERE owner = ? AND external_id = ? AND revision > ?",
                (owner, story, revision, owner, story, revision),
            ).fetchone()
        ):
            db.execute(
                "UPDATE items SET state = 'superseded' WHERE job_id = ? AND idx = ?",
                (job_id, item.index),
            )
            return
        self._supersede_queued(db, owner, story, revision, before=(job_id, item.index))

    def _supersede_queued(
        self,
        db: Transaction,
        owner: str,
        external_id: str | None,
        revision: int | None,
        before: tuple[str, int] = ("", 0),
    ) -> None:
        """Queued items of the story older than `revision` (all of them if it is None) become
        superseded, except `before`'s job's items from its index on; their jobs may finish."""
        older = (
            "state = 'queued' AND external_id = ? AND NOT (job_id = ? AND idx >= ?)"
            " AND job_id IN (SELECT id FROM jobs WHERE COALESCE(owner, '') = ?)"
        )
        params: tuple[Any, ...] = (external_id, *before, owner)
        if revision is not None:
            older += " AND (revision IS NULL OR revision < ?)"
            params += (revision,)
        jobs = [
            row[0]
            for row in db.execute(
                f"SELECT DISTINCT job_id FROM items WHERE {older}", params
            ).fetchall()
        ]
        db.execute(f"UPDATE items SET state = 'superseded' WHERE {older}", params)
        for job in jobs:
            self._finish_if_complete(db, job)

    def _record_item_document(self, db: Transaction, job_id: str, outcome: Outcome) -> None:
        item = db.execute(
            "SELECT i.external_id, i.revision, j.owner, j.options FROM items i"
            " JOIN jobs j ON j.id = i.job_id WHERE i.job_id = ? AND i.idx = ?",
            (job_id, outcome.index),
        ).fetchone()
        if item is None or item["external_id"] is None or outcome.result is None:
            return
        self._put_document(
            db,
            item["owner"] or "",
            item["external_id"],
            item["revision"],
            _options(item["options"]),
            outcome.result,
            job_id,
        )

    def _put_document(
        self,
        db: Transaction,
        owner: str,
        external_id: str,
        revision: int | None,
        options: Options,
        result: dict[str, Any],
        job_id: str | None,
    ) -> None:
        """Kept unless the stored revision is newer (a revision-less write always wins)."""
        db.execute(
            "INSERT INTO documents (owner, external_id, revision, options, result, job_id,"
            " made_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (owner, external_id) DO UPDATE SET revision = excluded.revision,"
            " options = excluded.options, result = excluded.result, job_id = excluded.job_id,"
            " made_at = excluded.made_at WHERE documents.revision IS NULL"
            " OR excluded.revision IS NULL OR excluded.revision >= documents.revision",
            (
                owner,
                external_id,
                revision,
                json.dumps(options.to_json()),
                json.dumps(result, ensure_ascii=False),
                job_id,
                self.clock(),
            ),
        )

    # The cache.

    def cached(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not keys:
            return {}
        with self._transaction() as db:
            marks = ",".join("?" * len(keys))
            rows = db.execute(
                f"SELECT key, result FROM cache WHERE key IN ({marks})", list(keys)
            ).fetchall()
        return {row["key"]: json.loads(row["result"]) for row in rows}

    def put_cache(self, key: str, result: dict[str, Any]) -> None:
        with self._transaction() as db:
            self._put_cache(db, key, result)

    # Retention.

    def prune(self, older_than_s: float) -> Pruned:
        """Delete what was last written more than `older_than_s` seconds ago: finished jobs
        (none with an item still on a model or a webhook still owed) with their items, stories'
        summaries and cache entries. The file then gives the space back where it can."""
        cutoff = self.clock() - older_than_s
        with self._transaction() as db:
            old_jobs = (
                "SELECT id FROM jobs WHERE updated_at < ? AND status NOT IN ('queued', 'running')"
                " AND webhook_status <> 'pending' AND NOT EXISTS (SELECT 1 FROM items"
                " WHERE items.job_id = jobs.id AND items.state = 'running')"
            )
            items = db.execute(f"DELETE FROM items WHERE job_id IN ({old_jobs})", (cutoff,))
            pruned_items = items.rowcount
            jobs = db.execute(f"DELETE FROM jobs WHERE id IN ({old_jobs})", (cutoff,)).rowcount
            documents = db.execute("DELETE FROM documents WHERE made_at < ?", (cutoff,)).rowcount
            cache = db.execute("DELETE FROM cache WHERE created_at < ?", (cutoff,)).rowcount
        pruned = Pruned(jobs, pruned_items, documents, cache)
        if pruned.rows:
            self.database.compact()
        return pruned

    def _seal(self, secret: str | None) -> str | None:
        if secret is None or self.database.sealer is None:
            return secret
        return self.database.sealer.seal(secret)

    def _unseal(self, stored: str | None) -> str | None:
        if stored is None or self.database.sealer is None:
            return stored
        return self.database.sealer.unseal(stored)

    # Internals; each runs inside a transaction.

    def _put_cache(self, db: Transaction, key: str, result: dict[str, Any]) -> None:
        db.execute(
            "INSERT INTO cache (key, result, created_at) VALUES (?, ?, ?) ON CONFLICT (key)"
            " DO UPDATE SET result = excluded.result, created_at = excluded.created_at",
            (key, json.dumps(result, ensure_ascii=False), self.clock()),
        )

    @staticmethod
    def _by_key(db: Transaction, key: str, request_hash: str | None) -> str | None:
        row = db.execute(
            "SELECT id, request_hash FROM jobs WHERE idempotency_key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        if row["request_hash"] != request_hash:
            raise LingosumError(
                "idempotency_conflict",
                "This Idempotency-Key was used for a different request; use a new key.",
                status=409,
            )
        return str(row["id"])

    @staticmethod
    def _check_capacity(db: Transaction, adding: int, capacity: int) -> None:
        row = db.execute(
            "SELECT COUNT(*) FROM items WHERE state IN ('queued', 'running')"
        ).fetchone()
        if int(row[0]) + adding > capacity:
            raise LingosumError(
                "overloaded",
                f"The server holds {row[0]} unfinished job items; the limit is {capacity}.",
                status=429,
                retry_after=60,
            )

    def _requeue_lapsed(self, db: Transaction) -> int:
        return db.execute(
            "UPDATE items SET state = 'queued', claimed_by = NULL, lease_until = NULL"
            " WHERE state = 'running' AND lease_until < ?",
            (self.clock(),),
        ).rowcount

    @staticmethod
    def _abandon(db: Transaction, job_id: str, indexes: list[int], max_attempts: int) -> None:
        error = LingosumError(
            "item_abandoned",
            f"The item was started {max_attempts} times without finishing.",
            status=500,
        )
        db.executemany(
            "UPDATE items SET state = 'failed', error = ? WHERE job_id = ? AND idx = ?",
            [(_error_json(error), job_id, index) for index in indexes],
        )

    def _finish_if_complete(self, db: Transaction, job_id: str) -> JobStatus | None:
        counts = _progress(db, job_id)
        status = db.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
        if status not in ACTIVE or counts.queued or counts.running:
            return None
        finished: JobStatus = "failed" if counts.failed and not counts.done else "done"
        self._set_finished(db, job_id, finished)
        return finished

    def _set_finished(self, db: Transaction, job_id: str, status: JobStatus) -> None:
        db.execute(
            "UPDATE jobs SET status = ?, updated_at = ?, webhook_status ="
            " CASE WHEN webhook_url IS NULL THEN 'none' ELSE 'pending' END WHERE id = ?",
            (status, self.clock(), job_id),
        )

    def _record(self, db: Transaction, job_id: str) -> JobRecord:
        row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise job_not_found(job_id)
        return JobRecord(
            row["id"],
            row["status"],
            row["created_at"],
            row["updated_at"],
            _options(row["options"]),
            json.loads(row["source"]) if row["source"] else None,
            row["webhook_url"],
            row["webhook_status"],
            _progress(db, job_id),
            row["owner"],
        )


def _progress(db: Transaction, job_id: str) -> Progress:
    rows = db.execute(
        "SELECT state, COUNT(*), SUM(cached) FROM items WHERE job_id = ? GROUP BY state",
        (job_id,),
    ).fetchall()
    counts = {row[0]: int(row[1]) for row in rows}
    cached = sum(int(row[2] or 0) for row in rows)
    return Progress(total=sum(counts.values()), cached=cached, **counts)


def _item_row(job_id: str, item: WorkItem | RejectedItem) -> tuple[Any, ...]:
    if isinstance(item, RejectedItem):
        return (
            job_id,
            item.index,
            item.id,
            None,
            None,
            "",
            None,
            "failed",
            _error_json(item.error),
            None,
            None,
        )
    return (
        job_id,
        item.index,
        item.id,
        item.title,
        item.link,
        item.text,
        item.source_language,
        "queued",
        None,
        item.external_id,
        item.revision,
    )


_WORK_COLUMNS = "idx, item_id, text, title, source_language, link, external_id, revision"
_ITEM_COLUMNS = (
    "idx, item_id, title, link, state, attempts, cached, result, error, external_id, revision"
)


def _work_item(row: Any) -> WorkItem:
    return WorkItem(
        row["idx"],
        row["item_id"],
        row["text"],
        row["title"],
        row["source_language"],
        row["link"],
        row["external_id"],
        row["revision"],
    )


def _item_record(row: Any) -> ItemRecord:
    return ItemRecord(
        row["idx"],
        row["item_id"],
        row["title"],
        row["link"],
        row["state"],
        row["attempts"],
        bool(row["cached"]),
        json.loads(row["result"]) if row["result"] else None,
        json.loads(row["error"]) if row["error"] else None,
        row["external_id"],
        row["revision"],
    )


def _options(text: str) -> Options:
    return Options.from_json(json.loads(text))


def _error_json(error: LingosumError) -> str:
    return json.dumps({"code": error.code, "message": error.message}, ensure_ascii=False)
