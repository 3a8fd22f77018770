from __future__ import annotations

import pytest

from service.pipeline.plan import (
    ARTICLE,
    ARTICLE_EN,
    SOURCE_ROUTES,
    ZH,
    Models,
    Step,
    plan_route,
    source_route,
    summary_slot,
)

CHAT = Models(summarizer="chat-model", translator="mt-model", summarizer_is_multilingual=True)
MONO = Models(summarizer="en-model", translator="mt-model", summarizer_is_multilingual=False)
BOTH = {"en", "zh-Hans"}


def summarize(source: str, target: str, reads: str = ARTICLE, model: str = "chat-model") -> Step:
    return Step("summarize", source, target, reads, summary_slot(target), model)


def translate(source: str, target: str, reads: str, writes: str) -> Step:
    return Step("translate", source, target, reads, writes, "mt-model")


def test_summary_slot() -> None:
    assert summary_slot("en") == "summary:en"
    assert summary_slot(ZH) == "summary:zh-Hans"


@pytest.mark.parametrize("zh_route", ["translate", "direct"])
def test_english_source(zh_route: str) -> None:
    assert plan_route("en", BOTH, CHAT, zh_route) == [  # type: ignore[arg-type]
        summarize("en", "en"),
        translate("en", ZH, "summary:en", "summary:zh-Hans"),
    ]


def test_english_source_english_only() -> None:
    assert plan_route("en", {"en"}, CHAT, "translate") == [summarize("en", "en")]


@pytest.mark.parametrize("source", ["fr", "ja"])
def test_other_source_with_multilingual_summarizer(source: str) -> None:
    assert plan_route(source, BOTH, CHAT, "translate") == [
        summarize(source, "en"),
        translate("en", ZH, "summary:en", "summary:zh-Hans"),
    ]
    # zh_route only concerns Chinese sources.
    assert plan_route(source, BOTH, CHAT, "direct") == plan_route(source, BOTH, CHAT, "translate")


@pytest.mark.parametrize("source", ["zh-Hans", "zh-Hant"])
def test_chinese_source_translate_route(source: str) -> None:
    assert plan_route(source, BOTH, CHAT, "translate") == [
        summarize(source, ZH),
        translate(ZH, "en", "summary:zh-Hans", "summary:en"),
    ]
    assert plan_route(source, {ZH}, CHAT, "translate") == [summarize(source, ZH)]


@pytest.mark.parametrize("source", ["zh-Hans", "zh-Hant"])
def test_chinese_source_direct_route(source: str) -> None:
    assert plan_route(source, BOTH, CHAT, "direct") == [
        summarize(source, "en"),
        summarize(source, ZH),
    ]
    assert plan_route(source, {"en"}, CHAT, "direct") == [summarize(source, "en")]


@pytest.mark.parametrize("source", ["fr", "ja", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("zh_route", ["translate", "direct"])
def test_non_multilingual_summarizer_translates_the_article_first(
    source: str, zh_route: str
) -> None:
    assert plan_route(source, BOTH, MONO, zh_route) == [  # type: ignore[arg-type]
        translate(source, "en", ARTICLE, "article:en"),
        summarize("en", "en", reads="article:en", model="en-model"),
        translate("en", ZH, "summary:en", "summary:zh-Hans"),
    ]


def test_non_multilingual_summarizer_reads_english_directly() -> None:
    assert plan_route("en", BOTH, MONO, "translate") == [
        summarize("en", "en", model="en-model"),
        translate("en", ZH, "summary:en", "summary:zh-Hans"),
    ]


@pytest.mark.parametrize("source", ["en", "fr", "zh-Hans", "zh-Hant", "ja"])
@pytest.mark.parametrize("zh_route", ["translate", "direct"])
def test_traditional_target_is_planned_as_simplified(source: str, zh_route: str) -> None:
    for models in (CHAT, MONO):
        hant = plan_route(source, {"en", "zh-Hant"}, models, zh_route)  # type: ignore[arg-type]
        hans = plan_route(source, BOTH, models, zh_route)  # type: ignore[arg-type]
        assert hant == hans
        assert all(step.target != "zh-Hant" for step in hant)


@pytest.mark.parametrize("source", ["en", "fr", "zh-Hans", "zh-Hant", "ja"])
@pytest.mark.parametrize("zh_route", ["translate", "direct"])
@pytest.mark.parametrize("models", [CHAT, MONO])
def test_every_plan_is_executable_and_complete(source: str, zh_route: str, models: Models) -> None:
    """Each step reads a slot that exists by then, and every wanted summary gets written."""
    steps = plan_route(source, BOTH, models, zh_route)  # type: ignore[arg-type]
    available = {ARTICLE}
    for step in steps:
        assert step.reads in available
        assert step.model == (models.summarizer if step.stage == "summarize" else models.translator)
        available.add(step.writes)
    assert {"summary:en", "summary:zh-Hans"} <= available


@pytest.mark.parametrize("source", ["ja", "de"])
def test_a_source_routed_to_translate_first(source: str) -> None:
    routes = {source: "translate"}
    assert plan_route(source, BOTH, CHAT, "translate", routes) == [  # type: ignore[arg-type]
        Step("translate", source, "en", ARTICLE, ARTICLE_EN, "mt-model"),
        summarize("en", "en", reads=ARTICLE_EN),
        translate("en", ZH, "summary:en", "summary:zh-Hans"),
    ]


def test_the_route_table_leaves_english_chinese_and_unlisted_languages_alone() -> None:
    routes = {"fr": "translate", "en": "translate", "zh": "translate"}
    assert plan_route("en", BOTH, CHAT, "translate", routes) == plan_route(  # type: ignore[arg-type]
        "en", BOTH, CHAT, "translate"
    )
    assert plan_route("zh-Hans", BOTH, CHAT, "translate", routes) == plan_route(  # type: ignore[arg-type]
        "zh-Hans", BOTH, CHAT, "translate"
    )
    assert plan_route("it", {"en"}, CHAT, "translate", routes) == [  # type: ignore[arg-type]
        summarize("it", "en")
    ]


def test_source_route_reads_the_table_by_base_language() -> None:
    assert source_route("pt-BR", {"pt": "translate"}) == "translate"
    assert source_route("it", {"pt": "translate"}) == "direct"
    for language, route in SOURCE_ROUTES.items():
        assert source_route(language) == route
        assert route in ("direct", "translate")


def beside(source: str, reads: str = ARTICLE) -> Step:
    return Step("summarize", source, ZH, reads, summary_slot(ZH), "chat-model", beside=True)


@pytest.mark.parametrize("source", ["en", "fr", "ja"])
def test_chinese_from_the_article_beside_english(source: str) -> None:
    assert plan_route(source, BOTH, CHAT, "translate", zh_from="article") == [
        summarize(source, "en"),
        beside(source),
    ]
    assert plan_route(source, {"en"}, CHAT, "translate", zh_from="article") == [
        summarize(source, "en")
    ]


def test_chinese_beside_english_reads_what_english_reads() -> None:
    assert plan_route("ru", BOTH, CHAT, "translate", zh_from="article") == [
        translate("ru", "en", ARTICLE, ARTICLE_EN),
        summarize("en", "en", ARTICLE_EN),
        beside("en", ARTICLE_EN),
    ]


def test_chinese_from_the_article_needs_a_multilingual_summarizer() -> None:
    assert plan_route("en", BOTH, MONO, "translate", zh_from="article") == plan_route(
        "en", BOTH, MONO, "translate"
    )


@pytest.mark.parametrize("source", ["zh-Hans", "zh-Hant"])
def test_zh_from_does_not_concern_chinese_sources(source: str) -> None:
    for zh_route in ("translate", "direct"):
        assert plan_route(source, BOTH, CHAT, zh_route, zh_from="article") == plan_route(  # type: ignore[arg-type]
            source,
            BOTH,
            CHAT,
            zh_route,  # type: ignore[arg-type]
        )
