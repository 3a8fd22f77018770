"""What the job store does under load: submissions, claim-and-complete cycles and quota
checks per second, from several threads at once, each thread a process's own store (its own
connection pool), the way replicas and workers share one database.

    .venv/bin/python -m benchmarks.store_rate postgresql://root@127.0.0.1:5432/test
    .venv/bin/python -m benchmarks.store_rate sqlite:////tmp/rate.sqlite3

A PostgreSQL URL gets a private schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from service.access.limits import Decision
from service.access.store import AccessStore
from service.jobs.store import JobStore, Outcome
from service.pipeline.documents import Options, WorkItem

OPTIONS = Options({"en": "en", "zh": "zh-Hans"}, "medium")
RESULT = {"summaries": {"en": {"text": "A summary of some length. " * 20}}}
ARTICLE = "A news article of typical length. " * 150  # about 5,000 characters


def rate(threads: int, seconds: float, work: Callable[[int], int | None]) -> float:
    """Operations per second of `work(thread)` (which returns how many it did, None when
    there is nothing left) in parallel."""
    deadline = time.monotonic() + seconds

    def loop(thread: int) -> int:
        done = 0
        while time.monotonic() < deadline:
            did = work(thread)
            if did is None:
                break
            done += did
        return done

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(loop, range(threads)))
    return total / (time.monotonic() - started)


def measure(url: str | None, data_dir: Path, threads: int, seconds: float) -> dict[str, float]:
    stores = [JobStore.open(data_dir, url) for _ in range(threads)]
    access = [AccessStore.open(data_dir, url) for _ in range(threads)]
    items: list[WorkItem] = [WorkItem(0, "a", ARTICLE)]

    def submit(thread: int) -> int:
        stores[thread].create_job(OPTIONS, list(items))
        return 1

    def claim_and_complete(thread: int) -> int | None:
        store, worker = stores[thread], f"w{thread}"
        started = store.next_queued_job()  # as a worker does: start the oldest job, then claim
        claim = store.claim(1, 3, worker)
        if claim is None:
            return None if started is None else 0
        outcomes = [Outcome(item.index, RESULT) for item in claim.items]
        store.complete(claim.job_id, outcomes, worker)
        return len(outcomes)

    def admit(thread: int) -> int:
        allow = Decision(True)
        access[thread].admit(f"key{thread % 4}", time.time(), "2026-01-01", 5000, lambda c: allow)
        return 1

    figures = {
        "submit (jobs/s)": rate(threads, seconds, submit),
        "claim+complete (items/s)": rate(threads, seconds, claim_and_complete),
        "quota check+charge (requests/s)": rate(threads, seconds, admit),
    }
    for store in stores:
        store.close()
    for each in access:
        each.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "url", nargs="?", help="sqlite:///PATH or postgresql://... (default SQLite)"
    )
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.url and args.url.startswith("postgres"):
            import psycopg

            schema = f"lingosum_rate_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.url, autocommit=True) as db:
                db.execute(f"CREATE SCHEMA {schema}")
            try:
                separator = "&" if "?" in args.url else "?"
                url = f"{args.url}{separator}options=-csearch_path%3D{schema}"
                figures = measure(url, Path(folder), args.threads, args.seconds)
            finally:
                with psycopg.connect(args.url, autocommit=True) as db:
                    db.execute(f"DROP SCHEMA {schema} CASCADE")
        else:
            figures = measure(args.url, Path(folder), args.threads, args.seconds)
    for name, value in figures.items():
        print(f"{name}\t{value:.0f}")


if __name__ == "__main__":
    main()
