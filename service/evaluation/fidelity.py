"""Fidelity per source language on NTREX: is the English summary of a translated article as
faithful to the English original as the summary of the original itself?

Each document is summarized into English twice over: from its English original (once per run,
shared by every language), and from its human translation, by each route asked for ("direct":
the model reads the translation and writes English; "translate": the translator turns it into
English first, in sentence groups, and the English is summarized). Both go through
`Engine.summarize` as the API runs it, language detected, no title.

The measure:
- fidelity: ROUGE-1 precision (rouge-score, Porter stemming) of the summary against the English
  original article: the share of the summary's words that the original writes. A summary about
  another story scores low, whatever its fluency;
- the ratio: the mean fidelity of a language's summaries over the mean fidelity of the English
  originals' summaries of the same documents (the target is at least 0.90);
- agreement: ROUGE-1 F1 of the summary against the summary of the English original.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..pipeline.documents import Document
from ..pipeline.engine import DocumentResult, Engine
from ..pipeline.plan import SourceRoute
from ..pipeline.stages.summarize import Length
from .metrics import rouge1
from .ntrex import NtrexDocument

Progress = Callable[[str], None]
TARGET_RATIO = 0.9


@dataclass(frozen=True)
class Summary:
    doc_id: str
    seconds: float
    text: str = ""
    detected: str | None = None
    steps: tuple[str, ...] = ()  # the model steps, "stage source→target"
    error: str | None = None


def summarize(
    engine: Engine,
    doc_id: str,
    text: str,
    length: Length,
    routes: dict[str, SourceRoute],
) -> Summary:
    """The English summary of one article, on the given route table."""
    engine.source_routes = routes
    started = time.perf_counter()
    try:
        [result] = engine.summarize([Document(text, targets=("en",), length=length)])
    except Exception as error:  # one item's failure is counted in the report
        return Summary(doc_id, time.perf_counter() - started, error=f"{error}")
    seconds = time.perf_counter() - started
    if not isinstance(result, DocumentResult):
        return Summary(doc_id, seconds, error=f"{result.code}: {result.message}")
    steps = tuple(
        f"{r.stage} {r.source}→{r.target}"
        for r in result.route
        if r.stage in ("summarize", "translate")
    )
    return Summary(doc_id, seconds, result.summaries["en"].text, result.source_language, steps)


def run(
    engine: Engine,
    english: Sequence[NtrexDocument],
    by_language: dict[str, list[NtrexDocument]],
    routes: Sequence[SourceRoute | None],
    length: Length,
    progress: Progress,
) -> list[dict[str, Any]]:
    """One row per language and route (None: the route table's own choice), each beside the
    English originals' figures on the same documents."""
    table = dict(engine.source_routes)
    try:
        originals = {}
        for n, doc in enumerate(english, 1):
            originals[doc.id] = summarize(engine, doc.id, doc.english_text, length, table)
            progress(f"ntrex en {n}/{len(english)}: {_line(originals[doc.id], doc)}")
        rows = []
        for language, docs in by_language.items():
            for route in routes:
                chosen = table if route is None else {**table, language: route}
                summaries = []
                for n, doc in enumerate(docs, 1):
                    summaries.append(summarize(engine, doc.id, doc.text, length, chosen))
                    line = _line(summaries[-1], doc, originals[doc.id])
                    progress(f"ntrex {language} {route or 'table'} {n}/{len(docs)}: {line}")
                rows.append(figures(language, route or "table", docs, summaries, originals))
        return rows
    finally:
        engine.source_routes = table


def _line(summary: Summary, doc: NtrexDocument, original: Summary | None = None) -> str:
    """A progress line: time, fidelity and agreement, and the summary itself."""
    if summary.error:
        return f"{summary.seconds:.1f} s, error {summary.error}"
    scores = f"fidelity {rouge1(summary.text, doc.english_text)['precision']:.1f}"
    if original is not None and not original.error:
        scores += f", agreement {rouge1(summary.text, original.text)['f1']:.1f}"
    return f"{summary.seconds:.1f} s, {scores}, {' | '.join(summary.steps)}: {summary.text}"


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def figures(
    language: str,
    route: str,
    docs: Sequence[NtrexDocument],
    summaries: Sequence[Summary],
    originals: dict[str, Summary],
) -> dict[str, Any]:
    """A language's row: fidelity, the ratio to the originals' fidelity on the documents both
    summarized, agreement, time, and each output."""
    outputs: list[dict[str, Any]] = []
    for doc, summary in zip(docs, summaries, strict=True):
        original = originals[doc.id]
        if summary.error or original.error:
            outputs.append({"id": doc.id, "error": summary.error or original.error})
            continue
        outputs.append(
            {
                "id": doc.id,
                "summary": summary.text,
                "english_summary": original.text,
                "detected": summary.detected,
                "steps": list(summary.steps),
                "fidelity": round(rouge1(summary.text, doc.english_text)["precision"], 2),
                "english_fidelity": round(rouge1(original.text, doc.english_text)["precision"], 2),
                "agreement": round(rouge1(summary.text, original.text)["f1"], 2),
                "seconds": round(summary.seconds, 1),
                "english_seconds": round(original.seconds, 1),
            }
        )
    done = [o for o in outputs if "error" not in o]
    fidelity = _mean([o["fidelity"] for o in done])
    baseline = _mean([o["english_fidelity"] for o in done])
    ratio = round(fidelity / baseline, 3) if fidelity is not None and baseline else None
    return {
        "language": language,
        "route": route,
        "items": len(docs),
        "errors": len(outputs) - len(done),
        "detected_as_expected": _mean([100.0 * (o["detected"] == language) for o in done]),
        "fidelity": fidelity,
        "english_fidelity": baseline,
        "ratio": ratio,
        "meets_target": ratio is not None and ratio >= TARGET_RATIO,
        "agreement": _mean([o["agreement"] for o in done]),
        "seconds_per_item": _mean([o["seconds"] for o in done]),
        "english_seconds_per_item": _mean([o["english_seconds"] for o in done]),
        "outputs": outputs,
    }
