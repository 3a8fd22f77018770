"""The main text of a linked article page, for feed items that carry only a link."""

from __future__ import annotations

import contextlib
import logging
from email.message import Message

import trafilatura

from ..errors import LingosumError
from .fetch import Fetcher
from .html_text import tidy_text

log = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


def linked_article_text(fetcher: Fetcher, url: str) -> str:
    """The page's article text, or '' when it cannot be fetched or holds no article."""
    try:
        page = fetcher.fetch(url, PAGE_ACCEPT)
    except LingosumError as error:
        log.info("no text for linked article %s: %s", url, error.message)
        return ""
    if page.content_type and "html" not in page.content_type.lower():
        return ""
    charset = _charset(page.content_type)
    markup: str | bytes = page.body
    if charset:
        with contextlib.suppress(LookupError):  # unknown: trafilatura sniffs the bytes instead
            markup = page.body.decode(_superset(charset), errors="replace")
    extracted = trafilatura.extract(
        markup, url=page.url, output_format="txt", include_comments=False, include_tables=False
    )
    return tidy_text((extracted or "").replace("\n", "\n\n"))


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) and charset.strip() else None


def _superset(charset: str) -> str:
    return {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252", "latin-1": "cp1252"}.get(
        charset, charset
    )
