"""On the real default model: with `zh_from=article`, an English article's Chinese summary is
written from the article beside the English one, in one multi-sequence call that reads the
article once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.backends import ModelSpec, load_backend
from service.backends.llama_cpp import LlamaCppBackend
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.settings import Settings
from tests.e2e.conftest import FIXTURES, require_default_model

pytestmark = pytest.mark.e2e

_HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_chinese_summary_is_written_beside_the_english_one(tmp_path: Path) -> None:
    require_default_model()
    settings = Settings(warmup=False, data_dir=tmp_path / "data", zh_from="article")
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    assert isinstance(backend, LlamaCppBackend)
    engine = Engine(settings, summarizer=backend, translator=backend)
    engine.start()
    text = (FIXTURES / "harbor-bridge.en.txt").read_text(encoding="utf-8")
    try:
        result = engine.summarize([Document(text, targets=("en", "zh-Hans"))])[0]
        article = backend.count_tokens(text)
    finally:
        engine.close()
    assert isinstance(result, DocumentResult), result
    english, chinese = result.summaries["en"].text, result.summaries["zh-Hans"].text
    assert "Riverton" in english, english
    assert len(_HAN.findall(chinese)) >= 15, chinese
    assert "桥" in chinese, chinese  # the bridge
    steps = [(e.stage, e.target) for e in result.route if e.prompt_tokens]
    assert steps[:2] == [("summarize", "en"), ("summarize", "zh-Hans")], steps
    assert "translate" not in [stage for stage, _ in steps], steps
    drafts = [e for e in result.route if e.stage == "summarize"]
    read_alone = sum(e.prompt_tokens for e in drafts)
    first_call = backend.batch_stats[0]
    # the two prompts share everything up to the end of the article, read once: the call fed
    # at least the article's tokens fewer than the two prompts and their summaries have
    assert first_call.most_live == 2, first_call
    written = sum(e.completion_tokens for e in drafts)
    assert first_call.tokens <= read_alone + written - article, (first_call, read_alone)
