"""The sentence-support check on the real default model: its recall and precision on the
hand-labelled sample (tests/fixtures/support_labels.jsonl, real summary sentences of CNN/DM dev
articles and of the README's sample article; docs/quality.md says how they were labelled), and a
sentence the article does not state, caught through real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.support import DATA, articles, read_labels, recall_precision, verdicts_on
from service.backends import ModelSpec, load_backend
from service.pipeline.prompts import PromptBook
from service.pipeline.stages.summarize import Summarizer
from service.pipeline.stages.support import SupportCheck
from service.settings import Settings

from .conftest import SAMPLE_ARTICLE, require_default_model, running_server
from .test_guard import prompts_that_begin_with

pytestmark = pytest.mark.e2e

# The README's sample says Abe "meets with" Trump; the article says they had a telephone
# conversation. Every name in this sentence is in the article, so only the support check can
# catch it.
MET_IN_PERSON = "Shinzo Abe met Donald Trump in person in Washington."


def test_the_check_catches_the_labelled_unsupported_sentences() -> None:
    if not DATA.is_file():
        pytest.skip(f"{DATA} is not here")
    require_default_model()
    settings = Settings(warmup=False)
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    try:
        check = SupportCheck(Summarizer(backend, PromptBook(settings.prompts_dir), 3072))
        labels = read_labels()
        [(verdicts, _)] = verdicts_on(labels, articles(), [check])
    finally:
        backend.close()
    recall, precision, flags, unsupported = recall_precision(labels, verdicts)
    assert len(labels) >= 40 and unsupported >= 10
    assert recall >= 0.8, (recall, unsupported)
    assert precision >= 0.9, (precision, flags)


def test_a_sentence_the_article_does_not_state_is_dropped(tmp_path: Path) -> None:
    prompts = prompts_that_begin_with(MET_IN_PERSON, tmp_path)
    source = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    assert "telephone conversation" in source and "in person" not in source

    with running_server("--prompts-dir", str(prompts)) as server:
        response = server.post("/v1/summarize", json={"text": source})

    assert response.status_code == 200, response.text
    body = response.json()
    english = body["summaries"]["en"]
    assert "in person" not in english["text"], body
    assert english["checks"]["repairs"].get("unsupported_sentence", 0) >= 1, body
    assert any(
        w.startswith("Dropped a sentence the article does not support") and "in person" in w
        for w in body["warnings"]
    ), body["warnings"]
    assert "support" in [entry["stage"] for entry in body["route"]]
