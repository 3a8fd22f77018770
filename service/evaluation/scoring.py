"""Turning outcomes into figures: ROUGE, BLEU/chrF, faithfulness, lengths, speed, accuracy."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from ..checks.name_forms import NAME_TWO_WAYS
from ..checks.stray_words import latin_names, stray_english_words
from ..checks.style import FRAGMENT, META_OPENING, REPEATED
from ..text.languages import is_chinese
from ..text.sentences import count_words
from . import faithfulness
from .datasets import SummarySet, TranslationSet
from .metrics import mean_rouge, rouge, translation_scores
from .runners import LangidOutcome, SummaryOutcome, TranslationOutcome

Figures = dict[str, Any]
GRANULARITIES = ("sentences", "word-pairs", "single-words")
STYLE_FAULTS = (META_OPENING, FRAGMENT, REPEATED, NAME_TWO_WAYS)


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def _share(flags: Sequence[bool]) -> float | None:
    return round(100 * sum(flags) / len(flags), 1) if flags else None


def summary_figures(spec: SummarySet, outcomes: Sequence[SummaryOutcome]) -> list[Figures]:
    """One row per scored target of the set."""
    done = [o for o in outcomes if o.error is None]
    errors = [o.error for o in outcomes if o.error is not None]
    expected = "zh" if is_chinese(spec.source_language) else spec.source_language
    detected_ok = [(o.source_language or "").split("-")[0] == expected for o in done]
    rows = []
    for target in spec.targets:
        scores = [rouge(o.summaries[target], o.item.references[target], target) for o in done]
        checks = [
            faithfulness.check(o.summaries[target], target, o.item.source, spec.source_language)
            for o in done
        ]
        names = [c.names for c in checks if c.names is not None]
        rows.append(
            {
                "set": spec.name,
                "title": spec.title,
                "direction": f"{spec.source_language} → {target}",
                "target": target,
                "items": len(outcomes),
                "errors": len(errors),
                "error_messages": sorted(Counter(errors).items()),
                "rouge": {k: round(v, 2) for k, v in mean_rouge(scores).items()},
                "seconds_per_item": _mean([o.seconds for o in done]),
                "length_unit": "characters" if is_chinese(target) else "words",
                "summary_length": _mean([count_words(o.summaries[target]) for o in done]),
                "reference_length": _mean(
                    [count_words(o.item.references[target]) for o in outcomes]
                ),
                "source_detected_as_expected": _share(detected_ok),
                "unsupported": {
                    "numbers": _share([bool(c.numbers) for c in checks]),
                    "dates": _share([bool(c.dates) for c in checks]),
                    "names": _share([bool(n) for n in names]) if names else None,
                    "any": _share([c.any for c in checks]),
                },
                "style": {
                    kind: _share([any(f.startswith(kind) for f in o.style[target]) for o in done])
                    for kind in STYLE_FAULTS
                },
                "repairs": {
                    kind: _share([kind in o.repairs[target] for o in done])
                    for kind in sorted({k for o in done for k in o.repairs[target]})
                },
                "outputs": [
                    {
                        "id": o.item.id,
                        "summary": o.summaries[target],
                        "repairs": o.repairs[target],
                        "style": o.style[target],
                        "rouge": {k: round(v, 2) for k, v in score.items()},
                        "unsupported": {"numbers": c.numbers, "dates": c.dates, "names": c.names},
                    }
                    for o, score, c in zip(done, scores, checks, strict=True)
                ],
            }
        )
    return rows


def translation_figures(spec: TranslationSet, outcomes: Sequence[TranslationOutcome]) -> Figures:
    """Scores of the served translations, and of the translate stage's own output beside them."""
    done = [o for o in outcomes if o.error is None]
    errors = [o.error for o in outcomes if o.error is not None]
    row: Figures = {
        "set": spec.name,
        "title": spec.title,
        "direction": f"{spec.source_language} → {spec.target_language}",
        "items": len(outcomes),
        "errors": len(errors),
        "error_messages": sorted(Counter(errors).items()),
        "bleu": None,
        "chrf": None,
        "bleu_tokenize": None,
        "before_finalize": None,
        "untranslated_share": None,
        "untranslated_share_before_finalize": None,
        "seconds_per_item": _mean([o.seconds for o in done]),
        "finalize_calls": sum(o.finalize_calls for o in done),
        "finalize_tokens": sum(o.finalize_tokens for o in done),
        "outputs": [
            {
                "id": o.item.id,
                "translation": o.translation,
                "raw": o.raw,
                "finalize_calls": o.finalize_calls,
            }
            for o in done
        ],
    }
    if not done:
        return row
    references = [o.item.reference for o in done]
    served = translation_scores([o.translation for o in done], references, spec.target_language)
    raw = translation_scores([o.raw for o in done], references, spec.target_language)
    row |= {
        "bleu": round(served.bleu, 2),
        "chrf": round(served.chrf, 2),
        "bleu_tokenize": served.bleu_tokenize,
        "before_finalize": {"bleu": round(raw.bleu, 2), "chrf": round(raw.chrf, 2)},
    }
    if is_chinese(spec.target_language):
        names = [latin_names(o.item.source) for o in done]
        stray = [
            stray_english_words(o.translation, n, o.item.source)
            for o, n in zip(done, names, strict=True)
        ]
        stray_raw = [
            stray_english_words(o.raw, n, o.item.source) for o, n in zip(done, names, strict=True)
        ]
        row["untranslated_share"] = _share([bool(words) for words in stray])
        row["untranslated_share_before_finalize"] = _share([bool(words) for words in stray_raw])
        for output, words in zip(row["outputs"], stray, strict=True):
            output["untranslated"] = words
    return row


def _base(code: str) -> str:
    return code.split("-")[0]


def langid_figures(name: str, outcomes: Sequence[LangidOutcome], seconds: float) -> Figures:
    right: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        detected = _base(o.detected) if o.detected else "none"
        right[o.item.language][o.item.granularity].append(detected == o.item.language)
        if detected != o.item.language:
            wrong[o.item.language][detected] += 1
    accuracy = {
        language: {g: _share(flags) for g, flags in sorted(by_granularity.items())}
        for language, by_granularity in sorted(right.items())
    }
    by_granularity: dict[str, list[bool]] = defaultdict(list)
    for language_flags in right.values():
        for granularity, flags in language_flags.items():
            by_granularity[granularity] += flags
    return {
        "set": name,
        "items": len(outcomes),
        "accuracy": accuracy,
        "average_over_granularities": {
            language: _mean([a for a in accs.values() if a is not None])
            for language, accs in accuracy.items()
        },
        "accuracy_by_granularity": {g: _share(f) for g, f in sorted(by_granularity.items())},
        "chinese_reported_as_korean": sum(
            o.item.language == "zh" and o.detected == "ko" for o in outcomes
        ),
        "top_confusions": {
            language: counter.most_common(3) for language, counter in sorted(wrong.items())
        },
        "seconds_per_item": round(seconds / len(outcomes), 5) if outcomes else None,
    }
