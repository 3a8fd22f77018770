"""`lingosum eval`: load the models once, run each chosen set, score it, write the report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from ..backends import Backend, ModelSpec, load_backend
from ..errors import LingosumError
from ..pipeline.engine import Engine
from ..pipeline.plan import SourceRoute
from ..pipeline.prompts import PromptBook
from ..pipeline.stages.detect import LanguageDetector
from ..pipeline.stages.translate import Translator
from ..settings import Settings
from . import datasets, fidelity, ntrex, scoring
from .datasets import FidelitySet, LangidSet, SummarySet, TranslationSet
from .metrics import CHINESE_TOKENIZATION
from .runners import Progress, run_langid, run_summaries, run_translations

LengthChoice = Literal["auto", "short", "medium", "long"]


@dataclass(frozen=True)
class EvalOptions:
    data_dir: Path
    sets: tuple[str, ...] = datasets.DEFAULT_SETS
    limit: int | None = None  # items per summary or translation set; language ID uses all
    length: LengthChoice = "auto"  # auto: the length that matches each set's references
    ntrex_dir: Path | None = None  # the NTREX-128 repository (folder or git mirror)
    routes: tuple[SourceRoute | None, ...] = (None,)  # fidelity routes; None: the route table
    ntrex_docs: tuple[str, ...] = ()  # fidelity documents; none given: the `limit` shortest


def evaluate(
    options: EvalOptions,
    settings: Settings,
    progress: Progress,
    *,
    summarizer: Backend | None = None,
    translator: Backend | None = None,
) -> dict[str, Any]:
    """Run the sets and return the report's figures (what report.json holds)."""
    started = time.perf_counter()
    specs = [datasets.SETS[name] for name in options.sets]
    report: dict[str, Any] = {
        "meta": {
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "data_dir": str(options.data_dir),
            "sets": list(options.sets),
            "limit": options.limit,
            "length": options.length,
            "summarizer_model": settings.summarizer_model,
            "translator_model": settings.translator_model,
            "zh_route": settings.zh_route,
            "zh_from": settings.zh_from,
            "ntrex_dir": None if options.ntrex_dir is None else str(options.ntrex_dir),
            "routes": [route or "table" for route in options.routes],
            "ntrex_docs": list(options.ntrex_docs),
            "detector": LanguageDetector.name,
            "chinese_rouge_tokenization": CHINESE_TOKENIZATION,
            "english_rouge_tokenization": "rouge-score's tokenizer with Porter stemming",
        },
        "summaries": [],
        "translation": [],
        "langid": [],
        "fidelity": [],
    }
    for langid_spec in (s for s in specs if isinstance(s, LangidSet)):
        items = datasets.langid_items(options.data_dir, langid_spec)
        outcomes, seconds = run_langid(LanguageDetector(), items, langid_spec.name, progress)
        report["langid"].append(scoring.langid_figures(langid_spec.name, outcomes, seconds))
    model_specs = [s for s in specs if not isinstance(s, LangidSet)]
    if model_specs:
        engine, translate_stage = _load(settings, summarizer, translator, progress)
        try:
            for spec in model_specs:
                if isinstance(spec, SummarySet):
                    report["summaries"] += _summary_set(engine, spec, options, progress)
                elif isinstance(spec, TranslationSet):
                    report["translation"].append(
                        _translation_set(translate_stage, spec, options, progress)
                    )
            fidelity_specs = [s for s in model_specs if isinstance(s, FidelitySet)]
            if fidelity_specs:
                report["fidelity"] = _fidelity_sets(engine, fidelity_specs, options, progress)
        finally:
            engine.close()
    report["meta"]["wall_seconds"] = round(time.perf_counter() - started, 1)
    return report


def _load(
    settings: Settings,
    summarizer: Backend | None,
    translator: Backend | None,
    progress: Progress,
) -> tuple[Engine, Translator]:
    """The engine on the configured models, and its translate stage on the same backend."""
    progress(f"loading {settings.summarizer_model}")
    if summarizer is None:
        summarizer = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    if translator is None:
        same = settings.translator_model == settings.summarizer_model
        translator = (
            summarizer
            if same
            else load_backend(ModelSpec.parse(settings.translator_model), settings)
        )
    engine = Engine(settings, summarizer=summarizer, translator=translator)
    engine.start()
    prompts = PromptBook(settings.prompts_dir)
    return engine, Translator(translator, prompts, mask_words=settings.zh_word_mask)


def _summary_set(
    engine: Engine, spec: SummarySet, options: EvalOptions, progress: Progress
) -> list[dict[str, Any]]:
    items = datasets.summary_items(options.data_dir, spec, options.limit)
    length = spec.length if options.length == "auto" else options.length
    outcomes = run_summaries(engine, spec, items, length, progress)
    rows = scoring.summary_figures(spec, outcomes)
    for row in rows:
        row["length"] = length
    return rows


def _translation_set(
    translator: Translator, spec: TranslationSet, options: EvalOptions, progress: Progress
) -> dict[str, Any]:
    items = datasets.translation_items(options.data_dir, spec, options.limit)
    return scoring.translation_figures(spec, run_translations(translator, spec, items, progress))


def _fidelity_sets(
    engine: Engine, specs: list[FidelitySet], options: EvalOptions, progress: Progress
) -> list[dict[str, Any]]:
    """The `limit` shortest dev documents in each set's language; the English originals are
    summarized once for all of them."""
    if options.ntrex_dir is None:
        raise LingosumError("no_data", "The ntrex-fidelity sets need --ntrex-dir.")
    ids = list(options.ntrex_docs) or ntrex.shortest_documents(options.data_dir, options.limit)
    by_language = {
        spec.language: ntrex.documents(options.data_dir, options.ntrex_dir, spec.language, ids)
        for spec in specs
    }
    length = "medium" if options.length == "auto" else options.length
    english = by_language[specs[0].language]
    return fidelity.run(engine, english, by_language, options.routes, length, progress)
