"""What a read feed is: its title and its items as clean plain text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeedItem:
    id: str
    """guid, Atom id, JSON Feed id, else the link, else a hash of the item: stable across reads."""
    title: str | None
    text: str
    """Clean plain text of the article, paragraphs separated by blank lines; '' when none."""
    link: str | None
    published: str | None
    """ISO 8601 (UTC) when the feed gives a date."""


@dataclass(frozen=True)
class Feed:
    title: str | None
    items: list[FeedItem]
