"""Throughput of one job as workers are added: a 10-item job with 1 worker and with 2 workers,
each worker with its own in-process model, then the same with the workers on one shared model
server (llama-cpp-python's own server, `openai:` backend). All on one PostgreSQL (a private
schema) behind one `serve --no-worker` replica, which needs no model at all.

    .venv/bin/python -m benchmarks.scale_out postgresql://root@127.0.0.1:5432/test

Items are 10 two-sentence passages of news in five languages (target en, length short), so a
run takes minutes on a small CPU. Prints one line per set-up as it ends: seconds from
submission to `done`, and items per minute.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

from service.backends.model_store import resolve_gguf
from service.settings import Settings
from service.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ALIAS = "shared-model"


def passages() -> list[str]:
    """10 passages of 2 sentences: 2 from each of 5 fixture articles (en, de, zh, ja, fr)."""
    found = []
    for path in sorted(FIXTURES.glob("*.txt"))[:5]:
        sentences = split_sentences(path.read_text(encoding="utf-8"))
        found += [" ".join(sentences[:2]), " ".join(sentences[2:4])]
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def schema(url: str) -> Iterator[str]:
    name = f"lingosum_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {name} CASCADE")


@contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield child
        finally:
            child.terminate()
            child.wait(timeout=120)


def wait(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.5)


def run(url: str, workers: int, worker_env: dict[str, str], folder: Path) -> float:
    """Seconds from submitting the job to its end, with `workers` workers."""
    lingosum = [sys.executable, "-m", "service.cli"]
    port = free_port()
    base = {**os.environ, "PYTHONPATH": str(ROOT), "LINGOSUM_DATA_DIR": str(folder / "data")}
    with schema(url) as private:
        base["LINGOSUM_DATABASE_URL"] = private
        api_env = {**base, "LINGOSUM_SUMMARIZER_MODEL": "openai:none", "LINGOSUM_WARMUP": "false"}
        api_env["LINGOSUM_TRANSLATOR_MODEL"] = "openai:none"
        serve = [*lingosum, "serve", "--no-worker", "--port", str(port)]
        with process(serve, api_env, folder / "api.log"):
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
            wait(lambda: _ready(client), 120, "the API replica")
            with contextlib_all(
                process([*lingosum, "worker"], {**base, **worker_env}, folder / f"worker{n}.log")
                for n in range(workers)
            ):
                logs = [folder / f"worker{n}.log" for n in range(workers)]
                wait(lambda: all("taking job items" in p.read_text() for p in logs), 600, "workers")
                items = [{"id": str(i), "text": text} for i, text in enumerate(passages())]
                started = time.monotonic()
                job = client.post(
                    "/v1/jobs", json={"items": items, "targets": ["en"], "length": "short"}
                ).json()
                wait(
                    lambda: client.get(f"/v1/jobs/{job['id']}").json()["status"] == "done",
                    3600,
                    "the job",
                )
                return time.monotonic() - started


@contextmanager
def contextlib_all(managers: Iterator[object]) -> Iterator[None]:
    from contextlib import ExitStack

    with ExitStack() as stack:
        for manager in managers:
            stack.enter_context(manager)  # type: ignore[arg-type]
        yield


def _ready(client: httpx.Client) -> bool:
    try:
        return client.get("/readyz").status_code == 200
    except httpx.TransportError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="postgresql://...")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    gguf = resolve_gguf(Settings().summarizer_model, Settings().model_dir)
    print("set-up\tseconds\titems/minute", flush=True)

    def row(name: str, seconds: float) -> None:
        print(f"{name}\t{seconds:.0f}\t{10 / seconds * 60:.1f}", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        for workers in (1, 2):
            threads = str(max(1, cores // workers))  # the workers split the cores
            seconds = run(args.url, workers, {"LINGOSUM_THREADS": threads}, Path(folder))
            row(f"{workers} worker(s), own model, {threads} thread(s) each", seconds)
        port = free_port()
        server = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias",
            ALIAS, "--port", str(port), "--n_ctx", "8192", "--n_threads", str(cores),
        ]  # fmt: skip
        with process(server, dict(os.environ), Path(folder) / "model-server.log"):
            base_url = f"http://127.0.0.1:{port}/v1"
            wait(lambda: _ready_models(base_url), 300, "the model server")
            remote = {
                "LINGOSUM_SUMMARIZER_MODEL": f"openai:{ALIAS}",
                "LINGOSUM_TRANSLATOR_MODEL": f"openai:{ALIAS}",
                "LINGOSUM_OPENAI_BASE_URL": base_url,
            }
            for workers in (1, 2):
                seconds = run(args.url, workers, remote, Path(folder))
                row(f"{workers} worker(s), one shared model server", seconds)


def _ready_models(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/models", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


if __name__ == "__main__":
    main()
