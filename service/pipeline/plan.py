"""Route planning: which model steps turn an article into the summaries asked for.

A plan is data, a list of steps; each reads one text slot and writes another, so a
response can report exactly what ran. Chinese targets are planned as Simplified; the
finalize stage converts to Traditional where that is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..text.languages import is_chinese

ARTICLE = "article"
ZH = "zh-Hans"


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


@dataclass(frozen=True)
class Models:
    summarizer: str
    translator: str
    summarizer_is_multilingual: bool


def plan_route(
    source: str, targets: set[str], models: Models, zh_route: Literal["translate", "direct"]
) -> list[Step]:
    """Steps that leave `summary:<lang>` for each of `targets` (planned in en and zh-Hans)."""
    want = {ZH if is_chinese(t) else t for t in targets}
    if is_chinese(source) and models.summarizer_is_multilingual:
        return _from_chinese(source, want, models, zh_route)
    steps: list[Step] = []
    reads, language = ARTICLE, source
    if source != "en" and not models.summarizer_is_multilingual:
        steps.append(_translate(source, "en", ARTICLE, "article:en", models))
        reads, language = "article:en", "en"
    steps.append(_summarize(language, "en", reads, models))
    if ZH in want:
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
