"""On the real default model: the articles of one batch call are decoded together, several
sequences a pass (service/backends/llama_batch.py), and each still gets both summaries."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from service.backends import ChatMessage, GenerationRequest, ModelSpec, load_backend
from service.backends.llama_cpp import LlamaCppBackend
from service.pipeline.stages.detect import LanguageDetector
from service.settings import Settings
from tests.api.live import live_server
from tests.e2e.conftest import FIXTURES, require_default_model

pytestmark = pytest.mark.e2e

_HAN = re.compile(r"[\u4e00-\u9fff]")
ARTICLES = [
    (FIXTURES / "harbor-bridge.en.txt").read_text(encoding="utf-8"),
    "The national weather office warned on Sunday that a storm would bring heavy rain to the "
    "northern coast on Monday. Schools in three towns will stay closed, and the ferry to "
    "Elmsey Island will not sail. Up to 120 millimetres of rain could fall in 24 hours, the "
    "office said.",
    "The Kestrel Valley library reopened on Saturday after a two-year renovation that cost "
    "8 million dollars. The building now has a children's floor and a cafe. Librarian Tomas "
    "Berg said more than 2,000 people visited on the first day.",
]


def test_a_batch_of_three_articles_is_decoded_together(tmp_path: Path) -> None:
    require_default_model()
    settings = Settings(warmup=False, data_dir=tmp_path / "data", batch_sequences=4)
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    assert isinstance(backend, LlamaCppBackend)
    with live_server(settings, backend, startup_s=300) as url:
        response = httpx.post(
            f"{url}/v1/summarize/batch",
            json={"items": [{"text": text} for text in ARTICLES], "length": "short"},
            timeout=1800,
        )
    assert response.status_code == 200, response.text
    for item in response.json()["items"]:
        assert item["error"] is None, item
        summaries = item["result"]["summaries"]
        english, chinese = summaries["en"]["text"], summaries["zh"]["text"]
        assert LanguageDetector().detect([english])[0].language == "en", english
        assert len(_HAN.findall(chinese)) >= 8, chinese
        summarize = next(s for s in item["result"]["route"] if s["stage"] == "summarize")
        assert summarize["batch_size"] == 3
        assert summarize["completion_tokens"] > 0
    # the summarize and translate steps each ran the three as one batch: a pass decoded a
    # token of each, so there were fewer passes than generated tokens
    together = [s for s in backend.batch_stats if s.most_live == 3]
    assert len(together) >= 2, backend.batch_stats
    for stats in together:
        assert stats.passes < stats.generated, stats


def test_a_request_alone_on_the_batch_path_gets_the_single_calls_text() -> None:
    """The batch path's prompt (from the model's chat handler) and greedy loop match
    create_chat_completion's: run alone, without other sequences' arithmetic beside it, the
    text and the token counts are the same."""
    require_default_model()
    settings = Settings(warmup=False, batch_sequences=2)
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    assert isinstance(backend, LlamaCppBackend)
    request = GenerationRequest(
        (
            ChatMessage("system", "You are a careful news editor."),
            ChatMessage("user", f"Summarize in one sentence:\n{ARTICLES[1]}"),
        ),
        ARTICLES[1],
        "en",
        "en",
        max_new_tokens=40,
        max_sentences=1,
    )
    try:
        single = backend.generate([request])[0]
        [alone] = backend._scheduler().run([backend._job(request)])
    finally:
        backend.close()
    assert single.text and single.completion_tokens > 3
    assert (alone.text, alone.prompt_tokens, alone.completion_tokens) == (
        single.text,
        single.prompt_tokens,
        single.completion_tokens,
    )
