"""The job worker on a fake backend: groups, the result cache, per-item errors, broken calls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import pytest

from service.backends.base import GenerationRequest
from service.errors import LingosumError
from service.jobs.cache_key import model_fingerprint
from service.jobs.store import JobStore
from service.jobs.worker import JobWorker
from service.pipeline.documents import Options, WorkItem
from service.pipeline.engine import Engine
from service.pipeline.runner import EngineRunner
from service.settings import Settings
from tests.fakes import FakeBackend, task_of, write_prompts

OPTIONS = Options.parse(["en", "zh"], "short")


def respond(request: GenerationRequest) -> str:
    return "A bridge opened." if task_of(request) == "summarize_short" else "一座桥开通了。"


def articles(*texts: str) -> list[WorkItem]:
    return [WorkItem(i, f"a{i}", text) for i, text in enumerate(texts)]


ARTICLES = [f"The harbor bridge number {n} opened to traffic on Tuesday." for n in range(5)]


class Setup:
    def __init__(self, tmp_path: Path, backend: FakeBackend, **overrides: object) -> None:
        self.settings = Settings(
            prompts_dir=write_prompts(tmp_path / "prompts"),
            warmup=False,
            data_dir=tmp_path / "data",
            job_group_size=2,
            **overrides,  # type: ignore[arg-type]
        )
        self.backend = backend
        self.store = JobStore.open(self.settings.data_dir)
        self.progress_calls = 0

    async def worker(self, *, start: bool = True) -> JobWorker:
        engine = Engine(self.settings, summarizer=self.backend, translator=self.backend)
        runner = EngineRunner(engine, 4, 1_000_000)
        if start:
            await runner.start()

        async def progressed() -> None:
            self.progress_calls += 1

        return JobWorker(
            self.store, runner, self.settings, model_fingerprint(self.settings), progressed
        )

    def submit(self, items: Sequence[WorkItem]) -> str:
        job, _ = self.store.create_job(OPTIONS, list(items))
        return job.id


async def drain(worker: JobWorker) -> int:
    steps = 0
    while await worker.step():
        steps += 1
    return steps


def run(coroutine: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(coroutine())


def test_items_go_to_the_model_in_small_groups(tmp_path: Path) -> None:
    setup = Setup(tmp_path, FakeBackend(respond))

    async def scenario() -> None:
        worker = await setup.worker()
        job_id = setup.submit(articles(*ARTICLES))
        await drain(worker)

        job = setup.store.job(job_id)
        assert job.status == "done"
        assert (job.progress.done, job.progress.cached) == (5, 0)
        assert [len(b) for b in setup.backend.batches_for("summarize_short")] == [2, 2, 1]
        results = setup.store.items(job_id)
        assert all(r.result and r.result["summaries"]["zh"]["text"] for r in results)
        assert setup.progress_calls >= 3

    run(scenario)


def test_posting_the_same_items_again_comes_from_the_cache(tmp_path: Path) -> None:
    setup = Setup(tmp_path, FakeBackend(respond))

    async def scenario() -> None:
        worker = await setup.worker()
        first = setup.submit(articles(*ARTICLES))
        await drain(worker)
        calls = len(setup.backend.requests)

        again = setup.submit(articles(*ARTICLES))
        assert await worker.step()  # one step answers every cached item
        job = setup.store.job(again)
        assert (job.status, job.progress.done, job.progress.cached) == ("done", 5, 5)
        assert len(setup.backend.requests) == calls
        assert [i.result for i in setup.store.items(again)] == [
            i.result for i in setup.store.items(first)
        ]

        changed = setup.submit(articles(*ARTICLES[:4], "A new article about a new bridge."))
        await drain(worker)
        job = setup.store.job(changed)
        assert (job.status, job.progress.done, job.progress.cached) == ("done", 5, 4)
        summarized = [task_of(r) for r in setup.backend.requests[calls:]].count("summarize_short")
        assert summarized == 1

    run(scenario)


def test_one_failing_item_fails_alone(tmp_path: Path) -> None:
    poisoned = FakeBackend(
        respond, fail_when=lambda requests: any("POISON" in r.text for r in requests)
    )
    setup = Setup(tmp_path, poisoned)

    async def scenario() -> None:
        worker = await setup.worker()
        job_id = setup.submit(articles(ARTICLES[0], "POISON in this article.", ARTICLES[1]))
        await drain(worker)

        states = setup.store.items(job_id)
        assert [s.state for s in states] == ["done", "failed", "done"]
        assert states[1].error is not None and states[1].error["code"] == "backend_failed"
        assert setup.store.job(job_id).status == "done"

    run(scenario)


class BrokenBackend(FakeBackend):
    def generate(self, requests):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug, not a LingosumError")


def test_a_broken_call_requeues_its_group_until_the_attempts_run_out(tmp_path: Path) -> None:
    setup = Setup(tmp_path, BrokenBackend(respond), job_max_attempts=2)

    async def scenario() -> None:
        worker = await setup.worker()
        job_id = setup.submit(articles(ARTICLES[0]))
        assert await worker.step()  # starts the job (nothing cached)
        for attempt in (1, 2):
            with pytest.raises(RuntimeError):
                await worker.step()
            [item] = setup.store.items(job_id)
            assert (item.state, item.attempts) == ("queued", attempt)

        assert await worker.step()
        [item] = setup.store.items(job_id)
        assert item.state == "failed"
        assert item.error is not None and item.error["code"] == "item_abandoned"
        assert setup.store.job(job_id).status == "failed"

    run(scenario)


def test_the_worker_waits_for_the_models(tmp_path: Path) -> None:
    setup = Setup(tmp_path, FakeBackend(respond))

    async def scenario() -> None:
        worker = await setup.worker(start=False)
        job_id = setup.submit(articles(ARTICLES[0]))
        assert not await worker.step()
        assert setup.store.job(job_id).status == "queued"
        assert setup.backend.requests == []

    run(scenario)


def test_the_running_worker_survives_a_broken_step(tmp_path: Path) -> None:
    setup = Setup(tmp_path, BrokenBackend(respond), job_max_attempts=1)

    async def scenario() -> None:
        worker = await setup.worker()
        worker.start()
        job_id = setup.submit(articles(ARTICLES[0]))
        worker.notify()
        for _ in range(250):  # the worker idles a second after the broken step
            if setup.store.job(job_id).status == "failed":
                break
            await asyncio.sleep(0.02)
        await worker.stop()
        [item] = setup.store.items(job_id)
        assert item.error is not None and item.error["code"] == "item_abandoned"

    run(scenario)


def test_an_item_the_model_server_failed_goes_back_to_the_queue(tmp_path: Path) -> None:
    failures = [LingosumError("model_server_error", "The model server failed: 503.", 502)]

    def flaky(request: GenerationRequest) -> str:
        if task_of(request) == "summarize_short" and failures:
            raise failures.pop()
        return respond(request)

    setup = Setup(tmp_path, FakeBackend(flaky))

    async def scenario() -> None:
        worker = await setup.worker()
        job_id = setup.submit(articles(ARTICLES[0]))
        assert await worker.step()  # starts the job
        assert await worker.step()  # the server fails: the item is queued again, not failed
        [item] = setup.store.items(job_id)
        assert (item.state, item.attempts, item.error) == ("queued", 1, None)
        await drain(worker)
        [item] = setup.store.items(job_id)
        assert (item.state, item.attempts) == ("done", 2)

    run(scenario)
