"""The `lingosum` command on tiny local models: flags become settings, output is the API's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.backends.model_store import EMBEDDED_MODELS
from service.cli import main
from tests.news_feed import feed_ids, news_feed

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
    model = f"hf-causal:{causal_dir}"
    # the guard's revision and finalize's term translations, where the tiny model needed them
    calls = [
        step
        for step in output["route"]
        if step["stage"] == "guard" or (step["stage"] == "finalize" and step["model"] == model)
    ]
    assert [step["stage"] for step in output["route"] if step not in calls] == [
        "detect",
        "summarize",
        "translate",
        "finalize",
    ]
    assert all(step["model"] == model and step["prompt_tokens"] > 0 for step in calls)
    assert output["route"][1]["model"] == model


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


def feed_flags(causal_dir: Path, *more: str) -> list[str]:
    model = f"hf-causal:{causal_dir}"
    return [
        "--targets",
        "en",
        "--length",
        "short",
        "--summarizer-model",
        model,
        "--translator-model",
        model,
        "--no-warmup",
        *more,
    ]


def test_feed_file_writes_jsonl_then_markdown_from_the_cache(
    tmp_path: Path, causal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "news.xml"
    feed.write_bytes(news_feed("http://news.invalid"))
    output = tmp_path / "out.jsonl"
    flags = feed_flags(causal_dir, "--no-fetch-linked-articles")

    assert main(["feed", str(feed), "--output", str(output), *flags]) == 0

    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == feed_ids()
    assert set(lines[0]) == {"id", "title", "link", "summaries", "cached"}
    assert lines[0]["link"] == "http://news.invalid/news/harbor-bridge.en.txt"
    assert all(line["summaries"]["en"]["text"] for line in lines[:3])
    assert [line["error"]["code"] for line in lines[3:]] == ["empty_item", "empty_item"]
    assert not any(line.get("cached") for line in lines)
    err = capsys.readouterr().err
    assert "summarizing" in err
    assert "3 summarized, 0 from the cache, 2 failed" in err

    assert main(["feed", str(feed), "--format", "md", *flags]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# Riverton Wire\n\n## [Harbor Bridge](http://news.invalid/")
    assert lines[0]["summaries"]["en"]["text"] in captured.out
    assert "3 summarized, 3 from the cache, 2 failed" in captured.err


def test_feed_that_cannot_be_read_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("not a feed", encoding="utf-8")
    assert main(["feed", str(broken), "--model-dir", str(tmp_path / "no-models")]) == 1
    assert "lingosum:" in capsys.readouterr().err
