"""`lingosum feed URL` on a tiny local model, reading a feed served on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from tests.feeds.server import LoopbackServer
from tests.news_feed import LINKED_PAGE, feed_ids, news_feed


def test_feed_url_fetches_the_feed_and_linked_pages(
    tmp_path: Path, causal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = f"hf-causal:{causal_dir}"
    with LoopbackServer("127.0.0.1") as server:
        server.serve("/articles/lighthouse.html", LINKED_PAGE.read_bytes(), "text/html")
        url = server.serve("/news.xml", news_feed(server.base), "application/rss+xml")
        status = main(
            [
                "feed",
                url,
                "--targets",
                "en,zh",
                "--length",
                "short",
                "--summarizer-model",
                model,
                "--translator-model",
                model,
                "--no-warmup",
                "--fetch-allow",
                "127.0.0.1",
            ]
        )

    assert status == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == feed_ids()
    linked = lines[3]
    assert linked["link"] == server.url("/articles/lighthouse.html")
    assert set(linked["summaries"]) == {"en", "zh"}
    assert lines[4]["error"]["code"] == "empty_item"
    assert server.requested == ["/news.xml", "/articles/lighthouse.html"]
