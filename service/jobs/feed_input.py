"""Feeds as job input: one call turns a feed URL or a posted feed document into work items.

It blocks (a URL is fetched, and so are the pages of items that carry only a link), so the
API calls it on a thread. Items without text fail on their own, like any bad item.
"""

from __future__ import annotations

from typing import Any

from ..errors import LingosumError
from ..feeds import FeedItem, read_feed
from ..pipeline.documents import RejectedItem, WorkItem, work_item
from ..settings import Settings


def feed_items(
    source: str | bytes, settings: Settings, *, content_type: str | None = None
) -> tuple[dict[str, Any], list[WorkItem | RejectedItem]]:
    """The job's source description and one item per feed entry, in the feed's order."""
    feed = read_feed(source, settings, content_type=content_type)
    if not feed.items:
        raise LingosumError("empty_feed", "The feed has no items.", status=422)
    if len(feed.items) > settings.job_max_items:
        raise LingosumError(
            "too_many_items",
            f"The feed has {len(feed.items)} items; the limit is {settings.job_max_items}.",
            status=413,
        )
    described: dict[str, Any] = {"feed_title": feed.title}
    described["feed_url" if isinstance(source, str) else "feed"] = (
        source if isinstance(source, str) else "posted"
    )
    return described, [_item(index, item, settings) for index, item in enumerate(feed.items)]


def _item(index: int, item: FeedItem, settings: Settings) -> WorkItem | RejectedItem:
    if not item.text.strip():
        error = LingosumError(
            "empty_item", "The feed item has no article text, and its link gave none.", 422
        )
        return RejectedItem(index, item.id, error)
    try:
        return work_item(index, item.text, settings, id=item.id, title=item.title, link=item.link)
    except LingosumError as error:
        return RejectedItem(index, item.id, error)
