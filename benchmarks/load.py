"""Sustained mixed load on a real `lingosum serve`, on loopback, bounded in time and requests.

    .venv/bin/python -m benchmarks.load [--clients 4] [--duration 240] [--max-requests 5000]
                                        [--model NAME | --fake] [--json report.json]

It starts a server on a fresh data folder (with an API key, so that keyless and wrong-key
requests are refused) and runs `--clients` concurrent clients (httpx, asyncio) for `--duration`
seconds, each picking at random: one summary, a streamed summary (`text/event-stream`), a batch,
a job (POST /v1/jobs with items, then polled to completion), a language detection, or a bad
request (empty, huge, binary, malformed JSON, no key, wrong key). A thread probes `/healthz`
every 100 ms throughout, on its own connection. After the run, every accepted job is waited for
and its results read; a trigger added to the server's SQLite store counts every write of an
item's result, so an item finished twice shows even where the API shows one result.

The server admits `--max-pending` waiting requests (default: half the clients), so that
concurrent clients overload it: overload must be 429 with Retry-After, never a 5xx.

The report (markdown, and JSON with --json): requests by kind and status, p50/p99 latency per
kind, /healthz p99, the server's RSS after warm-up and after the run (VmRSS), and job items
accepted, finished, lost and duplicated. `--fake` serves a fake engine (a fraction of a second
per call) for a quick self-check of the script and of the server's invariants.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import random
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from service.settings import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 600
PROBE_INTERVAL_S = 0.1
FAKE_WORD_DELAY_S = 0.01  # the fake engine writes a word per 10 ms: ~0.1 s a call
TOWNS = ("Lyon", "Graz", "Turku", "Porto", "Gdansk", "Ghent", "Bergen", "Brno", "Cork", "Split")

# Kinds a client picks from, with their weights.
MIX = {
    "single": 25,
    "stream": 15,
    "batch": 10,
    "job": 10,
    "detect": 15,
    "bad": 25,
}
BAD = ("empty", "huge", "binary", "malformed", "no_key", "wrong_key")


def article(n: int) -> str:
    """A short, distinct news article: its facts change with `n`, so no two are cached alike."""
    rng = random.Random(n)
    town = TOWNS[n % len(TOWNS)]
    floors, cost, years = rng.randint(2, 9), rng.randint(12, 90), rng.randint(2, 6)
    return (
        f"{town} opened a new public library on Monday, the city said. The building has "
        f"{floors} floors, a reading garden and a hall for {rng.randint(80, 400)} people. It cost "
        f"{cost} million euros and took {years} years to build, after a long debate in the "
        f"council about its site near the old harbour. Mayor Anna Berg said the library would "
        f"open every day of the week and lend {rng.randint(2, 30)} thousand books in its first "
        f"year. Reference {n}."
    )


# --- The server under load -------------------------------------------------------------------


@dataclass
class Target:
    base_url: str
    key: str
    process: subprocess.Popen[bytes] | None = None
    data_dir: Path | None = None
    log: Path | None = None

    def rss_mb(self) -> float | None:
        if self.process is None:
            return None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return round(int(line.split()[1]) / 1024, 1)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def start_server(args: argparse.Namespace) -> Target:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    data_dir = Path(tempfile.mkdtemp(prefix="lingosum-load-"))
    key = secrets.token_urlsafe(32)
    env = {
        **{k: v for k, v in os.environ.items() if k != "LINGOSUM_DATABASE_URL"},  # SQLite
        "PYTHONPATH": str(ROOT),
        "LINGOSUM_HOST": "127.0.0.1",
        "LINGOSUM_PORT": str(port),
        "LINGOSUM_DATA_DIR": str(data_dir),
        "LINGOSUM_API_KEY": key,
        "LINGOSUM_MAX_PENDING_REQUESTS": str(args.max_pending),
        "LINGOSUM_SUMMARIZER_MODEL": args.model,
        "LINGOSUM_TRANSLATOR_MODEL": args.model,
    }
    module = ["benchmarks.load", "--serve-fake"] if args.fake else ["service.cli", "serve"]
    log = data_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", *module], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    target = Target(f"http://127.0.0.1:{port}", key, process, data_dir, log)
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=target.base_url, timeout=10) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{target.log_tail()}")
            try:
                if client.get("/readyz").status_code == 200:
                    return target
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    target.stop()
    raise RuntimeError("the server did not get ready")


def serve_fake() -> None:
    """`lingosum serve` on a fake engine that streams its answers a word at a time."""
    import uvicorn

    from service.api.app import create_app
    from service.backends.base import GenerationRequest
    from service.pipeline.engine import Engine
    from service.settings import Settings
    from service.text.sentences import split_sentences
    from tests.fakes import StreamingBackend

    def respond(request: GenerationRequest) -> str:
        if request.target.startswith("zh"):
            return "新图书馆周一开放。"
        return (split_sentences(request.text) or ["A library opened."])[0]

    backend = StreamingBackend(respond, delay=FAKE_WORD_DELAY_S, name="fake")
    settings = Settings(warmup=False)

    def engine(settings: Settings) -> Engine:
        return Engine(settings, summarizer=backend, translator=backend)

    uvicorn.run(create_app(settings, engine), host=settings.host, port=settings.port)


def count_result_writes(data_dir: Path) -> None:
    """From now on, every write of an item's result is a row of `load_result_writes`."""
    with sqlite3.connect(data_dir / "jobs.sqlite3", timeout=30) as db:
        db.execute("CREATE TABLE load_result_writes (job_id TEXT, idx INTEGER)")
        db.execute(
            "CREATE TRIGGER load_result_written AFTER UPDATE OF result ON items FOR EACH ROW"
            " WHEN NEW.result IS NOT NULL AND NEW.result IS NOT OLD.result"
            " BEGIN INSERT INTO load_result_writes VALUES (NEW.job_id, NEW.idx); END"
        )


def result_writes(data_dir: Path) -> Counter[tuple[str, int]]:
    with sqlite3.connect(data_dir / "jobs.sqlite3", timeout=30) as db:
        rows = db.execute("SELECT job_id, idx FROM load_result_writes").fetchall()
    return Counter((job_id, idx) for job_id, idx in rows)


# --- The clients -------------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    status: int  # 0: no answer (a transport error)
    seconds: float
    retry_after: str | None = None


@dataclass
class Load:
    """What every client saw, shared by the clients of one run."""

    deadline: float
    max_requests: int
    records: list[Record] = field(default_factory=list)
    jobs: dict[str, int] = field(default_factory=dict)  # accepted job id -> its items
    sent: int = 0
    serial: int = 0
    bad_kinds: Iterator[str] = field(default_factory=lambda: itertools.cycle(BAD))

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def going(self) -> bool:
        return time.monotonic() < self.deadline and self.sent < self.max_requests


class Client:
    def __init__(self, http: httpx.AsyncClient, key: str, load: Load, huge_chars: int) -> None:
        self.http = http
        self.auth = {"Authorization": f"Bearer {key}"}
        self.load = load
        self.huge = "a" * huge_chars

    async def send(
        self, kind: str, method: str, path: str, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response | None:
        self.load.sent += 1
        started = time.perf_counter()
        try:
            response = await self.http.request(
                method, path, headers=self.auth if headers is None else headers, **kw
            )
        except httpx.TransportError:
            self.load.records.append(Record(kind, 0, time.perf_counter() - started))
            return None
        self.note(kind, response, time.perf_counter() - started)
        return response

    def note(self, kind: str, response: httpx.Response, seconds: float) -> None:
        retry_after = response.headers.get("retry-after")
        self.load.records.append(Record(kind, response.status_code, seconds, retry_after))

    async def run(self, rng: random.Random) -> None:
        kinds, weights = zip(*MIX.items(), strict=True)
        actions: dict[str, Callable[[], Awaitable[httpx.Response | None]]] = {
            "single": self.single,
            "stream": self.stream,
            "batch": self.batch,
            "job": self.job,
            "detect": self.detect,
            "bad": lambda: self.bad(next(self.load.bad_kinds)),
        }
        while self.load.going():
            response = await actions[rng.choices(kinds, weights)[0]]()
            if response is not None and response.status_code == 429:
                await asyncio.sleep(rng.uniform(0.2, 1.0))  # a polite client backs off a little

    async def single(self) -> httpx.Response | None:
        body = {"text": article(self.load.next_serial()), "length": "short"}
        return await self.send("single", "POST", "/v1/summarize", json=body)

    async def stream(self) -> httpx.Response | None:
        body = {"text": article(self.load.next_serial()), "length": "short"}
        headers = {**self.auth, "Accept": "text/event-stream"}
        self.load.sent += 1
        started = time.perf_counter()
        try:
            async with self.http.stream("POST", "/v1/summarize", json=body, headers=headers) as r:
                events = [line async for line in r.aiter_lines() if line.startswith("event:")]
        except httpx.TransportError:
            self.load.records.append(Record("stream", 0, time.perf_counter() - started))
            return None
        status = r.status_code
        if status == 200 and (not events or events[-1] != "event: done"):
            status = 599  # the stream ended without its `done`: counted as a server failure
        self.load.records.append(
            Record("stream", status, time.perf_counter() - started, r.headers.get("retry-after"))
        )
        return r

    async def batch(self) -> httpx.Response | None:
        items = [{"id": f"b{i}", "text": article(self.load.next_serial())} for i in range(2)]
        body = {"items": items, "targets": ["en"], "length": "short"}
        return await self.send("batch", "POST", "/v1/summarize/batch", json=body)

    async def job(self) -> httpx.Response | None:
        items = [{"id": f"j{i}", "text": article(self.load.next_serial())} for i in range(2)]
        body = {"items": items, "targets": ["en"], "length": "short"}
        started = time.perf_counter()
        response = await self.send("job_submit", "POST", "/v1/jobs", json=body)
        if response is None or response.status_code != 202:
            return response
        job_id = response.json()["id"]
        self.load.jobs[job_id] = len(items)
        while self.load.going():
            await asyncio.sleep(1.0)
            polled = await self.send("job_poll", "GET", f"/v1/jobs/{job_id}")
            if polled is not None and polled.json().get("status") not in ("queued", "running"):
                self.load.records.append(Record("job", 200, time.perf_counter() - started))
                break
        return response

    async def detect(self) -> httpx.Response | None:
        body = {"text": article(self.load.next_serial())}
        return await self.send("detect", "POST", "/v1/detect", json=body)

    async def bad(self, how: str) -> httpx.Response | None:
        kind, path = f"bad_{how}", "/v1/summarize"
        json_type = {"Content-Type": "application/json"}
        if how == "empty":
            return await self.send(kind, "POST", path, json={"text": ""})
        if how == "huge":
            return await self.send(kind, "POST", path, json={"text": self.huge})
        if how == "binary":
            headers = {**self.auth, **json_type}
            return await self.send(kind, "POST", path, headers=headers, content=os.urandom(512))
        if how == "malformed":
            headers = {**self.auth, **json_type}
            return await self.send(kind, "POST", path, headers=headers, content=b'{"text": "a')
        headers = {} if how == "no_key" else {"Authorization": f"Bearer {secrets.token_hex(20)}"}
        return await self.send(kind, "POST", path, headers=headers, json={"text": article(0)})


class HealthProbe(threading.Thread):
    """GET `path` every 100 ms on its own connection and thread, until stopped."""

    def __init__(self, base_url: str, path: str = "/healthz") -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.path = path
        self.seconds: list[float] = []
        self.failures = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            while not self.stopping.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get(self.path).status_code == 200
                except httpx.TransportError:
                    ok = False
                elapsed = time.perf_counter() - started
                if ok:
                    self.seconds.append(elapsed)
                else:
                    self.failures += 1
                self.stopping.wait(max(0.0, PROBE_INTERVAL_S - elapsed))

    def stop(self) -> dict[str, Any]:
        self.stopping.set()
        self.join()
        return {
            "probes": len(self.seconds),
            "failures": self.failures,
            "p50_ms": percentile(self.seconds, 50),
            "p99_ms": percentile(self.seconds, 99),
            "max_ms": percentile(self.seconds, 100),
        }


def baseline_server() -> tuple[subprocess.Popen[bytes], str]:
    """Python's own HTTP server in another process: probed beside /healthz, it shows what a
    busy machine alone adds to a loopback request's time."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--directory", str(ROOT / "benchmarks")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/__init__.py", timeout=5)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the baseline HTTP server did not start")


# --- One run -----------------------------------------------------------------------------------


async def warm_up(target: Target, huge_chars: int) -> list[Record]:
    """Each kind once, one after the other, so that RSS is read with every path loaded."""
    load = Load(deadline=math.inf, max_requests=10**9)
    async with httpx.AsyncClient(base_url=target.base_url, timeout=900) as http:
        client = Client(http, target.key, load, huge_chars)
        await client.single()
        await client.stream()
        await client.batch()
        await client.detect()
        for how in BAD:
            await client.bad(how)
        load.deadline = time.monotonic() + 900
        await client.job()
    failed = [r for r in load.records if r.status == 0 or r.status >= 500]
    if failed:
        raise RuntimeError(f"warm-up failed: {failed}\n{target.log_tail()}")
    return load.records


async def drive(target: Target, args: argparse.Namespace, huge_chars: int) -> Load:
    load = Load(time.monotonic() + args.duration, args.max_requests)
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(base_url=target.base_url, timeout=900, limits=limits) as http:
        clients = [Client(http, target.key, load, huge_chars) for _ in range(args.clients)]
        await asyncio.gather(
            *(client.run(random.Random(args.seed + n)) for n, client in enumerate(clients))
        )
    return load


def settle_jobs(target: Target, jobs: dict[str, int], drain_s: float) -> dict[str, Any]:
    """Wait for every accepted job to end, then count its items by what became of them."""
    auth = {"Authorization": f"Bearer {target.key}"}
    deadline = time.monotonic() + drain_s
    accepted = sum(jobs.values())
    finished = failed = unfinished = lost = duplicated = 0
    unfinished_jobs = []
    with httpx.Client(base_url=target.base_url, headers=auth, timeout=60) as client:
        for job_id, count in jobs.items():
            while (status := client.get(f"/v1/jobs/{job_id}").json()["status"]) in (
                "queued",
                "running",
            ) and time.monotonic() < deadline:
                time.sleep(0.5)
            if status in ("queued", "running"):
                unfinished_jobs.append(job_id)
            page = client.get(f"/v1/jobs/{job_id}/results", params={"limit": 100}).json()
            seen = Counter(item["index"] for item in page["items"])
            for index in range(count):
                item = next((i for i in page["items"] if i["index"] == index), None)
                if item is not None and item["state"] == "done" and item["result"] is not None:
                    finished += 1
                elif item is not None and item["state"] == "failed" and item["error"] is not None:
                    failed += 1
                elif item is not None and item["state"] in ("queued", "running"):
                    unfinished += 1  # its job outlasted --drain: neither finished nor lost
                else:
                    lost += 1
                duplicated += max(0, seen[index] - 1)
    writes: Counter[tuple[str, int]] | None = None
    if target.data_dir is not None:
        writes = result_writes(target.data_dir)
        duplicated += sum(n - 1 for key, n in writes.items() if key[0] in jobs and n > 1)
    return {
        "jobs": len(jobs),
        "accepted": accepted,
        "finished": finished,
        "failed": failed,
        "unfinished": unfinished,
        "lost": lost,
        "duplicated": duplicated,
        "unfinished_jobs": unfinished_jobs,
        "result_writes_counted": writes is not None,
    }


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000, 1)


def summarize_records(records: list[Record]) -> dict[str, Any]:
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    kinds = {}
    for kind, rows in sorted(by_kind.items()):
        ok = [r.seconds for r in rows if 200 <= r.status < 300]
        kinds[kind] = {
            "requests": len(rows),
            "statuses": dict(sorted(Counter(str(r.status) for r in rows).items())),
            "p50_ms": percentile(ok, 50),
            "p99_ms": percentile(ok, 99),
        }
    statuses = Counter(r.status for r in records)
    return {
        "kinds": kinds,
        "statuses": {str(s): n for s, n in sorted(statuses.items())},
        "server_errors": sum(n for s, n in statuses.items() if s >= 500 or s == 0),
        "too_many": statuses.get(429, 0),
        "too_many_without_retry_after": sum(
            1 for r in records if r.status == 429 and not r.retry_after
        ),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    huge_chars = 200_001  # one over the default max_text_chars
    target = Target(args.url, args.key or "") if args.url else start_server(args)
    control, control_url = baseline_server()
    try:
        if target.data_dir is not None:
            count_result_writes(target.data_dir)
        warm = asyncio.run(warm_up(target, huge_chars))
        rss_warm = target.rss_mb()
        load_before = os.getloadavg()
        probe, baseline = HealthProbe(target.base_url), HealthProbe(control_url, "/__init__.py")
        probe.start()
        baseline.start()
        started = time.monotonic()
        load = asyncio.run(drive(target, args, huge_chars))
        ran_s = time.monotonic() - started
        jobs = settle_jobs(target, load.jobs, args.drain)
        health, machine = probe.stop(), baseline.stop()
        rss_after = target.rss_mb()
        alive = target.process is None or target.process.poll() is None
        report: dict[str, Any] = {
            "server": {
                "model": "fake" if args.fake else args.model,
                "max_pending_requests": args.max_pending,
                "cpus": os.cpu_count(),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "alive_after": alive,
            },
            "clients": args.clients,
            "duration_s": round(ran_s, 1),
            "requests_sent": load.sent,
            "warm_up": summarize_records(warm)["kinds"],
            **summarize_records(load.records),
            "healthz": health,
            "loopback_baseline": machine,
            "rss_mb": {
                "after_warm_up": rss_warm,
                "after_run": rss_after,
                "change_pct": round((rss_after / rss_warm - 1) * 100, 1)
                if rss_warm and rss_after
                else None,
            },
            "job_items": jobs,
        }
        if report["server_errors"] and target.log:
            report["server_log_tail"] = target.log_tail()
        return report
    finally:
        control.terminate()
        control.wait()
        target.stop()


def markdown(report: dict[str, Any]) -> str:
    server = report["server"]
    lines = [
        f"Model {server['model']}, {report['clients']} clients for {report['duration_s']} s, "
        f"{report['requests_sent']} requests, max pending {server['max_pending_requests']}, "
        f"{server['cpus']} CPUs, load average {server['load_average_before'][0]} before and "
        f"{server['load_average_after'][0]} after.",
        "",
        "| kind | requests | statuses | p50 ms | p99 ms |",
        "|---|---:|---|---:|---:|",
    ]
    for kind, row in report["kinds"].items():
        statuses = ", ".join(f"{s}: {n}" for s, n in row["statuses"].items())
        lines.append(
            f"| {kind} | {row['requests']} | {statuses} | {row['p50_ms']} | {row['p99_ms']} |"
        )
    health, base = report["healthz"], report["loopback_baseline"]
    rss, jobs = report["rss_mb"], report["job_items"]
    lines += [
        "",
        "| measure | value |",
        "|---|---|",
        f"| 5xx or no answer | {report['server_errors']} |",
        f"| 429 (without Retry-After) | {report['too_many']} "
        f"({report['too_many_without_retry_after']}) |",
        f"| /healthz p50 / p99 / max | {health['p50_ms']} / {health['p99_ms']} / "
        f"{health['max_ms']} ms ({health['probes']} probes, {health['failures']} failed) |",
        f"| a bare Python HTTP server beside it, p50 / p99 / max | {base['p50_ms']} / "
        f"{base['p99_ms']} / {base['max_ms']} ms |",
        f"| RSS after warm-up / after run | {rss['after_warm_up']} / {rss['after_run']} MiB "
        f"({rss['change_pct']}%) |",
        f"| job items accepted / finished / failed / unfinished | {jobs['accepted']} / "
        f"{jobs['finished']} / {jobs['failed']} / {jobs['unfinished']} ({jobs['jobs']} jobs) |",
        f"| job items lost / duplicated | {jobs['lost']} / {jobs['duplicated']} |",
    ]
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:] == ["--serve-fake"]:  # the server side of --fake, started by `run`
        serve_fake()
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=240, help="Seconds of load.")
    parser.add_argument("--max-requests", type=int, default=5000, help="Stop after this many.")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="Model spec for both stages.")
    parser.add_argument("--fake", action="store_true", help="A fake engine: a quick self-check.")
    parser.add_argument("--max-pending", type=int, help="Server's max pending (clients // 2).")
    parser.add_argument("--drain", type=float, default=900, help="Most seconds to await jobs.")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--url", help="Load this running server instead (no RSS, no store).")
    parser.add_argument("--key", help="Its API key, with --url.")
    parser.add_argument("--json", type=Path, help="Also write the report here as JSON.")
    args = parser.parse_args()
    if args.max_pending is None:
        args.max_pending = max(1, args.clients // 2)
    report = run(args)
    print(markdown(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
