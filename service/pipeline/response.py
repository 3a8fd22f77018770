"""Turning engine results into the JSON shape that both the API and the CLI return."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..text.sentences import count_words
from .engine import DocumentResult


def result_to_json(result: DocumentResult, target_keys: dict[str, str]) -> dict[str, Any]:
    """`target_keys` maps each target as the caller wrote it ("zh") to its catalogue code."""
    summaries = {}
    for key, code in target_keys.items():
        summary = result.summaries[code]
        summaries[key] = {
            "text": summary.text,
            "language": summary.language,
            "words": count_words(summary.text),
            "checks": {
                "unsupported_numbers": summary.unsupported_numbers,
                "unsupported_names": summary.unsupported_names,
                "untranslated": summary.untranslated,
            },
        }
    return {
        "source_language": result.source_language,
        "language_confidence": result.language_confidence,
        "language_detected": result.language_detected,
        "summaries": summaries,
        "chunks": result.chunks,
        "route": [asdict(entry) for entry in result.route],
        "warnings": result.warnings,
    }
