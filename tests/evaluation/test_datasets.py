"""The dataset readers on the project's own small JSONL fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.evaluation import datasets
from service.evaluation.datasets import SETS, LangidSet, SummarySet, TranslationSet

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "eval"


def _summary_set(name: str) -> SummarySet:
    spec = SETS[name]
    assert isinstance(spec, SummarySet)
    return spec


def _translation_set(name: str) -> TranslationSet:
    spec = SETS[name]
    assert isinstance(spec, TranslationSet)
    return spec


def test_every_set_reads_its_fixture() -> None:
    for spec in SETS.values():
        if isinstance(spec, SummarySet):
            assert datasets.summary_items(FIXTURES, spec, None)
        elif isinstance(spec, TranslationSet):
            assert datasets.translation_items(FIXTURES, spec, None)
        elif isinstance(spec, LangidSet):
            assert datasets.langid_items(FIXTURES, spec)
        else:  # read from the NTREX-128 repository: tests/evaluation/test_ntrex.py
            assert spec.language in datasets.FIDELITY_LANGUAGES


def test_summary_items_and_limit() -> None:
    items = datasets.summary_items(FIXTURES, _summary_set("cnndm"), None)
    assert [i.id for i in items] == ["c1", "c2"]
    assert items[0].references == {"en": "Riverton opened a harbor bridge on Tuesday."}
    assert len(datasets.summary_items(FIXTURES, _summary_set("cnndm"), 1)) == 1


def test_ntrex_documents_lose_carriage_returns_and_keep_both_references() -> None:
    [item] = datasets.summary_items(FIXTURES, _summary_set("ntrex-zh"), None)
    assert item.source == "里弗顿的新桥于周二通车。\n这座桥用了四年时间建成。"
    assert item.references == {"zh-Hans": "里弗顿新桥通车", "en": "New bridge opens in Riverton"}
    [english] = datasets.summary_items(FIXTURES, _summary_set("ntrex-en"), None)
    assert english.source.startswith("The new bridge in Riverton")
    assert english.references == {"zh-Hans": "里弗顿新桥通车"}


@pytest.mark.parametrize(
    ("name", "source", "reference"),
    [
        (
            "flores-en-zh",
            "Scientists announced a new tool on Monday.",
            "科学家周一宣布了一种新工具。",
        ),
        (
            "flores-zh-en",
            "科学家周一宣布了一种新工具。",
            "Scientists announced a new tool on Monday.",
        ),
        ("ntrex-sent-en-zh", "The new bridge opened on Tuesday.", "新桥于周二通车。"),
        ("ntrex-sent-zh-en", "新桥于周二通车。", "The new bridge opened on Tuesday."),
        ("wmt23-en-zh", "The game crashed at start.", "游戏在启动时崩溃了。"),
        ("wmt23-zh-en", "会议明天举行。", "The meeting is held tomorrow."),
    ],
)
def test_translation_directions(name: str, source: str, reference: str) -> None:
    first = datasets.translation_items(FIXTURES, _translation_set(name), 1)[0]
    assert (first.source, first.reference) == (source, reference)


def test_langid_items() -> None:
    spec = SETS["langid-focus9"]
    assert isinstance(spec, LangidSet)
    items = datasets.langid_items(FIXTURES, spec)
    assert len(items) == 12
    assert (items[-1].language, items[-1].granularity) == ("en", "word-pairs")


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "xsum_en_dev.jsonl").write_text(
        '\n{"id": 1, "document": "D.", "summary": "S."}\n\n', encoding="utf-8"
    )
    items = datasets.summary_items(tmp_path, _summary_set("xsum"), None)
    assert [(i.id, i.source, i.references) for i in items] == [("1", "D.", {"en": "S."})]


def test_default_sets_leave_out_the_75_language_set_and_the_fidelity_sets() -> None:
    assert "langid-75langs" not in datasets.DEFAULT_SETS
    fidelity = {f"ntrex-fidelity-{code}" for code in datasets.FIDELITY_LANGUAGES}
    assert set(datasets.DEFAULT_SETS) | {"langid-75langs"} | fidelity == set(SETS)
