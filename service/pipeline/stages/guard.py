"""The faithfulness guard on fresh summaries, before any translation can carry a mistake on.

A summary that states a number or a name its article does not is revised once, in the same
conversation, and the revision is kept if it states fewer such things. Sentences with numbers
still unsupported are then dropped; when none is left and the summary is in the article's own
language, the article's opening sentences stand in for it. Meta openings, fragments and
repeated sentences are repaired here too (see `checks.style`), so no translation carries
them. Names that remain are reported by the finalize stage, not dropped, because the name
check is a heuristic. The revisions are model calls, and each document's is reported as a
`guard` entry of its route.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ...checks.facts import ArticleFacts
from ...checks.problems import check, drop_unsupported_numbers
from ...checks.style import tidy
from ...text.languages import is_chinese
from .model_requests import RouteEntry, StageOutput, timed
from .summarize import SummarizeItem, Summarizer, lead_sentences

STAGE = "guard"


@dataclass(frozen=True)
class GuardItem:
    asked: SummarizeItem  # what the summarizer was given
    article: ArticleFacts  # the document (and its title) as it came in: every fact is from it


@dataclass
class Guarded:
    output: StageOutput
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # the kind of each style repair
    calls: list[RouteEntry] = field(default_factory=list)  # the revision, where one was asked


class SummaryGuard:
    def __init__(self, summarizer: Summarizer) -> None:
        self._summarizer = summarizer

    def run(self, items: Sequence[GuardItem], outputs: Sequence[StageOutput]) -> list[Guarded]:
        guarded = self._revised(items, outputs)
        for item, result in zip(items, guarded, strict=True):
            self._drop_unsupported_numbers(item, result)
            tidied = tidy(result.output.text, item.asked.target)
            result.output = replace(result.output, text=tidied.text)
            result.repairs += tidied.repairs
            result.warnings += tidied.warnings
        return guarded

    def _revised(self, items: Sequence[GuardItem], outputs: Sequence[StageOutput]) -> list[Guarded]:
        guarded = [Guarded(output) for output in outputs]
        flagged = [
            (i, problems)
            for i, (item, output) in enumerate(zip(items, outputs, strict=True))
            if (problems := check(output.text, item.article))
        ]
        if not flagged:
            return guarded
        with timed() as elapsed:
            revisions = self._summarizer.revise(
                [(items[i].asked, outputs[i].text, problems) for i, problems in flagged]
            )
        timing = (elapsed(), sum(revision is not None for revision in revisions))
        for (i, problems), revision in zip(flagged, revisions, strict=True):
            if revision is None:
                continue
            asked = items[i].asked
            guarded[i].calls.append(
                RouteEntry.of_call(
                    STAGE,
                    self._summarizer.backend.name,
                    (asked.source, asked.target),
                    timing,
                    [revision],
                )
            )
            left = check(revision.text, items[i].article)
            better = bool(revision.text) and len(left) < len(problems)
            guarded[i].warnings.append(
                f"The first draft stated {problems.describe()}, which the article does not; "
                + ("it was rewritten." if better else "a rewrite did no better.")
            )
            if better:
                guarded[i].output = replace(outputs[i], text=revision.text)
        return guarded

    @staticmethod
    def _drop_unsupported_numbers(item: GuardItem, result: Guarded) -> None:
        text, warnings, unsupported = drop_unsupported_numbers(result.output.text, item.article)
        result.warnings += warnings
        if unsupported and _same_language(item.article.language, item.asked.target):
            text = lead_sentences(item.asked.text, item.asked.length)
            result.warnings.append(
                f"Every sentence of the summary stated numbers the article does not "
                f"({', '.join(unsupported)}); the article's opening sentences stand in for it."
            )
        result.output = replace(result.output, text=text)


def _same_language(a: str, b: str) -> bool:
    return a == b or (is_chinese(a) and is_chinese(b))
