"""`read_feed`: a feed URL or posted document in, clean article texts out."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ..errors import LingosumError
from ..settings import Settings
from .articles import linked_article_text
from .fetch import Fetcher
from .json_feed import looks_like_json, parse_json_feed
from .model import Feed, FeedItem
from .syndication import parse_syndication
from .xml_guard import refuse_entity_declarations

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.1"
)
LINKED_FETCH_WORKERS = 4


def read_feed(source: str | bytes, settings: Settings, *, content_type: str | None = None) -> Feed:
    """`source` is an http(s) URL (fetched safely) or the bytes of a posted feed document."""
    with Fetcher(settings) as fetcher:
        base_url = None
        if isinstance(source, str):
            fetched = fetcher.fetch(source.strip(), FEED_ACCEPT)
            document, base_url = fetched.body, fetched.url
            content_type = content_type or fetched.content_type
        elif len(source) > settings.fetch_max_bytes:
            raise LingosumError(
                "feed_too_large",
                f"The feed is larger than {settings.fetch_max_bytes} bytes.",
                status=413,
            )
        else:
            document = source
        feed = parse_document(document, content_type, base_url)
        if settings.fetch_linked_articles:
            feed = _with_linked_articles(feed, fetcher)
    return feed


def parse_document(document: bytes, content_type: str | None, base_url: str | None = None) -> Feed:
    if not document.strip():
        raise LingosumError("feed_unreadable", "The feed document is empty.", status=422)
    if looks_like_json(document, content_type):
        return parse_json_feed(document)
    refuse_entity_declarations(document)
    return parse_syndication(document, content_type, base_url)


def _with_linked_articles(feed: Feed, fetcher: Fetcher) -> Feed:
    wanting = [i for i, item in enumerate(feed.items) if not item.text and item.link]
    if not wanting:
        return feed
    links = [feed.items[i].link or "" for i in wanting]
    with ThreadPoolExecutor(max_workers=LINKED_FETCH_WORKERS) as pool:
        texts = list(pool.map(lambda link: linked_article_text(fetcher, link), links))
    items: list[FeedItem] = list(feed.items)
    for index, text in zip(wanting, texts, strict=True):
        items[index] = replace(items[index], text=text)
    return replace(feed, items=items)
