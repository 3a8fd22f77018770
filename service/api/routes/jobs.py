from __future__ import annotations

import asyncio
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from ...access.errors import forbidden
from ...errors import LingosumError
from ...jobs.feed_input import feed_items
from ...jobs.manager import JobManager
from ...jobs.store import Webhook, job_not_found
from ...jobs.views import item_result_view, job_path, job_view
from ...jobs.webhook_guard import check_webhook_url
from ...pipeline.documents import RejectedItem, WorkItem
from ...settings import Settings
from ..auth import CountedDep, Meter, MeterDep
from ..deps import JobsDep, SettingsDep
from ..items import enforce_request_chars, request_items
from ..schemas import BODY_ERRORS, JobOut, JobRequest, JobResultsPage, error_responses

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

MAX_OFFSET = 2**31 - 1  # past the last item the page is empty; the database wants a bound

IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=200,
        description="Retrying with the same key returns the same job; the same key with a "
        "different body gets 409 `idempotency_conflict`.",
    ),
]


@router.post(
    "",
    status_code=202,
    response_model=JobOut,
    response_model_exclude_unset=True,
    responses=error_responses(*BODY_ERRORS, 409, 502, 504),
)
async def create_job(
    body: JobRequest,
    response: Response,
    jobs: JobsDep,
    settings: SettingsDep,
    meter: MeterDep,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Queue a background job over a list of items (or a feed); 202 with its `Location`."""
    options = body.options().with_key_glossary(meter.caller.glossary)
    if body.webhook_url is not None and meter.caller.via_token:
        raise forbidden("A browser token cannot create a job with a webhook.")
    webhook = await _webhook(body, settings)
    request_hash = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    owner = meter.caller.name if meter.caller.key is not None else None
    if idempotency_key and owner is not None:
        idempotency_key = f"{owner}/{idempotency_key}"  # one key's retries never find another's
    existing = await jobs.by_key(idempotency_key, request_hash) if idempotency_key else None
    if existing is not None:
        await meter.charge()  # a replay: the job and its text were charged when it was made
        job, created = existing, False
    else:
        source, items = await _items(body, settings)
        await _charge_job(meter, jobs, items)
        try:
            job, created = await jobs.submit(
                options,
                items,
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                webhook=webhook,
                source=source,
                owner=owner,
            )
        except LingosumError:
            await meter.refund()
            raise
    response.headers["Location"] = job_path(job.id)
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return job_view(job)


@router.get(
    "/{job_id}", response_model=JobOut, responses=error_responses(401, 403, 404, 429, 500, 503)
)
async def get_job(job_id: str, jobs: JobsDep, meter: CountedDep) -> dict[str, Any]:
    """The job's status, progress and the state of each item."""
    await _check_owner(jobs, job_id, meter)
    job, items = await jobs.job(job_id)
    return job_view(job, items)


@router.get(
    "/{job_id}/results",
    response_model=JobResultsPage,
    responses=error_responses(401, 403, 404, 422, 429, 500, 503),
)
async def job_results(
    job_id: str,
    response: Response,
    jobs: JobsDep,
    meter: CountedDep,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """One page of results in item order; `next` (and the `Link` header) point to the next."""
    await _check_owner(jobs, job_id, meter)
    job, items = await jobs.results(job_id, offset, limit)
    following = offset + limit
    next_page = (
        f"{job_path(job_id)}/results?offset={following}&limit={limit}"
        if following < job.progress.total
        else None
    )
    if next_page:
        response.headers["Link"] = f'<{next_page}>; rel="next"'
    return {
        "job": job.id,
        "status": job.status,
        "offset": offset,
        "limit": limit,
        "total": job.progress.total,
        "items": [item_result_view(item) for item in items],
        "next": next_page,
    }


@router.post(
    "/{job_id}/cancel",
    response_model=JobOut,
    response_model_exclude_unset=True,
    responses=error_responses(401, 403, 404, 409, 429, 500, 503),
)
async def cancel_job(job_id: str, jobs: JobsDep, meter: CountedDep) -> dict[str, Any]:
    """Cancel the job: items not started are never run; a finished job gets 409. The job and
    its results stay until it is deleted."""
    await _check_owner(jobs, job_id, meter)
    return job_view(await jobs.cancel(job_id))


@router.delete(
    "/{job_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(401, 403, 404, 409, 429, 500, 503),
)
async def delete_job(job_id: str, jobs: JobsDep, meter: CountedDep) -> Response:
    """Delete a finished (done, failed or cancelled) job and its results; 409
    `job_not_finished` while it still runs. The story summaries it kept stay."""
    await _check_owner(jobs, job_id, meter)
    await jobs.delete(job_id)
    return Response(status_code=204)


async def _check_owner(jobs: JobManager, job_id: str, meter: Meter) -> None:
    """A key sees only its own jobs (an admin key sees all): another's is not found."""
    caller = meter.caller
    if caller.key is None or caller.admin:
        return
    if (await jobs.record(job_id)).owner != caller.name:
        raise job_not_found(job_id)


async def _charge_job(meter: Meter, jobs: JobManager, items: list[WorkItem | RejectedItem]) -> None:
    """Charge the job's accepted text, counting the key's unfinished jobs if it limits them."""
    chars = sum(len(item.text) for item in items if isinstance(item, WorkItem))
    limited = meter.caller.key is not None and meter.caller.limits.max_jobs is not None
    open_jobs = await jobs.unfinished(meter.caller.name) if limited else 0
    await meter.charge(chars, job=True, open_jobs=open_jobs)


async def _webhook(body: JobRequest, settings: Settings) -> Webhook | None:
    if body.webhook_url is None:
        return None
    if not (body.webhook_secret or settings.webhook_secret):
        raise LingosumError(
            "webhook_secret_required",
            "A webhook needs a secret to be signed with: give webhook_secret, or set "
            "LINGOSUM_WEBHOOK_SECRET on the server.",
            status=422,
        )
    await asyncio.to_thread(check_webhook_url, body.webhook_url, settings)
    return Webhook(body.webhook_url, body.webhook_secret)


async def _items(
    body: JobRequest, settings: Settings
) -> tuple[dict[str, Any] | None, list[WorkItem | RejectedItem]]:
    if body.items is not None:
        return None, request_items(body.items, settings, settings.job_max_items)
    if body.feed is not None:
        enforce_request_chars(len(body.feed), settings)
    source = body.feed_url if body.feed_url is not None else (body.feed or "").encode()
    return await asyncio.to_thread(feed_items, source, settings)
