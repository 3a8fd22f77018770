"""The jobs side of the service, opened in the API's lifespan (or by `lingosum worker`): store,
worker and webhooks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from ..pipeline.documents import Options, RejectedItem, WorkItem
from ..pipeline.engine import DocumentResult
from ..pipeline.runner import EngineRunner
from ..settings import Settings
from .cache_key import cache_key, model_fingerprint
from .notifier import WebhookNotifier
from .outcomes import GroupPlan, outcome_of, plan_group
from .store import DocumentRecord, ItemRecord, JobRecord, JobStore, Outcome, Webhook
from .worker import JobWorker, ResultsObserver

log = logging.getLogger(__name__)

DAY_S = 24 * 3600.0
PRUNE_EVERY_S = DAY_S


class JobManager:
    def __init__(
        self, store: JobStore, worker: JobWorker, notifier: WebhookNotifier, settings: Settings
    ) -> None:
        self.store = store
        self.worker = worker
        self.notifier = notifier
        self._settings = settings
        self._pruner: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls,
        settings: Settings,
        runner: EngineRunner,
        notifier: WebhookNotifier | None = None,
        on_results: ResultsObserver | None = None,
    ) -> JobManager:
        """Open (and migrate) the store, requeue interrupted items, start the worker unless
        `settings.worker` is off (an API replica that only accepts and reports), and prune
        expired data daily."""
        store = await asyncio.to_thread(open_store, settings)
        requeued = await asyncio.to_thread(store.requeue_interrupted)
        if requeued:
            log.info("requeued %d job item(s) interrupted by the last shutdown", requeued)
        fingerprint = await asyncio.to_thread(model_fingerprint, settings)
        notifier = notifier or WebhookNotifier(store, settings)
        worker = JobWorker(store, runner, settings, fingerprint, notifier.kick, on_results)
        manager = cls(store, worker, notifier, settings)
        if settings.worker:
            worker.start()
        manager._pruner = asyncio.create_task(manager._prune_daily(), name="lingosum-prune")
        await notifier.kick()
        return manager

    async def drain(self, grace_s: float) -> None:
        """Start no more job items; wait up to `grace_s` for the group on the models."""
        if not await self.worker.drain(grace_s):
            log.warning("shutdown grace over: the job items still running go back to the queue")

    async def close(self) -> None:
        if self._pruner is not None:
            self._pruner.cancel()
            await asyncio.gather(self._pruner, return_exceptions=True)
        await self.worker.stop()
        await self.notifier.close()
        await asyncio.to_thread(self.store.close)

    async def submit(
        self,
        options: Options,
        items: Sequence[WorkItem | RejectedItem],
        *,
        idempotency_key: str | None,
        request_hash: str,
        webhook: Webhook | None,
        source: dict[str, Any] | None = None,
        owner: str | None = None,
    ) -> tuple[JobRecord, bool]:
        job, created = await asyncio.to_thread(
            lambda: self.store.create_job(
                options,
                items,
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                webhook=webhook,
                source=source,
                capacity=self._settings.max_queued_job_items,
                owner=owner,
            )
        )
        self.worker.notify()
        await self.notifier.kick()
        return job, created

    async def unfinished(self, owner: str) -> int:
        """The owner's jobs still queued or running."""
        return await asyncio.to_thread(self.store.unfinished_jobs, owner)

    async def by_key(self, idempotency_key: str, request_hash: str) -> JobRecord | None:
        return await asyncio.to_thread(self.store.job_for_key, idempotency_key, request_hash)

    async def record(self, job_id: str) -> JobRecord:
        return await asyncio.to_thread(self.store.job, job_id)

    async def job(self, job_id: str) -> tuple[JobRecord, list[ItemRecord]]:
        job = await asyncio.to_thread(self.store.job, job_id)
        return job, await asyncio.to_thread(self.store.items, job_id)

    async def results(
        self, job_id: str, offset: int, limit: int
    ) -> tuple[JobRecord, list[ItemRecord]]:
        job = await asyncio.to_thread(self.store.job, job_id)
        return job, await asyncio.to_thread(self.store.items, job_id, offset, limit)

    async def cancel(self, job_id: str) -> JobRecord:
        job = await asyncio.to_thread(self.store.cancel, job_id)
        await self.notifier.kick()
        return job

    async def delete(self, job_id: str) -> None:
        await asyncio.to_thread(self.store.delete, job_id)

    # Stories summarized by single requests.

    async def story_plan(self, item: WorkItem, options: Options) -> GroupPlan:
        """The item answered from the result cache (an unchanged text), or to run."""
        return await asyncio.to_thread(
            plan_group, [item], options, self.worker.fingerprint, self.store.cached
        )

    async def keep_story(
        self, owner: str, item: WorkItem, options: Options, outcome: Outcome
    ) -> None:
        """Cache a fresh result, and keep it as the story's latest unless a newer revision is."""
        if outcome.result is None or item.external_id is None:
            return
        if outcome.cache_entry is not None:
            await asyncio.to_thread(self.store.put_cache, *outcome.cache_entry)
        await asyncio.to_thread(
            self.store.record_document,
            owner,
            item.external_id,
            item.revision,
            options,
            outcome.result,
        )
        await self.notifier.kick()  # a job whose last queued items it superseded has finished

    async def keep_streamed_story(
        self, owner: str, item: WorkItem, options: Options, result: DocumentResult
    ) -> None:
        """`keep_story` for a result the engine streamed."""
        key = cache_key(self.worker.fingerprint, item, options)
        await self.keep_story(owner, item, options, outcome_of(item, key, result, options))

    async def document(self, owner: str | None, external_id: str) -> DocumentRecord | None:
        return await asyncio.to_thread(self.store.document, owner, external_id)

    async def _prune_daily(self) -> None:
        while True:
            try:
                pruned = await asyncio.to_thread(
                    self.store.prune, self._settings.retention_days * DAY_S
                )
            except Exception:  # tried again tomorrow; never takes the server down
                log.exception("pruning expired jobs failed")
            else:
                if pruned.rows:
                    log.info("pruned expired data: %s", pruned)
            await asyncio.sleep(PRUNE_EVERY_S)


def open_store(settings: Settings) -> JobStore:
    """The settings' job store, its webhook secrets sealed with the settings' key."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    return JobStore.open(settings.data_dir, settings.database, key)
