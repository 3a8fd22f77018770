"""A Japanese article, through real HTTP on the real default model, on the route the route
table chooses for Japanese: the English summary is about the article's story."""

from __future__ import annotations

import httpx
import pytest

from service.pipeline.plan import source_route

pytestmark = pytest.mark.e2e

# Written for this test: 1,200 bats found in a cave on Ishigaki, Okinawa, the largest colony in
# 30 years; the cave is closed until the end of March.
BATS = """石垣島の洞窟でコウモリ1200匹の群れ 30年ぶりの大きさ

沖縄県の研究チームは10日、石垣島の洞窟で約1200匹のコウモリの群れを見つけたと発表した。これほど大きな群れが確認されたのは30年ぶりだという。

群れは洞窟の奥で冬を越しており、チームを率いる琉球大学の教授は「島の森が守られてきた成果だ」と話している。

沖縄県は洞窟への立ち入りを3月末まで禁止し、観光客に注意を呼びかけている。
"""


def test_a_japanese_article_comes_back_about_its_story(server: httpx.Client) -> None:
    response = server.post("/v1/summarize", json={"text": BATS, "targets": ["en"]})

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
