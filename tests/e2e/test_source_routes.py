"""A Japanese article, through real HTTP on the real default model, on the route the route
table chooses for Japanese: the English summary is about the article's story."""

from __future__ import annotations

import httpx
import pytest

from service.pipeline.plan import source_route

pytestmark = pytest.mark.e2e


def test_a_japanese_article_comes_back_about_its_story(
    server: httpx.Client, article: dict[str, str]
) -> None:
    response = server.post(
        "/v1/summarize", json={"text": article["bats.ja.txt"], "targets": ["en"]}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    english = body["summaries"]["en"]["text"]
    assert body["source_language"] == "ja"
    assert "bat" in english.lower(), english
    assert "1,200" in english or "1200" in english, english
    assert "Ishigaki" in english or "Okinawa" in english, english
    model_steps = [(s["stage"], s["source"], s["target"]) for s in body["route"]]
    if source_route("ja") == "translate":
        assert model_steps[1:3] == [("translate", "ja", "en"), ("summarize", "en", "en")]
    else:
        assert model_steps[1] == ("summarize", "ja", "en")
