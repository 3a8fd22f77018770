"""Running the service's own stages over evaluation items, one outcome per item.

Summaries go through `Engine.summarize` (Document in, DocumentResult out), exactly as the
API runs them; translations through the translate stage on the loaded backend, in batches,
then the finalize stage that every served text passes (leftover English words translated,
unfinished sentences dropped); language ID through the engine's detector. A failing item
is recorded with its error and the run goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..checks.facts import ArticleFacts
from ..errors import LingosumError
from ..pipeline.documents import Document
from ..pipeline.engine import DocumentResult, Engine
from ..pipeline.stages.detect import LanguageDetector
from ..pipeline.stages.finalize import FinalizeItem, Finalizer
from ..pipeline.stages.summarize import Length
from ..pipeline.stages.translate import TranslateItem, Translator
from .datasets import LangidItem, SummaryItem, SummarySet, TranslationItem, TranslationSet

Progress = Callable[[str], None]
TRANSLATION_BATCH = 8


@dataclass
class SummaryOutcome:
    item: SummaryItem
    seconds: float
    summaries: dict[str, str] = field(default_factory=dict)
    source_language: str | None = None
    error: str | None = None
    repairs: dict[str, list[str]] = field(default_factory=dict)  # each target's, by kind
    style: dict[str, list[str]] = field(default_factory=dict)  # each target's faults left


@dataclass
class TranslationOutcome:
    item: TranslationItem
    seconds: float
    translation: str = ""  # as the service would serve it
    raw: str = ""  # as the translate stage wrote it, before finalize
    error: str | None = None
    finalize_calls: int = 0  # model calls finalize made for it (leftover English words)
    finalize_tokens: int = 0  # the tokens those calls read and wrote


@dataclass
class LangidOutcome:
    item: LangidItem
    detected: str  # a catalogue code, or "" when nothing was detected


def _describe(error: Exception) -> str:
    if isinstance(error, LingosumError):
        return f"{error.code}: {error.message}"
    return f"{type(error).__name__}: {error}"


def run_summaries(
    engine: Engine,
    spec: SummarySet,
    items: Sequence[SummaryItem],
    length: Length,
    progress: Progress,
) -> list[SummaryOutcome]:
    outcomes = []
    for index, item in enumerate(items, 1):
        started = time.perf_counter()
        try:
            [result] = engine.summarize(
                [Document(item.source, targets=spec.targets, length=length)]
            )
            if not isinstance(result, DocumentResult):
                raise result
            outcome = SummaryOutcome(
                item,
                time.perf_counter() - started,
                {target: result.summaries[target].text for target in spec.targets},
                result.source_language,
                repairs={t: result.summaries[t].repairs for t in spec.targets},
                style={t: result.summaries[t].style for t in spec.targets},
            )
        except Exception as error:  # one item's failure is counted in the report
            outcome = SummaryOutcome(item, time.perf_counter() - started, error=_describe(error))
        outcomes.append(outcome)
        status = f"error ({outcome.error})" if outcome.error else f"{outcome.seconds:.1f} s"
        progress(f"{spec.name} {index}/{len(items)}: {status}")
    return outcomes


def run_translations(
    translator: Translator,
    spec: TranslationSet,
    items: Sequence[TranslationItem],
    progress: Progress,
) -> list[TranslationOutcome]:
    outcomes: list[TranslationOutcome] = []
    for start in range(0, len(items), TRANSLATION_BATCH):
        batch = items[start : start + TRANSLATION_BATCH]
        outcomes += _translate_batch(translator, spec, batch)
        progress(f"{spec.name} {len(outcomes)}/{len(items)}")
    return outcomes


def _translate_batch(
    translator: Translator, spec: TranslationSet, batch: Sequence[TranslationItem]
) -> list[TranslationOutcome]:
    started = time.perf_counter()
    try:
        outputs = translator.run(
            [TranslateItem(i.source, spec.source_language, spec.target_language) for i in batch]
        )
    except Exception as error:
        if len(batch) > 1:  # find which items fail on their own
            return [o for item in batch for o in _translate_batch(translator, spec, [item])]
        return [TranslationOutcome(batch[0], time.perf_counter() - started, error=_describe(error))]
    raw = [output.text for output in outputs]
    served = Finalizer(translator).run(
        [
            FinalizeItem(
                text, spec.target_language, ArticleFacts(item.source, spec.source_language)
            )
            for item, text in zip(batch, raw, strict=True)
        ]
    )
    seconds = (time.perf_counter() - started) / len(batch)
    return [
        TranslationOutcome(
            item,
            seconds,
            final.text,
            text,
            finalize_calls=len(final.calls),
            finalize_tokens=sum(c.prompt_tokens + c.completion_tokens for c in final.calls),
        )
        for item, text, final in zip(batch, raw, served, strict=True)
    ]


def run_langid(
    detector: LanguageDetector, items: Sequence[LangidItem], name: str, progress: Progress
) -> tuple[list[LangidOutcome], float]:
    """Outcomes, and the seconds the detector took in all."""
    outcomes = []
    started = time.perf_counter()
    step = max(1, len(items) // 10)
    for index, item in enumerate(items, 1):
        try:
            detected = detector.detect([item.text])[0].language
        except LingosumError:
            detected = ""
        outcomes.append(LangidOutcome(item, detected))
        if index % step == 0 or index == len(items):
            progress(f"{name} {index}/{len(items)}")
    return outcomes, time.perf_counter() - started
