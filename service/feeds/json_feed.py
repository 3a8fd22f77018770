"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) as a `Feed`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from ..errors import LingosumError
from .html_text import html_to_text, tidy_text
from .identity import item_id
from .model import Feed, FeedItem

VERSION_PREFIX = "https://jsonfeed.org/version/1"


def looks_like_json(document: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return document.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_json_feed(document: bytes) -> Feed:
    try:
        data = json.loads(document)
    except (ValueError, RecursionError) as error:
        raise _unreadable("The JSON feed is not valid JSON.") from error
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(VERSION_PREFIX):
        raise _unreadable("The JSON document is not a JSON Feed (no jsonfeed.org version).")
    items = data.get("items")
    if not isinstance(items, list):
        raise _unreadable("The JSON Feed has no items list.")
    return Feed(
        title=_string(data.get("title")),
        items=[_item(item) for item in items if isinstance(item, dict)],
    )


def _item(item: dict[str, Any]) -> FeedItem:
    title = _string(item.get("title"))
    link = _string(item.get("url")) or _string(item.get("external_url"))
    text = _text(item)
    published = _iso(item.get("date_published") or item.get("date_modified"))
    raw_id = item.get("id")  # a string in 1.1; 1.0 feeds sometimes give a number
    given = str(raw_id).strip() if isinstance(raw_id, (str, int)) else ""
    return FeedItem(
        id=given or item_id(link, title, text, published),
        title=title,
        text=text,
        link=link,
        published=published,
    )


def _text(item: dict[str, Any]) -> str:
    html = _string(item.get("content_html"))
    if html and (text := html_to_text(html)):
        return text
    for key in ("content_text", "summary"):
        plain = _string(item.get(key))
        if plain and (text := tidy_text(plain)):
            return text
    return ""


def _string(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _iso(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def _unreadable(message: str) -> LingosumError:
    return LingosumError("feed_unreadable", message, status=422)
