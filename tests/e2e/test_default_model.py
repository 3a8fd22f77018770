"""End to end on the real default model, over HTTP: articles in, faithful summaries out."""

from __future__ import annotations

import re

import httpx
import pytest

from service.checks.numbers import unsupported_numbers
from service.checks.stray_words import latin_names, stray_english_words
from service.pipeline.stages.detect import LanguageDetector
from service.text.chinese import script_variant_counts
from service.text.sentences import count_words, is_complete, split_sentences
from tests.e2e.conftest import SAMPLE_ARTICLE

pytestmark = pytest.mark.e2e

_HAN = re.compile(r"[\u4e00-\u9fff]")


def summarize(server: httpx.Client, text: str, **extra: object) -> dict:  # type: ignore[type-arg]
    response = server.post("/v1/summarize", json={"text": text, **extra})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def assert_faithful_pair(body: dict, source: str, source_language: str) -> None:  # type: ignore[type-arg]
    english = body["summaries"]["en"]["text"]
    chinese = body["summaries"]["zh"]["text"]
    assert LanguageDetector().detect([english])[0].language == "en", english
    assert 10 <= count_words(english) <= 150, english
    assert all(is_complete(sentence) for sentence in split_sentences(english)), english
    assert len(_HAN.findall(chinese)) >= 15, chinese
    assert script_variant_counts(chinese)[1] == 0, chinese  # no Traditional-only characters
    assert stray_english_words(chinese, latin_names(source)) == [], chinese
    for summary in (english, chinese):
        assert unsupported_numbers(summary, source, source_language) == [], summary
    assert body["summaries"]["en"]["checks"]["unsupported_numbers"] == []
    assert body["route"][0]["stage"] == "detect"
    assert body["route"][-1]["stage"] == "finalize"


def test_english_article_gets_faithful_english_and_chinese_summaries(
    server: httpx.Client, article: dict[str, str]
) -> None:
    source = article["harbor-bridge.en.txt"]
    body = summarize(server, source)

    assert body["source_language"] == "en"
    model_steps = [s for s in body["route"] if s["stage"] in ("summarize", "translate")]
    assert [(s["stage"], s["source"], s["target"]) for s in model_steps] == [
        ("summarize", "en", "en"),
        ("translate", "en", "zh-Hans"),
    ]
    assert_faithful_pair(body, source, "en")
    assert "Riverton" in body["summaries"]["en"]["text"]
    for step in model_steps:
        assert 0 < step["prefill_ms"] < step["ms"], step
    for step in body["route"]:  # the guard's and finalize's model calls, where there were any
        if step["stage"] == "guard" or step["model"] == model_steps[0]["model"]:
            assert step["prompt_tokens"] > 0 and step["completion_tokens"] > 0, step


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("rail-line.zh.txt", "zh-Hans"),
        ("typhoon.ja.txt", "ja"),
        ("vineyard.fr.txt", "fr"),
        ("library.de.txt", "de"),
        ("water.es.txt", "es"),
    ],
)
def test_articles_in_other_languages_get_both_summaries(
    server: httpx.Client, article: dict[str, str], name: str, language: str
) -> None:
    source = article[name]
    body = summarize(server, source)

    assert body["source_language"] == language
    assert_faithful_pair(body, source, language)


def test_traditional_chinese_output_on_request(
    server: httpx.Client, article: dict[str, str]
) -> None:
    body = summarize(server, article["harbor-bridge.en.txt"], targets=["zh-Hant"], length="short")

    chinese = body["summaries"]["zh-Hant"]["text"]
    simplified_only, traditional_only = script_variant_counts(chinese)
    assert traditional_only > 0 and simplified_only == 0, chinese


def test_the_sample_article(server: httpx.Client) -> None:
    source = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    body = summarize(server, source)

    english = body["summaries"]["en"]["text"]
    assert 20 <= count_words(english) <= 150
    assert "Japan" in english and "tariff" in english.lower()
    assert_faithful_pair(body, source, "en")


def test_bad_input_is_refused_and_the_server_keeps_serving(server: httpx.Client) -> None:
    for payload in ({"text": "  "}, {"text": 1}, {"nothing": True}):
        response = server.post("/v1/summarize", json=payload)
        assert response.status_code == 422
        assert set(response.json()["error"]) == {"code", "message"}
    response = server.post(
        "/v1/summarize", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert server.get("/readyz").status_code == 200


def test_a_short_chinese_summary_is_one_headline_short_sentence(
    server: httpx.Client, article: dict[str, str]
) -> None:
    body = summarize(server, article["rail-line.zh.txt"], targets=["zh"], length="short")

    chinese = body["summaries"]["zh"]["text"]
    [sentence] = split_sentences(chinese)
    assert is_complete(sentence) and sentence.endswith("。"), chinese
    assert 6 <= len(_HAN.findall(chinese)) <= 45, chinese  # asked for 30 at most
