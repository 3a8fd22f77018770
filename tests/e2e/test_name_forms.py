"""Names written two ways in a Chinese summary, on the real default model: a translation
prompt that asks for a name in both scripts, and `checks.style` that reports it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.checks.name_forms import names_written_two_ways
from service.checks.names import name_runs
from service.settings import BUNDLED_PROMPTS

from .conftest import SAMPLE_ARTICLE, running_server

pytestmark = pytest.mark.e2e


def test_a_name_written_two_ways_is_reported(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(BUNDLED_PROMPTS, prompts)
    translate = prompts / "translate.zh.txt"
    translate.write_text(
        translate.read_text(encoding="utf-8").rstrip()
        + "人名第一次出现时写成中文音译，再次出现时保留英文原文。\n",
        encoding="utf-8",
    )
    source = SAMPLE_ARTICLE.read_text(encoding="utf-8")

    with running_server("--prompts-dir", str(prompts)) as server:
        response = server.post("/v1/summarize", json={"text": source})

    assert response.status_code == 200, response.text
    summaries = response.json()["summaries"]
    chinese = summaries["zh"]
    reported = [
        fault.removeprefix("name_two_ways: ")
        for fault in chinese["checks"]["style"]
        if fault.startswith("name_two_ways: ")
    ]
    # The model may or may not follow the prompt; whatever it writes, the answer says it. The
    # names checked are the article's, and those of the English summary it translates.
    from_article = names_written_two_ways(chinese["text"], name_runs(source))
    runs = list(dict.fromkeys(name_runs(source) + name_runs(summaries["en"]["text"])))
    assert set(from_article) <= set(reported), chinese
    assert set(reported) <= set(names_written_two_ways(chinese["text"], runs)), chinese
