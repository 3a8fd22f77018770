"""RSS 0.9x/1.0/2.0 and Atom documents, read by feedparser, as a `Feed`."""

from __future__ import annotations

import io
from typing import Any

import feedparser

from ..errors import LingosumError
from .dates import LocalizedDates, iso_from_struct
from .html_text import html_to_text, tidy_text
from .identity import item_id
from .model import Feed, FeedItem

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def parse_syndication(document: bytes, content_type: str | None, base_url: str | None) -> Feed:
    headers = {"content-type": content_type} if content_type else {}
    if base_url:
        headers["content-location"] = base_url
    # A file object, never bytes or str: feedparser would take those for a path or URL and read it.
    parsed = feedparser.parse(io.BytesIO(document), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        raise LingosumError(
            "feed_unreadable", "The document is not an RSS, Atom or JSON feed.", status=422
        )
    dates = LocalizedDates(parsed.feed.get("language"))
    items = [_item(entry, dates) for entry in parsed.entries]
    return Feed(title=_title(parsed.feed) or None, items=items)


def _item(entry: Any, dates: LocalizedDates) -> FeedItem:
    title = _title(entry) or None
    link = _web_link(entry.get("link"))
    text = _content_text(entry)
    published = _published(entry, dates)
    return FeedItem(
        id=entry.get("id") or item_id(link, title, text, published),
        title=title,
        text=text,
        link=link,
        published=published,
    )


def _web_link(link: str | None) -> str | None:
    """Only http(s) links: feedparser offers an Atom id such as 'urn:...' as the link too."""
    return link if link and link.lower().startswith(("http://", "https://")) else None


def _content_text(entry: Any) -> str:
    for content in entry.get("content") or []:
        text = _as_text(content.get("value"), content.get("type"))
        if text:
            return text
    return _as_text(entry.get("summary"), (entry.get("summary_detail") or {}).get("type"))


def _title(node: Any) -> str:
    return _as_text(node.get("title"), (node.get("title_detail") or {}).get("type"))


def _as_text(value: str | None, mime: str | None) -> str:
    if not value:
        return ""
    if mime == "text/plain":
        return tidy_text(value)
    return html_to_text(value) if mime in _HTML_TYPES or mime is None else tidy_text(value)


def _published(entry: Any, dates: LocalizedDates) -> str | None:
    for key in ("published", "updated"):
        if entry.get(f"{key}_parsed"):
            return iso_from_struct(entry[f"{key}_parsed"])
        if entry.get(key):
            return dates.iso(entry[key])
    return None
