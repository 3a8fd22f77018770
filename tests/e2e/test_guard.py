"""The faithfulness guard on the real default model: prompts that make the model state a number
or a name the article does not, and the guard that catches them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.settings import BUNDLED_PROMPTS

from .conftest import running_server

pytestmark = pytest.mark.e2e

INJECTED = "The project cost 987 million dollars."
INJECTED_NAME = "Transport chief Rex Tillerson opened the line."


def prompts_that_begin_with(sentence: str, tmp_path: Path) -> Path:
    prompts = tmp_path / "prompts"
    shutil.copytree(BUNDLED_PROMPTS, prompts)
    summarize = prompts / "summarize.en.txt"
    summarize.write_text(
        summarize.read_text(encoding="utf-8").rstrip()
        + f' Begin the summary with this exact sentence: "{sentence}"\n',
        encoding="utf-8",
    )
    return prompts


def test_an_injected_wrong_number_is_caught(tmp_path: Path, article: dict[str, str]) -> None:
    prompts = prompts_that_begin_with(INJECTED, tmp_path)
    source = article["harbor-bridge.en.txt"]
    assert "987" not in source

    with running_server("--prompts-dir", str(prompts)) as server:
        response = server.post("/v1/summarize", json={"text": source})

    assert response.status_code == 200, response.text
    body = response.json()
    assert any("987" in warning for warning in body["warnings"]), body["warnings"]
    for summary in body["summaries"].values():
        assert "987" not in summary["text"]
        assert "9.87" not in summary["text"]  # 9.87亿 in Chinese
        assert summary["checks"]["unsupported_numbers"] == []


def test_a_name_a_chinese_article_does_not_write_is_caught(
    tmp_path: Path, article: dict[str, str]
) -> None:
    prompts = prompts_that_begin_with(INJECTED_NAME, tmp_path)
    source = article["rail-line.zh.txt"]  # its transport chief is 王建国

    # The direct route writes the English summary from the Chinese article, so the guard sees it.
    with running_server("--prompts-dir", str(prompts), "--zh-route", "direct") as server:
        response = server.post("/v1/summarize", json={"text": source, "targets": ["en"]})

    assert response.status_code == 200, response.text
    body = response.json()
    assert any("Tillerson" in warning for warning in body["warnings"]), body["warnings"]
    english = body["summaries"]["en"]
    assert "Tillerson" not in english["text"] or any(
        "Tillerson" in name for name in english["checks"]["unsupported_names"]
    )
