"""Items with only a link get the main text of the linked page, fetched through the same guard."""

from __future__ import annotations

from service.feeds import Feed, read_feed
from service.settings import Settings
from tests.feeds.conftest import fixture_bytes
from tests.feeds.server import LoopbackServer


def link_only_feed(server: LoopbackServer, secret_base: str) -> bytes:
    template = fixture_bytes("link_only.xml").decode("utf-8")
    return template.format(base=server.base, secret=secret_base).encode("utf-8")


def read(server: LoopbackServer, secret: LoopbackServer, settings: Settings) -> Feed:
    server.serve("/articles/lighthouse.html", fixture_bytes("lighthouse.html"), "text/html")
    url = server.serve("/links.xml", link_only_feed(server, secret.base), "application/rss+xml")
    return read_feed(url, settings)


def test_a_link_only_item_gets_the_article_text(
    server: LoopbackServer, secret: LoopbackServer, settings: Settings
) -> None:
    lighthouse = read(server, secret, settings).items[0]
    paragraphs = lighthouse.text.split("\n\n")
    assert paragraphs[0] == "The lighthouse keeper retires"  # the page's headline
    assert paragraphs[1].startswith("After forty-one years on Gull Point")
    assert paragraphs[2].startswith("He polished the lens")
    assert len(paragraphs) == 5
    # the page is ISO-8859-1, named only in its <meta charset>
    assert "Café tables will stand where the coal store was." in lighthouse.text
    for boilerplate in ("Subscribe", "Sport", "tracker", "font-family", "<"):
        assert boilerplate not in lighthouse.text


def test_a_page_that_cannot_be_fetched_leaves_the_text_empty(
    server: LoopbackServer, secret: LoopbackServer, settings: Settings
) -> None:
    feed = read(server, secret, settings)
    missing, internal = feed.items[1], feed.items[2]
    assert missing.title == "A page that is gone"
    assert missing.text == ""
    assert internal.title == "A link to an internal address"
    assert internal.text == ""
    assert secret.requested == []
    assert "/articles/missing.html" in server.requested


def test_linked_articles_can_be_switched_off(
    server: LoopbackServer, secret: LoopbackServer
) -> None:
    settings = Settings(fetch_allow=[server.host], fetch_linked_articles=False)
    feed = read(server, secret, settings)
    assert [item.text for item in feed.items] == ["", "", ""]
    assert server.requested == ["/links.xml"]


def test_items_with_text_are_not_fetched(server: LoopbackServer, settings: Settings) -> None:
    url = server.serve("/full.xml", fixture_bytes("rss20_content_encoded.xml"))
    read_feed(url, settings)
    assert server.requested == ["/full.xml"]


def test_the_http_charset_of_a_page_is_used(
    server: LoopbackServer, secret: LoopbackServer, settings: Settings
) -> None:
    page = fixture_bytes("lighthouse.html").replace(b'<meta charset="iso-8859-1">', b"")
    page = (
        page.decode("iso-8859-1").replace("coal store", "coal store of Łódź").encode("iso-8859-2")
    )
    server.serve("/articles/lighthouse.html", page, "text/html; charset=ISO-8859-2")
    url = server.serve("/links.xml", link_only_feed(server, secret.base), "application/rss+xml")
    assert (
        "Café tables will stand where the coal store of Łódź was."
        in read_feed(url, settings).items[0].text
    )
