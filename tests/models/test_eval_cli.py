"""`lingosum eval` through the command line on a tiny local model and the project's fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "eval"


def test_eval_writes_the_report(
    tmp_path: Path, causal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    status = main(
        [
            "eval",
            str(FIXTURES),
            "--out",
            str(out),
            "--limit",
            "1",
            "--sets",
            "xsum,flores-zh-en,langid-focus9",
            "--length",
            "short",
            "--summarizer-model",
            f"hf-causal:{causal_dir}",
            "--no-warmup",
            "--device",
            "cpu",
        ]
    )

    assert status == 0
    captured = capsys.readouterr()
    assert str(out / "report.md") in captured.out
    assert "xsum 1/1" in captured.err and "flores-zh-en 1/1" in captured.err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["meta"]["summarizer_model"] == f"hf-causal:{causal_dir}"
    assert [(r["set"], r["target"], r["length"]) for r in report["summaries"]] == [
        ("xsum", "en", "short")
    ]
    for row in report["summaries"]:  # a random model's summaries, scored, not crashed
        assert row["items"] == 1
        assert row["errors"] + len(row["outputs"]) == 1
        assert 0.0 <= row["rouge"]["rouge1"] <= 100.0
    [translation] = report["translation"]
    assert translation["items"] == 1 and translation["bleu_tokenize"] == "13a"
    assert report["langid"][0]["items"] == 12
    assert sorted(p.name for p in out.glob("*.png")) == [
        "langid-focus9.png",
        "rouge.png",
        "translation.png",
    ]


def test_eval_refuses_unknown_sets_and_missing_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(FIXTURES), "--sets", "nope"]) == 1
    assert "Unknown sets nope" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing")]) == 1
    assert "not a folder" in capsys.readouterr().err
