"""The sentence-support check on the real default model: its recall and precision on the
hand-labelled sample (tests/fixtures/support_labels.jsonl, real summary sentences of CNN/DM dev
articles and of the README's sample article; docs/quality.md says how they were labelled), and a
sentence the article does not state, caught through real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.support import DATA, articles, read_labels, recall_precision, verdicts_on
from service.backends import ModelSpec, load_backend
from service.pipeline.prompts import PromptBook
from service.pipeline.stages.summarize import Summarizer
from service.pipeline.stages.support import SupportCheck
from service.settings import Settings
from service.text.sentences import split_sentences

from .conftest import SAMPLE_ARTICLE, require_default_model, running_server
from .test_guard import prompts_that_begin_with

pytestmark = pytest.mark.e2e

# The README's sample says Abe "meets with" Trump; the article says they had a telephone
# conversation. Every name in this sentence is in the article, so only the support check can
# catch it.
MET_IN_PERSON = "Shinzo Abe met Donald Trump in person in Washington."


@pytest.mark.xfail(
    strict=True,
    reason="the default model answers yes to nearly every sentence (docs/quality.md, "
    "'Sentence support'): the targets are not met",
)
def test_the_check_catches_the_labelled_unsupported_sentences() -> None:
    if not DATA.is_file():
        pytest.skip(f"{DATA} is not here")
    require_default_model()
    settings = Settings(warmup=False)
    labels = read_labels()
    texts = articles()
    if missing := {label.article for label in labels} - {*texts, "sample"}:
        pytest.skip(f"articles not here (the NTREX mirror?): {sorted(missing)}")
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    try:
        check = SupportCheck(
            Summarizer(backend, PromptBook(settings.prompts_dir, support=True), 3072)
        )
        [(verdicts, _)] = verdicts_on(labels, texts, [check])
    finally:
        backend.close()
    recall, precision, flags, unsupported = recall_precision(labels, verdicts)
    assert len(labels) >= 40 and unsupported >= 10
    assert recall >= 0.8, (recall, unsupported)
    assert precision >= 0.9, (precision, flags)


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample article's summaries, through real HTTP with the check on, from prompts that
    make the model open its English summary with `MET_IN_PERSON`."""
    prompts = prompts_that_begin_with(MET_IN_PERSON, tmp_path_factory.mktemp("support"))
    source = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    assert "telephone conversation" in source and "in person" not in source
    with running_server("--prompts-dir", str(prompts), "--support-check", "sentence") as server:
        response = server.post("/v1/summarize", json={"text": source})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_check_asks_right_after_the_summary_and_reads_only_the_questions(
    injected: dict[str, Any],
) -> None:
    stages = [entry["stage"] for entry in injected["route"]]
    assert stages.index("summarize") < stages.index("support") < stages.index("translate")
    [summarize] = [e for e in injected["route"] if e["stage"] == "summarize"]
    [support] = [e for e in injected["route"] if e["stage"] == "support"]
    # Each question repeats the article, but llama.cpp reuses the summary's processed prompt:
    # the questions take a fraction of the prefill the article took.
    questions = len(split_sentences(injected["summaries"]["en"]["text"]))
    assert support["prompt_tokens"] >= 0.8 * questions * summarize["prompt_tokens"]
    assert support["prefill_ms"] < 0.5 * summarize["prefill_ms"], injected["route"]


@pytest.mark.xfail(strict=True, reason="the default model says the article states it")
def test_a_sentence_the_article_does_not_state_is_dropped(injected: dict[str, Any]) -> None:
    english = injected["summaries"]["en"]
    assert "in person" not in english["text"], injected
    assert english["checks"]["repairs"].get("unsupported_sentence", 0) >= 1, injected
    assert any(
        w.startswith("Dropped a sentence the article does not support") and "in person" in w
        for w in injected["warnings"]
    ), injected["warnings"]
