"""The `lingosum` command on tiny local models: flags become settings, output is the API's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from service.model_store import EMBEDDED_MODELS

ARTICLE = (
    "The city of Riverton opened its new harbor bridge on Tuesday. "
    "It cost 310 million dollars and took four years to build."
)


def test_summarize_prints_the_api_json(
    tmp_path: Path, causal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    status = main(
        [
            "summarize",
            str(article),
            "--targets",
            "en,zh-Hant",
            "--length",
            "short",
            "--summarizer-model",
            f"hf-causal:{causal_dir}",
            "--translator-model",
            f"hf-causal:{causal_dir}",
            "--no-warmup",
        ]
    )

    assert status == 0
    output = json.loads(capsys.readouterr().out)
    assert output["source_language"] == "en"
    assert set(output["summaries"]) == {"en", "zh-Hant"}
    assert [step["stage"] for step in output["route"]] == [
        "detect",
        "summarize",
        "translate",
        "finalize",
    ]
    assert output["route"][1]["model"] == f"hf-causal:{causal_dir}"


def test_summarize_text_format_and_stdin(
    causal_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(ARTICLE))
    monkeypatch.setenv("LINGOSUM_SUMMARIZER_MODEL", f"hf-causal:{causal_dir}")
    monkeypatch.setenv("LINGOSUM_TRANSLATOR_MODEL", f"hf-causal:{causal_dir}")

    assert main(["summarize", "-", "--format", "text", "--no-warmup"]) == 0

    printed = capsys.readouterr().out
    assert "Source language: en" in printed
    assert "[en]" in printed and "[zh]" in printed
    assert "Route: detect" in printed


def test_bad_input_and_missing_model_exit_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   ", encoding="utf-8")
    assert main(["summarize", str(empty)]) == 1
    assert "empty" in capsys.readouterr().err

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["summarize", str(article), "--model-dir", str(tmp_path / "none")]) == 1
    assert "lingosum models pull" in capsys.readouterr().err


def test_models_list_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list", "--model-dir", str(tmp_path)]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in EMBEDDED_MODELS)
    assert "not pulled" in listed

    assert main(["models", "verify", "--model-dir", str(tmp_path)]) == 1
    assert "missing" in capsys.readouterr().out

    model = EMBEDDED_MODELS["qwen2.5-coder-0.5b-instruct-q4_k_m"]
    model.path(tmp_path).write_bytes(b"not a model")
    assert main(["models", "verify", model.name, "--model-dir", str(tmp_path)]) == 1
    assert "mismatch" in capsys.readouterr().out


def test_feed_says_clearly_that_feed_input_is_not_available_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["feed", "https://example.org/feed.xml"]) == 1
    assert "not available" in capsys.readouterr().err
