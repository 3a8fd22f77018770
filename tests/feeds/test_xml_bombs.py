"""Entity declarations are refused before any parser expands them, in bounded memory (a
parser that expanded them would need gigabytes, and minutes)."""

from __future__ import annotations

import tracemalloc

import pytest

from service.errors import LingosumError
from service.feeds import read_feed
from service.settings import Settings
from tests.feeds.server import LoopbackServer

OFFLINE = Settings(fetch_linked_articles=False)

# Ten levels of ten: expanded, the title alone would be 3 GB of "lol".
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol0 "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (level, b"".join(b"&lol%d;" % (level - 1) for _ in range(10)))
        for level in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    + b"<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>"
)


def refused(document: bytes) -> LingosumError:
    with pytest.raises(LingosumError) as caught:
        read_feed(document, OFFLINE)
    return caught.value


def test_billion_laughs_is_refused_with_bounded_memory() -> None:
    tracemalloc.start()
    try:
        error = refused(BILLION_LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (error.code, error.status) == ("feed_unreadable", 422)
    assert "entit" in error.message
    assert peak < 2_000_000


def test_a_bomb_behind_padding_is_still_refused_in_bounded_memory() -> None:
    # Entities can only be declared before the root element, so only the prolog is read.
    padded = BILLION_LAUGHS.replace(b"<channel>", b"<channel>" + b"<!-- pad -->" * 200_000)
    tracemalloc.start()
    try:
        refused(padded)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&x;</title></channel></rss>',
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]>'
        b'<rss version="2.0"><channel><title>t</title></channel></rss>',
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY one "1">]>'
        b'<rss version="2.0"><channel><title>&one;</title></channel></rss>',
    ],
    ids=["external-entity", "parameter-entity", "plain-entity"],
)
def test_every_entity_declaration_is_refused(document: bytes) -> None:
    assert refused(document).code == "feed_unreadable"


@pytest.mark.parametrize("encoding", ["gb2312", "utf-16"])
def test_a_bomb_in_an_encoding_expat_reads_differently_is_refused(encoding: str) -> None:
    document = BILLION_LAUGHS.replace(
        b'version="1.0"', f'version="1.0" encoding="{encoding}"'.encode()
    )
    assert refused(document.decode("ascii").encode(encoding)).code == "feed_unreadable"


def test_an_external_dtd_without_entities_is_read_and_not_fetched() -> None:
    document = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC'
        b' "-//Netscape Communications//DTD RSS 0.91//EN" "http://127.0.0.1:9/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>T</title>'
        b"<item><title>A</title><link>https://a.example/</link><description>D</description></item>"
        b"</channel></rss>"
    )
    assert read_feed(document, OFFLINE).items[0].text == "D"


def test_a_fetched_bomb_is_refused(server: LoopbackServer) -> None:
    url = server.serve("/bomb", BILLION_LAUGHS, "application/rss+xml")
    with pytest.raises(LingosumError) as caught:
        read_feed(url, Settings(fetch_allow=[server.host], fetch_linked_articles=False))
    assert caught.value.code == "feed_unreadable"
