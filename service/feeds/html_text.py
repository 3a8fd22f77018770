"""Reduce HTML (a feed item's content or summary) to clean plain text with paragraph breaks."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

_DROPPED = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
_PARAGRAPH = "\x00"
_LINE = "\x01"
_SPACES = re.compile(r"[^\S\x00\x01]+")
_PARAGRAPHS = re.compile(r"\s*\x00[\s\x00\x01]*")
_BREAKS = re.compile(r"\x01 *\x01[ \x01]*")
_LINES = re.compile(r" *\x01[ \x01]*")


def html_to_text(markup: str) -> str:
    """Text of the markup: tags gone, entities decoded, scripts and styles dropped.

    Paragraphs (p, div, headings, list items...) are separated by a blank line, <br> by a newline.
    """
    if not markup.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    pieces: list[str] = []
    _collect(root, pieces)
    return tidy_text("".join(pieces))


def tidy_text(text: str) -> str:
    """Collapse runs of spaces, keep blank-line paragraph breaks as one, trim every line."""
    text = re.sub(r"\r\n?", "\n", text)
    text = _SPACES.sub(" ", re.sub(r"\n[^\S\n]*\n", _PARAGRAPH, text))
    text = _BREAKS.sub(_PARAGRAPH, text)  # <br><br> parts paragraphs too
    text = _PARAGRAPHS.sub(_PARAGRAPH, text)
    text = _LINES.sub(_LINE, text)
    paragraphs = (p.strip(" " + _LINE).replace(_LINE + " ", _LINE) for p in text.split(_PARAGRAPH))
    return "\n\n".join(p.replace(_LINE, "\n") for p in paragraphs if p.strip(" " + _LINE))


def _collect(element: etree._Element, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _DROPPED or not tag:
        return  # comments and processing instructions too; their tails are added by the parent
    block = tag.lower() in _BLOCKS
    if block:
        pieces.append(_PARAGRAPH)
    if tag.lower() == "br":
        pieces.append(_LINE)
    elif tag.lower() in ("td", "th"):
        pieces.append(" ")
    pieces.append(_plain(element.text))
    for child in element:
        _collect(child, pieces)
        pieces.append(_plain(child.tail))
    if block:
        pieces.append(_PARAGRAPH)


def _plain(text: str | None) -> str:
    text = (text or "").replace(_PARAGRAPH, "").replace(_LINE, "")
    return _SPACES.sub(" ", text)  # newlines in markup are spaces, not breaks
