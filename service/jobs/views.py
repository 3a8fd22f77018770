"""The JSON shapes of jobs and their items, shared by the API and the webhook body."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .store import ItemRecord, JobRecord


def job_path(job_id: str) -> str:
    return f"/v1/jobs/{job_id}"


def job_view(job: JobRecord, items: list[ItemRecord] | None = None) -> dict[str, Any]:
    progress = job.progress
    view: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "created_at": _iso(job.created_at),
        "updated_at": _iso(job.updated_at),
        "targets": list(job.options.targets),
        "length": job.options.length,
        "source": job.source,
        "progress": {
            "total": progress.total,
            "done": progress.done,
            "failed": progress.failed,
            "cached": progress.cached,
            "queued": progress.queued,
            "running": progress.running,
            "cancelled": progress.cancelled,
        },
        "results": job_path(job.id) + "/results",
        "webhook": {"url": job.webhook_url, "status": job.webhook_status}
        if job.webhook_url
        else None,
    }
    if items is not None:
        view["items"] = [item_state_view(item) for item in items]
    return view


def item_state_view(item: ItemRecord) -> dict[str, Any]:
    return {
        "index": item.index,
        "id": item.id,
        "state": item.state,
        "cached": item.cached,
        "attempts": item.attempts,
    }


def item_result_view(item: ItemRecord) -> dict[str, Any]:
    return {
        "index": item.index,
        "id": item.id,
        "title": item.title,
        "link": item.link,
        "state": item.state,
        "cached": item.cached,
        "result": item.result,
        "error": item.error,
    }


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="milliseconds")
