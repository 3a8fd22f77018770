"""Fidelity figures: summaries of translated articles against their English originals."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.backends.base import GenerationRequest
from service.evaluation import fidelity, ntrex
from service.evaluation.fidelity import Summary
from service.evaluation.harness import EvalOptions, evaluate
from service.evaluation.ntrex import NtrexDocument
from service.evaluation.report import markdown
from service.settings import Settings
from service.text.sentences import split_sentences
from tests.fakes import FakeBackend, task_of, write_prompts

NTREX = Path(__file__).resolve().parent.parent / "fixtures" / "ntrex"

ORIGINAL = (
    "A 45-year-old man has been charged with attempted murder after a stabbing in a Belfast "
    "restaurant on Friday.\nThe defendant will appear before Belfast Magistrates' Court."
)
DOC = NtrexDocument("d1", "ja", "タイトル", "本文。", "Title", ORIGINAL)
ENGLISH = Summary("d1", 2.0, "A 45-year-old man has been charged with attempted murder in Belfast.")


def test_a_faithful_summary_keeps_the_ratio_near_one() -> None:
    summary = Summary(
        "d1", 6.0, "A man has been charged with attempted murder after a stabbing in Belfast.", "ja"
    )

    row = fidelity.figures("ja", "translate", [DOC], [summary], {"d1": ENGLISH})

    assert row["fidelity"] == pytest.approx(100.0)
    assert row["english_fidelity"] == pytest.approx(100.0)
    assert row["ratio"] == 1.0 and row["meets_target"]
    assert row["detected_as_expected"] == 100.0
    assert (row["seconds_per_item"], row["english_seconds_per_item"]) == (6.0, 2.0)


def test_a_summary_about_another_story_fails_the_target() -> None:
    goat = Summary("d1", 5.0, "The elusive mountain goat was seen in the Alps.", "ja")

    row = fidelity.figures("ja", "direct", [DOC], [goat], {"d1": ENGLISH})

    assert row["fidelity"] < 50 and row["ratio"] < fidelity.TARGET_RATIO
    assert not row["meets_target"]
    assert row["agreement"] < 40


def test_errors_are_counted_and_left_out_of_the_means() -> None:
    failed = Summary("d1", 1.0, error="text_too_long: too long")

    row = fidelity.figures("ja", "direct", [DOC], [failed], {"d1": ENGLISH})

    assert row["errors"] == 1 and row["fidelity"] is None and row["ratio"] is None
    assert row["outputs"] == [{"id": "d1", "error": "text_too_long: too long"}]


def test_the_report_shows_the_fidelity_table() -> None:
    row = fidelity.figures("ja", "translate", [DOC], [ENGLISH], {"d1": ENGLISH})
    assert row["agreement"] == 100.0
    meta = {
        "started": "now",
        "summarizer_model": "m",
        "translator_model": "m",
        "zh_route": "translate",
        "detector": "d",
        "data_dir": "x",
        "limit": 1,
        "length": "auto",
        "english_rouge_tokenization": "t",
        "chinese_rouge_tokenization": "t",
    }
    report = {"meta": meta, "summaries": [], "translation": [], "langid": [], "fidelity": [row]}

    text = markdown(report)

    assert "## Fidelity per source language" in text
    assert "| ja | translate | 1 | 0 | 100.0 | 100.0 | 1.00 | 100.0 | 2.0 | 2.0 |" in text


def test_both_routes_through_the_harness_on_a_fake_model(tmp_path: Path) -> None:
    english = {
        d.text: d.english_text for d in ntrex.documents(NTREX, NTREX, "de", ["long", "short"])
    }

    def respond(request: GenerationRequest) -> str:
        if task_of(request) == "translate":
            return english[request.text]
        return split_sentences(request.text)[0]  # the lead sentence, in whatever language

    fake = FakeBackend(respond)
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False)
    lines: list[str] = []
    options = EvalOptions(
        NTREX, ("ntrex-fidelity-de",), ntrex_dir=NTREX, routes=("direct", "translate")
    )

    report = evaluate(options, settings, lines.append, summarizer=fake, translator=fake)

    direct, translated = report["fidelity"]
    assert (direct["language"], direct["route"], direct["items"]) == ("de", "direct", 2)
    assert direct["ratio"] < fidelity.TARGET_RATIO  # German words scored against English
    assert translated["route"] == "translate"
    assert translated["ratio"] == 1.0 and translated["agreement"] == 100.0
    assert translated["outputs"][0]["steps"] == ["translate de→en", "summarize en→en"]
    assert direct["outputs"][0]["steps"] == ["summarize de→en"]
    assert sum(line.startswith("ntrex en ") for line in lines) == 2  # originals once
    assert report["meta"]["routes"] == ["direct", "translate"]

    named = EvalOptions(NTREX, ("ntrex-fidelity-de",), ntrex_dir=NTREX, ntrex_docs=("long",))
    [table] = evaluate(named, settings, lines.append, summarizer=fake, translator=fake)["fidelity"]
    assert table["route"] == "table" and [o["id"] for o in table["outputs"]] == ["long"]
