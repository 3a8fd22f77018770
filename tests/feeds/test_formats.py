"""Every feed format and character set the reader supports, posted as bytes or fetched."""

from __future__ import annotations

import pytest

from service.errors import LingosumError
from service.feeds import Feed, FeedItem, read_feed
from service.settings import Settings
from tests.feeds.conftest import fixture_bytes
from tests.feeds.server import LoopbackServer

OFFLINE = Settings(fetch_linked_articles=False)


def posted(name: str, content_type: str | None = None) -> Feed:
    return read_feed(fixture_bytes(name), OFFLINE, content_type=content_type)


def by_title(feed: Feed, title: str) -> FeedItem:
    [item] = [i for i in feed.items if i.title == title]
    return item


def test_rss_091_declared_iso_8859_1() -> None:
    feed = posted("rss091_iso-8859-1.xml")
    assert feed.title == "Gazeta da Ribeira"
    assert [i.title for i in feed.items] == [
        "Ponte nova abre ao trânsito em São João",
        "Feira de pão e açúcar",
    ]
    item = feed.items[1]
    assert item.text == "Padeiros de Évora e Óbidos trouxeram pão de trigo à praça."
    assert item.id == item.link == "https://gazeta.example/feira"  # RSS 0.91 has no guid
    assert item.published is None
    # a Portuguese date, read in the channel's <language>
    assert feed.items[0].published == "2018-01-03T13:47:00+00:00"


def test_rss_20_iso_8859_2() -> None:
    [item] = posted("rss20_iso-8859-2.xml").items
    assert item.title == "Źródło wody na ulicy Żeromskiego"
    assert item.text.startswith("Mieszkańcy zgłosili, że woda płynie spod chodnika.")
    assert item.id == "lodz-2024-0001"
    assert item.published == "2024-03-05T07:30:00+00:00"


def test_gb2312_is_read_as_gb18030() -> None:
    feed = posted("rss20_gb2312.xml")
    assert feed.title == "河港新闻"
    [item] = feed.items
    assert item.title == "新大桥通车"
    # 镕 lies outside GB2312; a strict GB2312 decoder would lose it.
    assert item.text == "全长一千二百米的新大桥今天正式通车。\n\n工程师朱镕说，大桥耗时四年建成。"
    assert item.published == "2024-04-10T01:00:00+00:00"


def test_undeclared_latin_1() -> None:
    [item] = posted("rss20_latin1_undeclared.xml").items
    assert item.title == "El muelle reabre después de la tormenta"
    assert "la grúa número dos sigue averiada. Señal de que el año" in item.text
    assert item.published == "2024-01-15T12:00:00+00:00"  # "Lun, 15 Ene 2024", no <language>


def test_atom_content_wins_over_summary() -> None:
    feed = posted("atom.xml")
    assert feed.title == "Harbor Notes"
    tides = feed.items[0]
    assert tides.title == "Tide tables revised"
    assert tides.text == (
        "The harbor office revised its tide tables for May.\n\n"
        "High water on Friday is now at 06:40 & 19:05."
    )
    assert tides.id == "urn:example:harbor-notes:tides"
    assert tides.link == "https://harbor.example/tides"
    assert tides.published == "2024-05-01T04:15:00+00:00"


def test_atom_xhtml_content_and_summary_only_entry() -> None:
    feed = posted("atom.xml")
    ferry = by_title(feed, "Ferry timetable")
    assert ferry.text == (
        "The summer ferry runs every forty minutes.\n\nFirst boat 07:00\n\nLast boat 22:20"
    )
    assert ferry.published == "2024-05-02T10:00:00+00:00"  # only <updated> given
    summary_only = by_title(feed, "Only a summary")
    assert summary_only.text == "Café owners on the quay report a busy weekend."
    assert summary_only.link is None


def test_rss_10() -> None:
    feed = posted("rss10.rdf")
    assert feed.title == "Valley Bulletin"
    orchard, mill = feed.items
    assert orchard.text == "Growers began picking apples two weeks ahead of schedule."
    assert orchard.published == "2024-08-20T07:30:00+00:00"
    assert mill.text == (
        "The restored water mill grinds flour again.\n\nVisitors can watch on Saturdays."
    )


def test_rss_20_content_encoded_is_cleaned() -> None:
    feed = posted("rss20_content_encoded.xml")
    bench = feed.items[0]
    assert bench.text == (
        "Materials\n\n"
        "We used oak & ash, about 3 m of board.\n\n"
        "Cut the legs first.\nThen the seat.\n\n"
        "It’s done in a weekend — really."
    )
    assert bench.id == "https://workshop.example/?p=17"
    for leaked in ("tracking", "color", "comment", "<", "&amp;", "&#"):
        assert leaked not in bench.text


def test_item_without_guid_or_link_has_a_stable_id() -> None:
    first = posted("rss20_content_encoded.xml").items[1]
    again = posted("rss20_content_encoded.xml").items[1]
    assert first.link is None
    assert first.id.startswith("sha256:")
    assert first.id == again.id
    assert first.id != posted("rss20_content_encoded.xml").items[0].id


def test_json_feed() -> None:
    feed = posted("jsonfeed.json")
    assert feed.title == "Canal Letters"
    lock, towpath, summary_only = feed.items
    assert lock == FeedItem(
        id="canal-1",
        title="Lock gates replaced",
        text="The lock gates were replaced in three days.\n\nBoats pass again.",
        link="https://canal.example/lock",
        published="2024-03-04T09:00:00+00:00",
    )
    assert towpath.id == "42"
    assert towpath.title == "Towpath résumé"
    assert towpath.text == "Cyclists share the towpath.\n\nPlease ring your bell."
    assert towpath.link == "https://canal.example/towpath"
    assert towpath.published == "2024-03-05T08:00:00+00:00"
    assert summary_only.text == "Only a summary: über die Brücke."


@pytest.mark.parametrize(
    "document",
    [
        b"",
        b"   \n",
        b"<html><body><p>Just a web page</p></body></html>",
        b'{"title": "not a feed"}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ',
        b"\x00\x01\x02\xff\xfe binary",
        b"[" * 100_000,
        b'{"a":' * 100_000,
    ],
)
def test_documents_that_are_not_feeds_are_refused(document: bytes) -> None:
    with pytest.raises(LingosumError) as caught:
        read_feed(document, OFFLINE)
    assert (caught.value.code, caught.value.status) == ("feed_unreadable", 422)


def test_fetched_feed_honours_the_http_charset(server: LoopbackServer, settings: Settings) -> None:
    # An ISO-8859-2 document with no XML declaration: only the HTTP header names its charset.
    text = fixture_bytes("rss20_iso-8859-2.xml").split(b"?>", 1)[1]
    url = server.serve("/pl", text, "application/rss+xml; charset=ISO-8859-2")
    [item] = read_feed(url, settings).items
    assert item.title == "Źródło wody na ulicy Żeromskiego"


def test_posted_feed_honours_a_given_content_type() -> None:
    text = fixture_bytes("rss20_iso-8859-2.xml").split(b"?>", 1)[1]
    feed = read_feed(text, OFFLINE, content_type="application/xml; charset=iso-8859-2")
    assert feed.items[0].title == "Źródło wody na ulicy Żeromskiego"


@pytest.mark.parametrize(
    ("name", "content_type", "title"),
    [
        ("rss20_gb2312.xml", "text/xml", "新大桥通车"),
        ("rss091_iso-8859-1.xml", "application/rss+xml", "Ponte nova abre ao trânsito em São João"),
        ("jsonfeed.json", "application/feed+json", "Lock gates replaced"),
    ],
)
def test_fetched_feeds_decode_like_posted_ones(
    server: LoopbackServer, settings: Settings, name: str, content_type: str, title: str
) -> None:
    url = server.serve("/feed", fixture_bytes(name), content_type)
    assert read_feed(url, settings).items[0].title == title
