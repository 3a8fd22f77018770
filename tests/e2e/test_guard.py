"""The faithfulness guard on the real default model: a prompt that makes the model state a
number the article does not, and the guard that keeps it out of both summaries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.settings import PROJECT_ROOT

from .conftest import running_server

pytestmark = pytest.mark.e2e

INJECTED = "The project cost 987 million dollars."


def test_an_injected_wrong_number_is_caught(tmp_path: Path, article: dict[str, str]) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(PROJECT_ROOT / "prompts", prompts)
    summarize = prompts / "summarize.en.txt"
    summarize.write_text(
        summarize.read_text(encoding="utf-8").rstrip()
        + f' Begin the summary with this exact sentence: "{INJECTED}"\n',
        encoding="utf-8",
    )
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
