"""A project-written RSS feed of the fixture articles, for jobs and `lingosum feed` tests:
items with their text, one that only links to a page (served by the test), one with nothing."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = ("harbor-bridge.en.txt", "library.de.txt", "rail-line.zh.txt")
LINKED_PAGE = FIXTURES / "feeds" / "lighthouse.html"


def news_feed(base: str) -> bytes:
    items = [
        _item(f"{base}/news/{name}", name, (FIXTURES / name).read_text(encoding="utf-8"))
        for name in ARTICLES
    ]
    items.append(_item(f"{base}/articles/lighthouse.html", "lighthouse", None))
    items.append(
        '<item><title>Nothing to read</title><guid isPermaLink="false">empty</guid></item>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Riverton Wire</title><link>{base}/</link><description>Test news</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")


def feed_ids() -> list[str]:
    return [*ARTICLES, "lighthouse", "empty"]


def _item(link: str, guid: str, text: str | None) -> str:
    title = guid.split(".")[0].replace("-", " ").title()
    description = f"<description>{escape(text)}</description>" if text else ""
    return (
        f"<item><title>{title}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{guid}</guid>{description}</item>'
    )
