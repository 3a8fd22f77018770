"""Readers for the evaluation sets: which file, which fields, and what each item asks for.

The data stays where it is (it is read from the folder given on the command line); each set
is a JSONL file with one object per line, as laid out in the data folder's README.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..pipeline.stages.summarize import Length

Row = dict[str, Any]


@dataclass(frozen=True)
class SummaryItem:
    id: str
    source: str
    references: dict[str, str]  # summary target (catalogue code) -> reference summary


@dataclass(frozen=True)
class TranslationItem:
    id: str
    source: str
    reference: str


@dataclass(frozen=True)
class LangidItem:
    text: str
    language: str
    granularity: str


@dataclass(frozen=True)
class SummarySet:
    name: str
    title: str
    file: str
    source_language: str
    targets: tuple[str, ...]  # what the engine is asked for, each one scored
    length: Length  # the length that matches the references' style
    read: Callable[[Row], SummaryItem]
    kind: Literal["summary"] = "summary"


@dataclass(frozen=True)
class TranslationSet:
    name: str
    title: str
    file: str
    source_language: str
    target_language: str
    read: Callable[[Row], TranslationItem]
    kind: Literal["translation"] = "translation"


@dataclass(frozen=True)
class LangidSet:
    name: str
    title: str
    file: str
    kind: Literal["langid"] = "langid"


@dataclass(frozen=True)
class FidelitySet:
    """NTREX documents in `language`, summarized into English and scored against their English
    originals (`service.evaluation.fidelity`); read from the NTREX-128 repository given with
    --ntrex-dir."""

    name: str
    title: str
    language: str
    kind: Literal["fidelity"] = "fidelity"


EvalSet = SummarySet | TranslationSet | LangidSet | FidelitySet
FIDELITY_LANGUAGES = ("ja", "ko", "ar", "fr", "de", "es", "ru")


def _clean(text: str) -> str:
    """NTREX lines end in CRLF; keep the line breaks, drop the carriage returns."""
    return text.replace("\r\n", "\n").replace("\r", "").strip()


def _summary(source: str, **references: str) -> Callable[[Row], SummaryItem]:
    def read(row: Row) -> SummaryItem:
        item_id = str(row.get("id", row.get("doc_id", "")))
        refs = {
            target.replace("_", "-"): _clean(row[field]) for target, field in references.items()
        }
        return SummaryItem(item_id, _clean(row[source]), refs)

    return read


def _translation(source: str, reference: str) -> Callable[[Row], TranslationItem]:
    def read(row: Row) -> TranslationItem:
        return TranslationItem(str(row["id"]), _clean(row[source]), _clean(row[reference]))

    return read


_FIDELITY_SETS: tuple[EvalSet, ...] = tuple(
    FidelitySet(f"ntrex-fidelity-{code}", f"NTREX documents, {code} → en (fidelity)", code)
    for code in FIDELITY_LANGUAGES
)
SETS: dict[str, EvalSet] = {
    s.name: s
    for s in (
        SummarySet(
            "cnndm",
            "CNN/DailyMail, en → en",
            "cnndm_en_dev.jsonl",
            "en",
            ("en",),
            "medium",
            _summary("article", en="highlights"),
        ),
        SummarySet(
            "xsum",
            "XSum, en → en",
            "xsum_en_dev.jsonl",
            "en",
            ("en",),
            "short",
            _summary("document", en="summary"),
        ),
        SummarySet(
            "lcsts",
            "LCSTS, zh → zh",
            "lcsts_zh_dev.jsonl",
            "zh-Hans",
            ("zh-Hans",),
            "short",
            _summary("text", zh_Hans="summary"),
        ),
        SummarySet(
            "ntrex-zh",
            "NTREX documents, zh → zh and zh → en (vs titles)",
            "ntrex_docs_dev.jsonl",
            "zh-Hans",
            ("zh-Hans", "en"),
            "short",
            _summary("text_zh", zh_Hans="title_zh", en="title_en"),
        ),
        SummarySet(
            "ntrex-en",
            "NTREX documents, en → zh (vs title)",
            "ntrex_docs_dev.jsonl",
            "en",
            ("zh-Hans",),
            "short",
            _summary("text_en", zh_Hans="title_zh"),
        ),
        SummarySet(
            "dialogsumx",
            "DialogSumX dialogues, en → zh (sanity check, not news)",
            "dialogsumx_en2zh_dev.jsonl",
            "en",
            ("zh-Hans",),
            "short",
            _summary("source_en", zh_Hans="reference_summary_zh"),
        ),
        TranslationSet(
            "flores-en-zh",
            "FLORES-200 dev, en → zh",
            "flores200_en_zh_dev.jsonl",
            "en",
            "zh-Hans",
            _translation("eng_Latn", "zho_Hans"),
        ),
        TranslationSet(
            "flores-zh-en",
            "FLORES-200 dev, zh → en",
            "flores200_en_zh_dev.jsonl",
            "zh-Hans",
            "en",
            _translation("zho_Hans", "eng_Latn"),
        ),
        TranslationSet(
            "ntrex-sent-en-zh",
            "NTREX sentences, en → zh",
            "ntrex_sentences_dev.jsonl",
            "en",
            "zh-Hans",
            _translation("en", "zh_Hans"),
        ),
        TranslationSet(
            "ntrex-sent-zh-en",
            "NTREX sentences, zh → en",
            "ntrex_sentences_dev.jsonl",
            "zh-Hans",
            "en",
            _translation("zh_Hans", "en"),
        ),
        TranslationSet(
            "wmt23-en-zh",
            "WMT23, en → zh",
            "wmt23_en-zh_dev.jsonl",
            "en",
            "zh-Hans",
            _translation("source", "reference"),
        ),
        TranslationSet(
            "wmt23-zh-en",
            "WMT23, zh → en",
            "wmt23_zh-en_dev.jsonl",
            "zh-Hans",
            "en",
            _translation("source", "reference"),
        ),
        LangidSet("langid-focus9", "lingua focus9", "langid_lingua_focus9_dev.jsonl"),
        LangidSet("langid-75langs", "lingua 75 languages", "langid_lingua_75langs_dev.jsonl"),
        *_FIDELITY_SETS,
    )
}
# Fidelity sets need the NTREX-128 repository (--ntrex-dir) and are run by name.
DEFAULT_SETS = tuple(
    name for name, spec in SETS.items() if name != "langid-75langs" and spec.kind != "fidelity"
)


def rows(data_dir: Path, file: str, limit: int | None = None) -> Iterator[Row]:
    """The first `limit` objects of a JSONL file (all when None); blank lines are skipped."""
    with (data_dir / file).open(encoding="utf-8") as lines:
        count = 0
        for line in lines:
            if limit is not None and count >= limit:
                return
            if line.strip():
                count += 1
                yield json.loads(line)


def summary_items(data_dir: Path, spec: SummarySet, limit: int | None) -> list[SummaryItem]:
    return [spec.read(row) for row in rows(data_dir, spec.file, limit)]


def translation_items(
    data_dir: Path, spec: TranslationSet, limit: int | None
) -> list[TranslationItem]:
    return [spec.read(row) for row in rows(data_dir, spec.file, limit)]


def langid_items(data_dir: Path, spec: LangidSet, limit: int | None = None) -> list[LangidItem]:
    return [
        LangidItem(str(row["text"]), str(row["lang"]), str(row["granularity"]))
        for row in rows(data_dir, spec.file, limit)
    ]
