"""How big the SQLite jobs file grows over a soak of many jobs, with and without the daily
prune, on a simulated clock (one prune per simulated day, as the server does).

    .venv/bin/python -m benchmarks.retention_soak --days 60 --jobs-per-day 50 --retention-days 7
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from service.jobs.manager import DAY_S
from service.jobs.store import JobStore, Outcome
from service.pipeline.documents import Options, WorkItem

OPTIONS = Options({"en": "en"}, "short")
RESULT = {"summaries": {"en": {"text": "The harbor bridge opened after four years. " * 6}}}
ARTICLE = "The harbor bridge opened on Tuesday after four years of work. " * 32  # ~2 KB


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        self.now += 0.001  # every write a little later than the last
        return self.now


def file_bytes(data_dir: Path) -> int:
    """The database file with its WAL and shared-memory files."""
    return sum(path.stat().st_size for path in data_dir.glob(f"{JobStore.FILE}*"))


def soak(
    data_dir: Path,
    days: int,
    jobs_per_day: int,
    retention_days: float,
    prune: bool,
    vacuum: bool = True,
) -> list[int]:
    """Each simulated day, `jobs_per_day` finished jobs of 5 items (results cached); the
    file's size at the end of each day. `vacuum` False: the prune deletes, SQLite keeps the
    freed pages for reuse and the file never shrinks."""
    store = JobStore.open(data_dir)
    clock = store.clock = SimulatedClock()
    if not vacuum:
        store.database.compact = lambda: None  # type: ignore[method-assign]
    sizes = []
    for day in range(days):
        for job in range(jobs_per_day):
            items = [WorkItem(n, f"i{n}", f"{day}.{job}.{n} {ARTICLE}") for n in range(5)]
            record, _ = store.create_job(OPTIONS, items)
            outcomes = [
                Outcome(n, RESULT, cache_entry=(f"{record.id}-{n}", RESULT)) for n in range(5)
            ]
            store.complete(record.id, outcomes)
        clock.now += DAY_S
        if prune:
            store.prune(retention_days * DAY_S)
        sizes.append(file_bytes(data_dir))
    store.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--jobs-per-day", type=int, default=50)
    parser.add_argument("--retention-days", type=float, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = {
            (prune, vacuum): soak(
                Path(folder) / f"{prune}-{vacuum}",
                args.days,
                args.jobs_per_day,
                args.retention_days,
                prune,
                vacuum,
            )
            for prune, vacuum in ((False, False), (True, False), (True, True))
        }
    print(
        f"{args.jobs_per_day} jobs of 5 items a day, retention {args.retention_days:g} days; "
        "jobs.sqlite3 (with its WAL) in MB at the end of the day"
    )
    print("| day | jobs so far | no prune | daily prune, no VACUUM | daily prune + VACUUM |")
    print("|---:|---:|---:|---:|---:|")
    step = max(args.days // 6, 1)
    for day in [*range(step - 1, args.days, step)]:
        jobs = (day + 1) * args.jobs_per_day
        sizes = " | ".join(f"{run[day] / 1e6:.1f}" for run in runs.values())
        print(f"| {day + 1} | {jobs} | {sizes} |")


if __name__ == "__main__":
    main()
