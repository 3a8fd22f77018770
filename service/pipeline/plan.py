"""Route planning: which model steps turn an article into the summaries asked for.

A plan is data, a list of steps; each reads one text slot and writes another, so a
response can report exactly what ran. Chinese targets are planned as Simplified; the
finalize stage converts to Traditional where that is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from ..text.languages import is_chinese

ARTICLE = "article"
ARTICLE_EN = "article:en"
ZH = "zh-Hans"

SourceRoute = Literal["direct", "translate"]
# How an English summary is made from a source in a language other than English or Chinese,
# where the summarizer could read it: "direct" (it reads the article and writes English) or
# "translate" (the translator turns the article into English first, which is then summarized
# as an English article). Chosen per language from the NTREX fidelity figures of 2026-12-05 in
# docs/quality.md: "translate" where its fidelity beat direct's by 5 points or more, else the
# cheaper "direct". A language not listed goes direct.
SOURCE_ROUTES: dict[str, SourceRoute] = {
    "ar": "direct",
    "de": "direct",
    "es": "direct",
    "fr": "direct",
    "ja": "direct",
    "ko": "direct",
    "ru": "translate",
}


def summary_slot(language: str) -> str:
    return f"summary:{language}"


@dataclass(frozen=True)
class Step:
    stage: Literal["summarize", "translate"]
    source: str
    target: str
    reads: str
    writes: str
    model: str
    # Runs in the same model call as the step before it, with a prompt that opens as that
    # step's does, so that the backend reads the text once for both.
    beside: bool = False


@dataclass(frozen=True)
class Models:
    summarizer: str
    translator: str
    summarizer_is_multilingual: bool


def source_route(source: str, routes: Mapping[str, SourceRoute] | None = None) -> SourceRoute:
    """The route of a non-Chinese, non-English `source` in `routes` (the table by default)."""
    return (SOURCE_ROUTES if routes is None else routes).get(source.split("-")[0], "direct")


def plan_route(
    source: str,
    targets: set[str],
    models: Models,
    zh_route: Literal["translate", "direct"],
    routes: Mapping[str, SourceRoute] | None = None,
    zh_from: Literal["summary", "article"] = "summary",
) -> list[Step]:
    """Steps that leave `summary:<lang>` for each of `targets` (planned in en and zh-Hans);
    `routes` (the table `SOURCE_ROUTES` by default) decides the other sources' route, and
    `zh_from` whether their Chinese summary is translated from the English one or written
    beside it."""
    want = {ZH if is_chinese(t) else t for t in targets}
    if is_chinese(source) and models.summarizer_is_multilingual:
        return _from_chinese(source, want, models, zh_route)
    steps: list[Step] = []
    reads, language = ARTICLE, source
    translate_first = not models.summarizer_is_multilingual or (
        source_route(source, routes) == "translate"
    )
    if source != "en" and translate_first:
        steps.append(_translate(source, "en", ARTICLE, ARTICLE_EN, models))
        reads, language = ARTICLE_EN, "en"
    steps.append(_summarize(language, "en", reads, models))
    if ZH in want and zh_from == "article" and models.summarizer_is_multilingual:
        steps.append(replace(_summarize(language, ZH, reads, models), beside=True))
    elif ZH in want:
        steps.append(_translate("en", ZH, summary_slot("en"), summary_slot(ZH), models))
    return steps


def _from_chinese(
    source: str, want: set[str], models: Models, zh_route: Literal["translate", "direct"]
) -> list[Step]:
    if zh_route == "direct":
        return [_summarize(source, target, ARTICLE, models) for target in sorted(want)]
    steps = [_summarize(source, ZH, ARTICLE, models)]
    if "en" in want:
        steps.append(_translate(ZH, "en", summary_slot(ZH), summary_slot("en"), models))
    return steps


def _summarize(source: str, target: str, reads: str, models: Models) -> Step:
    return Step("summarize", source, target, reads, summary_slot(target), models.summarizer)


def _translate(source: str, target: str, reads: str, writes: str, models: Models) -> Step:
    return Step("translate", source, target, reads, writes, models.translator)
