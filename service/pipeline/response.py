"""The response for one summarized article: the one shape that the API, jobs and CLI return."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from ..text.sentences import count_words
from .engine import DocumentResult
from .stages.finalize import Finalized
from .stages.model_requests import RouteEntry


class SummaryChecks(BaseModel):
    unsupported_numbers: list[str] = Field(description="Numbers the article does not state.")
    unsupported_names: list[str] = Field(
        description="Names the article never writes; for a Chinese translation of the English "
        "summary, also names of the English summary that it does not render."
    )
    untranslated: list[str] = Field(description="Words left in the wrong language.")
    glossary: list[dict[str, str | None]] = Field(
        default_factory=list,
        description="Glossary entries whose term the summary mentions but does not write as "
        "given (source, en, zh).",
    )
    unsupported_sentences: list[str] = Field(
        default_factory=list,
        description="Sentences of an English summary that the summarizer found its article "
        "does not state, kept because no sentence was supported (the others are dropped and "
        "counted as 'unsupported_sentence' repairs).",
    )
    style: list[str] = Field(
        default_factory=list,
        description="News-style faults left: 'meta_opening', 'fragment' or "
        "'repeated_sentence', then the sentence; 'name_two_ways', then the name and its forms "
        "(a Chinese summary that writes one name in two ways).",
    )
    repairs: dict[str, int] = Field(
        default_factory=dict,
        description="How often each kind of repair was made to this summary.",
    )


class SummaryOut(BaseModel):
    text: str
    language: str
    words: int
    checks: SummaryChecks

    @classmethod
    def of(cls, summary: Finalized) -> SummaryOut:
        checks = SummaryChecks(
            unsupported_numbers=summary.unsupported_numbers,
            unsupported_names=summary.unsupported_names,
            untranslated=summary.untranslated,
            glossary=[entry.to_json() for entry in summary.glossary],
            unsupported_sentences=summary.unsupported_sentences,
            style=summary.style,
            repairs=dict(Counter(summary.repairs)),
        )
        return cls(
            text=summary.text,
            language=summary.language,
            words=count_words(summary.text),
            checks=checks,
        )


class SummarizeResponse(BaseModel):
    source_language: str
    language_confidence: float
    language_detected: bool
    summaries: dict[str, SummaryOut]
    chunks: int = Field(description="Pieces the article was summarized in; 1 unless it was long.")
    route: list[RouteEntry] = Field(
        description="What ran, in order; every model call names its model, tokens and time."
    )
    warnings: list[str]

    @classmethod
    def of(cls, result: DocumentResult, target_keys: dict[str, str]) -> SummarizeResponse:
        """`target_keys` maps each target as the caller wrote it ("zh") to its catalogue code."""
        return cls(
            source_language=result.source_language,
            language_confidence=result.language_confidence,
            language_detected=result.language_detected,
            summaries={
                key: SummaryOut.of(result.summaries[code]) for key, code in target_keys.items()
            },
            chunks=result.chunks,
            route=result.route,
            warnings=result.warnings,
        )


def result_to_json(result: DocumentResult, target_keys: dict[str, str]) -> dict[str, Any]:
    """The response as plain JSON data, for the job store and the CLI."""
    return SummarizeResponse.of(result, target_keys).model_dump(mode="json")
