"""A long article summarized map-reduce on the real default model: its key fact, stated only in
its last third, reaches both summaries.

The article (tests/fixtures/long/wreck.en.txt, written for these tests) has about 1,560 words,
some 2,000 tokens: within the default chunk budget of 3,072 tokens, so the server here runs
with the smallest budget (1,024) to cut it in two. The fact is the wreck's name, "Maren
Solvik", first written at 73% of the text, in what becomes the second chunk.

2026-12-05, one run each: with the map prompt (`summarize_part.en`) asking for a part's facts
"in the order it gives them", the model copied each chunk's opening until its sentence limit
and the second chunk's summary stopped some 200 words before the wreck is named: the fact
was lost. Asked for the most important facts first, the English summary opens with it ("found
the wreck of the Maren Solvik, a herring boat that sank in November 1962"), but the Chinese
translation dropped that first sentence: still open, hence the xfail.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from service.checks.chinese_names import ChineseReading, load_dictionary, written_in_chinese
from tests.e2e.conftest import FIXTURES, running_server

pytestmark = pytest.mark.e2e

ARTICLE = FIXTURES / "long" / "wreck.en.txt"
FACT = "Maren Solvik"


@pytest.fixture(scope="module")
def chunked() -> Iterator[httpx.Client]:
    with running_server("--chunk-tokens", "1024") as client:
        yield client


def test_the_article_states_its_fact_only_in_its_last_third() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    words = len(text.split())
    assert 1400 <= words <= 1700
    assert len(text[: text.index(FACT)].split()) > words * 2 / 3
    assert "Solvik" not in text[: text.index(FACT)]


@pytest.fixture(scope="module")
def summarized(chunked: httpx.Client) -> dict[str, Any]:
    text = ARTICLE.read_text(encoding="utf-8")
    response = chunked.post("/v1/summarize", json={"text": text}, timeout=3600)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["chunks"] == 2  # map-reduce: two parts summarized, then combined
    return body


def test_a_fact_in_the_last_third_reaches_the_english_summary_of_a_map_reduce(
    summarized: dict[str, Any],
) -> None:
    english = summarized["summaries"]["en"]["text"]
    assert FACT in english, english


@pytest.mark.xfail(
    strict=True,
    reason="product bug, open: the Chinese translation drops the fact (see the docstring)",
)
def test_the_fact_reaches_the_chinese_summary_too(summarized: dict[str, Any]) -> None:
    chinese = summarized["summaries"]["zh"]["text"]
    load_dictionary()
    assert written_in_chinese(FACT, ChineseReading.of(chinese)), chinese
