"""The JSON shapes of jobs and their items, shared by the API and the webhook body."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .store import DocumentRecord, ItemRecord, JobRecord


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
            "superseded": progress.superseded,
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
        **_story(item),
    }


def story_view(item: ItemRecord) -> dict[str, Any]:
    """What the webhook says of an item that names a story."""
    return {"index": item.index, "id": item.id, "state": item.state, **_story(item)}


def document_view(document: DocumentRecord) -> dict[str, Any]:
    return {
        "external_id": document.external_id,
        "revision": document.revision,
        "made_at": _iso(document.made_at),
        "job": document.job_id,
        "targets": list(document.options.targets),
        "length": document.options.length,
        "result": document.result,
    }


def _story(item: ItemRecord) -> dict[str, Any]:
    return {"external_id": item.external_id, "revision": item.revision}


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
        **_story(item),
    }


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="milliseconds")
