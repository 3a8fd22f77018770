"""Request bodies into work items, shared by the single, batch and job routes.

Items are validated one by one: a bad item becomes a RejectedItem with its own error, and
the request's limits (item count, total characters) refuse the whole request with 413.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import LingosumError
from ..pipeline.documents import RejectedItem, WorkItem, work_item
from ..settings import Settings
from .errors import describe_problem
from .schemas import ItemIn, SummarizeRequest

_ITEM = TypeAdapter(ItemIn)


def article_item(body: SummarizeRequest, settings: Settings) -> WorkItem:
    """The one article of POST /v1/summarize; its errors are the request's."""
    return work_item(
        0,
        body.text,
        settings,
        title=body.title,
        source=body.source_language,
        external_id=body.external_id,
        revision=body.revision,
    )


def request_items(
    raw: list[Any], settings: Settings, max_items: int
) -> list[WorkItem | RejectedItem]:
    enforce_request_limits(raw, settings, max_items)
    return [_item(index, entry, settings) for index, entry in enumerate(raw)]


def enforce_request_limits(raw: list[Any], settings: Settings, max_items: int) -> None:
    if len(raw) > max_items:
        raise LingosumError(
            "too_many_items", f"The request has {len(raw)} items; the limit is {max_items}.", 413
        )
    chars = sum(
        len(e["text"]) for e in raw if isinstance(e, dict) and isinstance(e.get("text"), str)
    )
    enforce_request_chars(chars, settings)


def enforce_request_chars(chars: int, settings: Settings) -> None:
    if chars > settings.request_max_chars:
        raise LingosumError(
            "request_too_large",
            f"The request has {chars} characters of text; "
            f"the limit is {settings.request_max_chars}.",
            status=413,
        )


def _item(index: int, entry: Any, settings: Settings) -> WorkItem | RejectedItem:
    given_id = entry.get("id") if isinstance(entry, dict) else None
    item_id = given_id if isinstance(given_id, str) else str(index)
    try:
        item = _ITEM.validate_python(entry)
        return work_item(
            index,
            item.text,
            settings,
            id=item.id,
            title=item.title,
            source=item.source_language,
            external_id=item.external_id,
            revision=item.revision,
        )
    except ValidationError as error:
        problems = (describe_problem(dict(p)) for p in error.errors())
        message = "; ".join(p.replace("body: ", "item: ", 1) for p in problems)
        return RejectedItem(index, item_id, LingosumError("invalid_request", message, 422))
    except LingosumError as error:
        return RejectedItem(index, item_id, error)
