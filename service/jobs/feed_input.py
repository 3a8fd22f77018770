"""Feeds as job input: one call turns a feed URL or a posted feed document into work items.

Not wired yet: the feed reader (service/feeds) comes from another branch. Until it is merged,
feed input is refused with 501 `feeds_unavailable`.
"""

from __future__ import annotations

from typing import Any

from ..errors import LingosumError
from ..settings import Settings
from .items import RejectedItem, WorkItem


def feed_items(
    source: str | bytes, settings: Settings, *, content_type: str | None = None
) -> tuple[dict[str, Any], list[WorkItem | RejectedItem]]:
    """The job's source description and one item per feed entry (blocks: it may fetch)."""
    raise LingosumError(
        "feeds_unavailable",
        "Feed input (feed_url, feed) is not available in this build yet; post items instead.",
        status=501,
    )
