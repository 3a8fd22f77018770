"""The sentence-support check inside the engine, on a scripted model: the questions it asks,
what it drops, what it reports, and where its prompts reuse the summary's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.backends.base import GenerationRequest
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.pipeline.prompts import PromptBook
from service.pipeline.response import SummaryOut
from service.pipeline.stages.support import _read_answer
from service.settings import BUNDLED_PROMPTS, Settings
from tests.fakes import FakeBackend, task_of, write_prompts

ARTICLE = (
    "Activist Wu Rongrong was detained on Saturday. She campaigned against sexual harassment. "
    "Her lawyer said the police gave no reason."
)
TRUE_1 = "Wu Rongrong was detained on Saturday."
TRUE_2 = "She campaigned against sexual harassment."
FALSE = "Wu Rongrong was detained for sexual harassment."
FRENCH = "La militante Wu Rongrong a été arrêtée samedi. Elle luttait contre le harcèlement."


def engine_with(
    tmp_path: Path, summary: str, unsupported: set[str], **settings: Any
) -> tuple[Engine, FakeBackend]:
    """An engine whose model writes `summary` and answers No for the sentences in
    `unsupported`, Yes for the others."""

    def reply(request: GenerationRequest) -> str:
        task, asked = task_of(request), request.messages[-1].content.splitlines()
        if task == "support":
            return "No" if asked[-1] in unsupported else "Yes"
        if task == "support_list":
            numbered = [line.split(". ", 1) for line in asked if line[:1].isdigit()]
            return "\n".join(f"{n}: {'No' if s in unsupported else 'Yes'}" for n, s in numbered)
        return {"summarize": summary, "summarize_short": summary}.get(task, "译文。")

    backend = FakeBackend(reply)
    settings.setdefault("support_check", "sentence")
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False, **settings)
    engine = Engine(settings, summarizer=backend, translator=backend)
    engine.start()
    return engine, backend


def summarized(engine: Engine, text: str = ARTICLE, **options: Any) -> DocumentResult:
    [result] = engine.summarize([Document(text, **options)])
    assert isinstance(result, DocumentResult), result
    return result


@pytest.mark.parametrize("mode", ["sentence", "list"])
def test_a_sentence_the_article_does_not_state_is_dropped_before_translation(
    tmp_path: Path, mode: str
) -> None:
    engine, backend = engine_with(
        tmp_path, f"{FALSE} {TRUE_1} {TRUE_2}", {FALSE}, support_check=mode
    )
    result = summarized(engine, targets=("en", "zh-Hans"))

    assert result.summaries["en"].text == f"{TRUE_1} {TRUE_2}"
    tasks = [task_of(r) for r in backend.requests]
    asked = tasks.count("support") if mode == "sentence" else tasks.count("support_list")
    assert asked == (3 if mode == "sentence" else 1)
    # Right after the summary, while its article is processed, and before the translation.
    assert tasks.index("summarize") < tasks.index(f"support{'_list' * (mode == 'list')}")
    [translate] = [r for r in backend.requests if task_of(r) == "translate"]
    assert translate.text == f"{TRUE_1} {TRUE_2}"
    checks = SummaryOut.of(result.summaries["en"]).checks
    assert checks.repairs == {"unsupported_sentence": 1}
    assert checks.unsupported_sentences == []
    assert f"Dropped a sentence the article does not support: {FALSE}" in result.warnings
    support = [entry for entry in result.route if entry.stage == "support"]
    assert [(e.model, e.source, e.target) for e in support] == [("fake", "en", "en")]
    assert [e.stage for e in result.route].index("support") < [e.stage for e in result.route].index(
        "translate"
    )


def test_the_question_opens_as_the_summary_prompt_did(tmp_path: Path) -> None:
    engine, backend = engine_with(tmp_path, f"{TRUE_1} {FALSE}", {FALSE})
    summarized(engine, title="Activist held", targets=("en",))

    [summarize] = [r for r in backend.requests if task_of(r) == "summarize"]
    questions = [r for r in backend.requests if task_of(r) == "support"]
    assert [q.messages[-1].content.splitlines()[-1] for q in questions] == [TRUE_1, FALSE]
    for question in questions:
        assert question.messages[0] == summarize.messages[0]
        assert ARTICLE in question.messages[1].content
        assert question.max_new_tokens <= 4 and question.max_sentences is None


def test_the_real_question_prompts_repeat_the_summary_prompt_up_to_the_article_end() -> None:
    book = PromptBook(BUNDLED_PROMPTS, support=True)
    fields = dict(
        text="ARTICLE", title_line="Title\n\n", source_name="English", sentences=4, words=90
    )
    fields |= dict(sentence_words=15, chars=150, glossary="", sentence="S.", numbered="1. S.")
    questions = [book.get(task, "en").render(**fields) for task in ("support", "support_list")]
    for task in ("summarize", "summarize_short"):
        system, user = book.get(task, "en").render(**fields)
        opening = user.content[: user.content.index("ARTICLE") + len('ARTICLE\n"""')]
        for question_system, question_user in questions:
            assert question_system == system
            assert question_user.content.startswith(opening)


def test_when_no_sentence_is_supported_the_articles_opening_stands_in(tmp_path: Path) -> None:
    engine, _ = engine_with(tmp_path, FALSE, {FALSE})
    result = summarized(engine, targets=("en",), length="short")

    assert result.summaries["en"].text == "Activist Wu Rongrong was detained on Saturday."
    assert SummaryOut.of(result.summaries["en"]).checks.repairs == {"unsupported_sentence": 1}
    assert any("opening sentences stand in" in w for w in result.warnings)


def test_an_unsupported_summary_of_another_language_is_kept_and_reported(tmp_path: Path) -> None:
    engine, _ = engine_with(tmp_path, FALSE, {FALSE})
    result = summarized(engine, FRENCH, targets=("en",), source_language="fr")

    assert result.summaries["en"].text == FALSE
    checks = SummaryOut.of(result.summaries["en"]).checks
    assert checks.unsupported_sentences == [FALSE]
    assert checks.repairs == {}


def test_an_answer_that_is_neither_yes_nor_no_keeps_the_sentence(tmp_path: Path) -> None:
    engine, backend = engine_with(tmp_path, f"{TRUE_1} {FALSE}", set())
    backend._respond = lambda r: "Maybe." if task_of(r) == "support" else f"{TRUE_1} {FALSE}"
    result = summarized(engine, targets=("en",))

    assert result.summaries["en"].text == f"{TRUE_1} {FALSE}"
    assert SummaryOut.of(result.summaries["en"]).checks.repairs == {}
    assert len([r for r in backend.requests if task_of(r) == "support"]) == 2


def test_off_asks_nothing(tmp_path: Path) -> None:
    engine, backend = engine_with(tmp_path, f"{TRUE_1} {FALSE}", {FALSE}, support_check="off")
    result = summarized(engine, targets=("en",))

    assert result.summaries["en"].text == f"{TRUE_1} {FALSE}"
    assert not [r for r in backend.requests if task_of(r).startswith("support")]
    assert "support" not in [entry.stage for entry in result.route]


def test_only_english_summaries_the_summarizer_writes_are_checked(tmp_path: Path) -> None:
    engine, backend = engine_with(tmp_path, "摘要。", {"摘要。"})
    summarized(engine, "北京市今天发布了新的交通规划。", targets=("en", "zh-Hans"))

    assert not [r for r in backend.requests if task_of(r).startswith("support")]


def test_a_batch_asks_about_every_document_in_one_call(tmp_path: Path) -> None:
    engine, backend = engine_with(tmp_path, f"{TRUE_1} {FALSE}", {FALSE})
    results = engine.summarize([Document(ARTICLE, targets=("en",)) for _ in range(2)])

    assert all(isinstance(r, DocumentResult) and r.summaries["en"].text == TRUE_1 for r in results)
    assert [len(batch) for batch in backend.batches_for("support")] == [4]


@pytest.mark.parametrize(
    ("answer", "sentences", "verdicts"),
    [
        ("Yes", 1, [True]),
        ("No.", 1, [False]),
        (" no, it does not", 1, [False]),
        ("Not stated", 1, [None]),
        ("1: Yes\n2: No\n3: yes", 3, [True, False, True]),
        ("1. No\n3: Yes", 3, [False, None, True]),
        ("1: Yes", 1, [True]),
    ],
)
def test_answers_are_read(answer: str, sentences: int, verdicts: list[bool | None]) -> None:
    assert _read_answer(answer, sentences) == verdicts
