"""The faithfulness guard inside the engine: revise, drop, fall back, report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.backends.base import GenerationRequest
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.settings import Settings
from tests.fakes import FakeBackend, task_of, write_prompts

ARTICLE = (
    "The Riverton council approved a budget of 310 million dollars on Tuesday. "
    "Mayor Elena Ortiz said 120 schools would be repaired. Critics called the plan too costly."
)
FAITHFUL = "The Riverton council approved a 310 million dollar budget. Mayor Elena Ortiz backed it."
WRONG_NUMBER = (
    "The Riverton council approved a 390 million dollar budget. Mayor Elena Ortiz backed it."
)
WRONG_PERSON = (
    "The Riverton council approved a 310 million dollar budget. Mayor Rex Tillerson backed it."
)
ALL_WRONG = "The council approved 390 million dollars. It will repair 150 schools."
FRENCH = "Le conseil de Lyon a approuvé mardi un budget de 310 millions d'euros."


def engine_with(
    tmp_path: Path, draft: str, revision: str, **settings: Any
) -> tuple[Engine, FakeBackend]:
    def reply(request: GenerationRequest) -> str:
        return {"summarize": draft, "revise": revision}.get(task_of(request), "译文。")

    backend = FakeBackend(reply)
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False, **settings)
    engine = Engine(settings, summarizer=backend, translator=backend)
    engine.start()
    return engine, backend


def english_summary(engine: Engine, text: str = ARTICLE) -> DocumentResult:
    [result] = engine.summarize([Document(text, targets=("en",))])
    assert isinstance(result, DocumentResult)
    return result


@pytest.mark.parametrize("draft", [WRONG_NUMBER, WRONG_PERSON])
def test_unfaithful_draft_is_rewritten_in_the_same_conversation(tmp_path: Path, draft: str) -> None:
    engine, backend = engine_with(tmp_path, draft, revision=FAITHFUL)
    result = english_summary(engine)

    assert result.summaries["en"].text == FAITHFUL
    assert any("it was rewritten" in w for w in result.warnings)
    [revise] = [r for r in backend.requests if task_of(r) == "revise"]
    roles = [m.role for m in revise.messages]
    assert roles == ["system", "user", "assistant", "user"]
    assert ARTICLE in revise.messages[1].content  # the article's own conversation
    assert revise.messages[2].content == draft
    problem = "390" if draft == WRONG_NUMBER else "the name Rex Tillerson"
    assert problem in revise.messages[3].content


def test_a_rewrite_that_does_no_better_loses_only_the_bad_sentence(tmp_path: Path) -> None:
    engine, _ = engine_with(tmp_path, WRONG_NUMBER, revision=WRONG_NUMBER)
    result = english_summary(engine)

    assert result.summaries["en"].text == "Mayor Elena Ortiz backed it."
    assert any("a rewrite did no better" in w for w in result.warnings)
    assert any("(390)" in w for w in result.warnings)


def test_nothing_left_falls_back_to_the_opening_sentences(tmp_path: Path) -> None:
    engine, _ = engine_with(tmp_path, ALL_WRONG, revision=ALL_WRONG)
    result = english_summary(engine)

    summary = result.summaries["en"]
    assert summary.text.startswith("The Riverton council approved a budget of 310 million")
    assert "390" not in summary.text and summary.unsupported_numbers == []
    assert any("opening sentences stand in" in w for w in result.warnings)


def test_across_languages_what_cannot_be_repaired_is_reported(tmp_path: Path) -> None:
    wrong = "The Lyon council approved a budget of 390 million euros."
    engine, _ = engine_with(tmp_path, wrong, revision=wrong)
    result = english_summary(engine, FRENCH)

    assert result.summaries["en"].text == wrong  # no French lead to fall back on
    assert result.summaries["en"].unsupported_numbers == ["390"]


def test_a_rewrite_is_not_asked_for_a_faithful_draft(tmp_path: Path) -> None:
    engine, backend = engine_with(tmp_path, FAITHFUL, revision=WRONG_NUMBER)
    result = english_summary(engine)

    assert result.summaries["en"].text == FAITHFUL
    assert not [r for r in backend.requests if task_of(r) == "revise"]


def test_a_translation_must_keep_the_numbers_of_the_summary_it_translates(
    tmp_path: Path,
) -> None:
    article = "Exports fell 24% in April. Imports rose 42% over the year."
    english = "Exports fell 24% in April."

    def reply(request: GenerationRequest) -> str:
        if task_of(request) == "summarize":
            return english
        return "四月出口下降了42%。四月出口有所下降。"  # 42% is the article's, not the summary's

    backend = FakeBackend(reply)
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False)
    engine = Engine(settings, summarizer=backend, translator=backend)
    engine.start()
    [result] = engine.summarize([Document(article)])

    assert isinstance(result, DocumentResult)
    assert result.summaries["en"].text == english
    assert result.summaries["zh-Hans"].text == "四月出口有所下降。"
    assert any("summary it translates" in w and "42" in w for w in result.warnings)


def test_names_that_survive_are_reported_under_checks(tmp_path: Path) -> None:
    engine, _ = engine_with(tmp_path, WRONG_PERSON, revision=WRONG_PERSON)
    result = english_summary(engine)

    assert result.summaries["en"].unsupported_names == ["Rex Tillerson"]


def test_a_name_a_chinese_article_does_not_write_is_rewritten(tmp_path: Path) -> None:
    article = "美国内政部长瑞安·津克周一表示，他将在年底辞职。他说，这是他自己的决定。" * 2
    faithful = "Interior Secretary Ryan Zinke said he would resign at the end of the year."
    swapped = "Interior Secretary Rex Tillerson said he would resign at the end of the year."
    engine, backend = engine_with(tmp_path, swapped, revision=faithful, zh_route="direct")

    result = english_summary(engine, article)

    assert result.summaries["en"].text == faithful
    [revise] = [r for r in backend.requests if task_of(r) == "revise"]
    assert "Tillerson" in revise.messages[3].content
    assert result.summaries["en"].unsupported_names == []


def test_the_revision_is_reported_in_the_route_with_its_cost(tmp_path: Path) -> None:
    engine, backend = engine_with(tmp_path, WRONG_NUMBER, revision=FAITHFUL)
    result = english_summary(engine)

    [draft, revise] = [r for r in backend.requests if task_of(r) in ("summarize", "revise")]
    assert [e.stage for e in result.route] == ["detect", "summarize", "guard", "finalize"]
    summarize, guard = result.route[1:3]
    assert (guard.model, guard.source, guard.target, guard.batch_size) == ("fake", "en", "en", 1)
    assert (summarize.prompt_tokens, summarize.completion_tokens) == (
        backend.count_tokens(draft.text),
        1,
    )
    assert (guard.prompt_tokens, guard.completion_tokens) == (backend.count_tokens(revise.text), 1)


def test_no_guard_entry_when_the_draft_is_faithful(tmp_path: Path) -> None:
    engine, _ = engine_with(tmp_path, FAITHFUL, revision=WRONG_NUMBER)
    result = english_summary(engine)

    assert [e.stage for e in result.route] == ["detect", "summarize", "finalize"]


def test_every_model_call_is_in_the_route(tmp_path: Path) -> None:
    """Each generation the backend makes is counted in some route entry: the draft, the guard's
    revision, the translation, and finalize's translation of a word left in English."""
    replies = {
        "summarize": WRONG_NUMBER,
        "revise": FAITHFUL,
        "translate": "里弗顿议会批准了3.1亿美元的budget。",
        "translate_terms": "预算",
    }
    backend = FakeBackend(lambda request: replies[task_of(request)])
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False)
    engine = Engine(settings, summarizer=backend, translator=backend)
    engine.start()
    [result] = engine.summarize([Document(ARTICLE)])

    assert isinstance(result, DocumentResult)
    assert [(e.stage, e.model) for e in result.route] == [
        ("detect", engine.detector.name),
        ("summarize", "fake"),
        ("guard", "fake"),
        ("translate", "fake"),
        ("finalize", "fake"),
        ("finalize", "opencc+checks"),
    ]
    assert [task_of(r) for r in backend.requests] == list(replies)
    assert sum(e.prompt_tokens for e in result.route) == sum(
        backend.count_tokens(r.text) for r in backend.requests
    )
    assert sum(e.completion_tokens for e in result.route) == len(backend.requests)
    assert result.summaries["zh-Hans"].text == "里弗顿议会批准了3.1亿美元的预算。"
