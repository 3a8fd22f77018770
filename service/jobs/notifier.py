"""Sends the webhook of every finished job whose webhook is still pending, one task per job.

The pending state is in the store, so a webhook owed when the process died is sent after
the restart. Before sending, a process claims the delivery in the store, so among many
processes sharing one store exactly one sends it (another takes over only if the sender's
claim lapses, having died mid-delivery).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

import httpx

from ..errors import LingosumError
from ..feeds.fetch import guarded_async_client
from ..settings import Settings
from .store import JobStore
from .views import job_view, story_view
from .webhook import Sleep, deliver, secret_key
from .webhook_guard import check_webhook_url

log = logging.getLogger(__name__)


class WebhookNotifier:
    def __init__(
        self,
        store: JobStore,
        settings: Settings,
        *,
        client_factory: Callable[[], httpx.AsyncClient] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._store = store
        self._settings = settings
        self._client_factory = client_factory or self._client
        self._sleep = sleep
        self._sending: dict[str, asyncio.Task[None]] = {}

    def _client(self) -> httpx.AsyncClient:
        return guarded_async_client(self._settings, self._settings.webhook_timeout_s)

    async def kick(self) -> None:
        """Start sending every pending webhook not already on its way."""
        for job_id in await asyncio.to_thread(self._store.jobs_with_webhook, "pending"):
            if job_id not in self._sending:
                self._sending[job_id] = asyncio.create_task(self._send(job_id))

    async def wait(self) -> None:
        """Until every webhook started so far is delivered or given up (for tests and the CLI)."""
        while self._sending:
            await asyncio.gather(*self._sending.values(), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._sending.values()):
            task.cancel()
        await asyncio.gather(*self._sending.values(), return_exceptions=True)

    async def _send(self, job_id: str) -> None:
        try:
            if not await asyncio.to_thread(self._store.claim_webhook, job_id, self._claim_s()):
                return  # another process is sending it
            delivered = await self._deliver(job_id)
            await asyncio.to_thread(
                self._store.set_webhook_status, job_id, "delivered" if delivered else "failed"
            )
        except Exception:  # a webhook never takes the worker down
            log.exception("webhook of job %s failed", job_id)
        finally:
            self._sending.pop(job_id, None)

    def _claim_s(self) -> float:
        """Longer than every try of one delivery with its backoff."""
        settings = self._settings
        backoff = settings.webhook_backoff_s * float(2**settings.webhook_attempts - 1)
        return settings.webhook_attempts * settings.webhook_timeout_s + backoff + 60

    async def _deliver(self, job_id: str) -> bool:
        target = await asyncio.to_thread(self._store.webhook_of, job_id)
        if target is None:
            return False
        url, own_secret = target
        server_secret = self._settings.webhook_secret
        secret = own_secret or (server_secret.get_secret_value() if server_secret else None)
        try:
            key = secret_key(secret or "")
        except ValueError:
            log.error("webhook of job %s: no whsec_ secret to sign it with", job_id)
            return False
        try:
            await asyncio.to_thread(check_webhook_url, url, self._settings)
        except LingosumError as error:
            log.error("webhook of job %s not sent: %s", job_id, error.message)
            return False
        job = await asyncio.to_thread(self._store.job, job_id)
        stories = await asyncio.to_thread(self._store.stories_of, job_id)
        event = {
            "event": "job.finished",
            "job": job_view(job),
            "stories": [story_view(item) for item in stories],
        }
        body = json.dumps(event, ensure_ascii=False).encode()
        async with self._client_factory() as client:
            try:
                return await deliver(
                    client,
                    url,
                    body,
                    message_id=f"msg_{job_id}",
                    key=key,
                    attempts=self._settings.webhook_attempts,
                    backoff_s=self._settings.webhook_backoff_s,
                    sleep=self._sleep,
                )
            except LingosumError as error:  # its address changed to a refused one since the check
                log.error("webhook of job %s not sent: %s", job_id, error.message)
                return False
