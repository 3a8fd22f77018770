from __future__ import annotations

from pathlib import Path

import pytest

from service.backends.base import GenerationRequest
from service.checks.numbers import amounts_in_target_units, source_numbers
from service.errors import LingosumError
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.pipeline.stages import model_requests
from service.settings import Settings
from tests.fakes import FakeBackend, task_of, write_prompts

EN1 = (
    "The Springfield council approved a budget of 3.5 billion dollars on Tuesday. "
    "Mayor Jane Doe said 120 schools would be repaired. Critics called the plan too expensive."
)
EN2 = (
    "Heavy rain flooded 40 homes in the town of Riverton on Sunday. "
    "Officials opened two shelters for families who lost their homes."
)
FR = (
    "Le conseil municipal de Lyon a approuvé mardi un budget de 2 milliards d'euros pour les "
    "écoles. Le maire a salué un vote historique pour la ville."
)
ZH = "上海市政府周二批准了35亿元的新预算，用于修建学校和道路。市长表示，这项预算十分重要。"

# What the fake summarizer writes for (article, target).
SUMMARIES = {
    (EN1, "en"): "The Springfield council approved a 3.5 billion dollar budget. "
    "Mayor Jane Doe said 120 schools would be repaired.",
    (EN2, "en"): "Heavy rain flooded 40 homes in Riverton on Sunday.",
    (FR, "en"): "The Lyon city council approved a budget of 2 billion euros for schools.",
    (ZH, "zh-Hans"): "上海市政府周二批准了35亿元的新预算。",
    (ZH, "en"): "The Shanghai government approved a new budget of 3.5 billion yuan on Tuesday.",
    (EN1, "zh-Hans"): "斯普林菲尔德市议会批准了35亿美元的预算。",
    (EN2, "zh-Hans"): "周日，大雨淹没了Riverton的40所房屋。",
}
FR_IN_ENGLISH = "The Lyon city council on Tuesday approved a budget of 2 billion euros for schools."
# What the fake translator writes for a text.
TRANSLATIONS = {
    SUMMARIES[EN1, "en"]: (
        "斯普林菲尔德市议会批准了35亿美元的预算。市长Jane Doe表示将修缮120所学校。"
    ),
    SUMMARIES[EN2, "en"]: "周日，大雨淹没了Riverton的40所房屋。",
    SUMMARIES[FR, "en"]: "里昂市议会批准了一项学校预算。",
    SUMMARIES[ZH, "zh-Hans"]: "The Shanghai government approved a new budget of 3.5 billion yuan.",
    FR: FR_IN_ENGLISH,
    "homes": "房屋",
}


def summarize_reply(request: GenerationRequest) -> str:
    if task_of(request) == "raw":  # a summarizer that reads English only
        return SUMMARIES[FR, "en"] if request.text == FR_IN_ENGLISH else "Unexpected text."
    assert task_of(request) in ("summarize", "summarize_short", "summarize_beside")
    return SUMMARIES[request.text, request.target]


def translate_reply(request: GenerationRequest) -> str:
    assert task_of(request) in {"translate", "translate_terms", "raw"}
    # Amounts reach a translation in the target's units: "3.5 billion" is sent as "35亿".
    sent = {
        amounts_in_target_units(text, request.source, request.target): translation
        for text, translation in TRANSLATIONS.items()
    }
    return sent[request.text]


def both_reply(request: GenerationRequest) -> str:
    return summarize_reply(request) if task_of(request) == "summarize" else translate_reply(request)


@pytest.fixture
def prompts_dir(tmp_path: Path) -> Path:
    return write_prompts(tmp_path / "prompts")


@pytest.fixture
def summarizer() -> FakeBackend:
    return FakeBackend(summarize_reply, name="fake-summarizer")


@pytest.fixture
def translator() -> FakeBackend:
    return FakeBackend(translate_reply, name="fake-translator")


def make_engine(
    prompts_dir: Path, summarizer: FakeBackend, translator: FakeBackend, **settings: object
) -> Engine:
    options: dict[str, object] = {"warmup": False, "prompts_dir": prompts_dir}
    options.update(settings)
    engine = Engine(Settings(**options), summarizer=summarizer, translator=translator)
    engine.start()
    return engine


@pytest.fixture
def engine(prompts_dir: Path, summarizer: FakeBackend, translator: FakeBackend) -> Engine:
    return make_engine(prompts_dir, summarizer, translator)


def ok(result: DocumentResult | LingosumError) -> DocumentResult:
    assert isinstance(result, DocumentResult), result
    return result


def test_summarizes_a_multilingual_batch(engine: Engine) -> None:
    results = [ok(r) for r in engine.summarize([Document(EN1), Document(FR), Document(ZH)])]
    assert [r.source_language for r in results] == ["en", "fr", "zh-Hans"]
    assert all(r.language_detected and r.language_confidence > 0.5 for r in results)
    en1, fr, zh = results
    assert en1.summaries["en"].text == SUMMARIES[EN1, "en"]
    assert en1.summaries["zh-Hans"].text == TRANSLATIONS[SUMMARIES[EN1, "en"]]
    assert fr.summaries["en"].text == SUMMARIES[FR, "en"]
    assert fr.summaries["zh-Hans"].text == "里昂市议会批准了一项学校预算。"
    assert zh.summaries["zh-Hans"].text == SUMMARIES[ZH, "zh-Hans"]
    assert zh.summaries["en"].text == TRANSLATIONS[SUMMARIES[ZH, "zh-Hans"]]
    assert all(r.warnings == [] for r in results)


def test_model_calls_are_grouped_across_documents(
    engine: Engine, summarizer: FakeBackend, translator: FakeBackend
) -> None:
    documents = [Document(EN1), Document(FR), Document(EN2), Document(ZH)]
    assert all(isinstance(r, DocumentResult) for r in engine.summarize(documents))
    # Summaries group by language pair: en->en for both English articles, fr, zh.
    assert sorted(summarizer.batch_sizes) == [1, 1, 2]
    (english,) = [b for b in summarizer.batches if len(b) == 2]
    assert [r.text for r in english] == [EN1, EN2]
    # Every English summary goes to Chinese in one call; the Chinese one to English alone.
    assert sorted(translator.batch_sizes) == [1, 3]
    (to_chinese,) = [b for b in translator.batches if len(b) == 3]
    assert {(r.source, r.target) for r in to_chinese} == {("en", "zh-Hans")}


def test_same_language_batch_is_one_call_per_stage(
    engine: Engine, summarizer: FakeBackend, translator: FakeBackend
) -> None:
    results = engine.summarize([Document(EN1), Document(EN2), Document(EN1, title="Budget")])
    assert all(isinstance(r, DocumentResult) for r in results)
    assert summarizer.batch_sizes == [3]
    assert translator.batch_sizes == [3]


def test_route_entries(engine: Engine) -> None:
    en1, _, zh = (ok(r) for r in engine.summarize([Document(EN1), Document(EN2), Document(ZH)]))
    assert [(e.stage, e.model, e.source, e.target, e.batch_size) for e in en1.route] == [
        ("detect", engine.detector.name, None, "en", 1),
        ("summarize", "fake-summarizer", "en", "en", 2),
        ("translate", "fake-translator", "en", "zh-Hans", 2),
        ("finalize", "opencc+checks", None, None, 6),  # 3 documents x 2 targets
    ]
    assert [(e.stage, e.source, e.target, e.batch_size) for e in zh.route] == [
        ("detect", None, "zh-Hans", 1),
        ("summarize", "zh-Hans", "zh-Hans", 1),
        ("translate", "zh-Hans", "en", 1),
        ("finalize", None, None, 6),
    ]
    assert all(e.ms >= 0 for e in en1.route + zh.route)


def test_long_document_is_summarized_map_reduce_beside_the_others(
    prompts_dir: Path, translator: FakeBackend
) -> None:
    def reply(request: GenerationRequest) -> str:
        if request.text in (EN1, EN2):
            return summarize_reply(request)
        first = request.text.split(".")[0].strip()  # the first sentence stands for the chunk
        return f"{first} ({len(request.text.split())} words)."

    summarizer = FakeBackend(reply, name="fake-summarizer", context_tokens=1024)
    engine = make_engine(prompts_dir, summarizer, translator)
    paragraphs = [f"Section {n} of the council report covered the roads." for n in range(1, 41)]
    long_text = " ".join(paragraphs * 10)
    results = engine.summarize(
        [
            Document(EN1, targets=("en",)),
            Document(long_text, targets=("en",)),
            Document(EN2, targets=("en",)),
        ]
    )

    long_result = ok(results[1])
    assert long_result.chunks > 1
    assert ok(results[0]).chunks == ok(results[2]).chunks == 1
    assert ok(results[0]).summaries["en"].text == SUMMARIES[EN1, "en"]
    texts = [request.text for request in summarizer.requests]
    assert long_text not in texts  # never sent to the model whole
    chunk_budget = 1024 - 256 - 384
    assert all(summarizer.count_tokens(text) <= chunk_budget for text in texts)
    chunks = texts[: long_result.chunks]  # the map calls come first, in order
    assert " ".join(chunks).split() == long_text.split()  # cut at sentences, nothing lost
    assert all(chunk.rstrip().endswith(".") for chunk in chunks)
    summary_step = next(step for step in long_result.route if step.stage == "summarize")
    assert summary_step.prompt_tokens > summarizer.count_tokens(long_text)  # map + reduce
    long_tasks = [task_of(r) for r in summarizer.requests if r.text not in (EN1, EN2)]
    assert long_tasks == ["summarize_part"] * long_result.chunks + ["combine"]


def test_a_sentence_the_model_repeats_is_kept_once(
    prompts_dir: Path, translator: FakeBackend
) -> None:
    looping = "Police found a bag. A man was charged. Police found a bag. A man was charged."
    engine = make_engine(prompts_dir, FakeBackend(lambda request: looping), translator)
    [result] = engine.summarize([Document(EN1, targets=("en",))])
    assert ok(result).summaries["en"].text == "Police found a bag. A man was charged."


@pytest.mark.parametrize(
    ("length", "task"),
    [("short", "summarize_short"), ("medium", "summarize"), ("long", "summarize")],
)
def test_the_one_sentence_summary_has_its_own_prompt(
    prompts_dir: Path, translator: FakeBackend, length: str, task: str
) -> None:
    summarizer = FakeBackend(summarize_reply, name="fake-summarizer")
    engine = make_engine(prompts_dir, summarizer, translator)
    engine.summarize([Document(EN1, targets=("en",), length=length)])  # type: ignore[arg-type]
    assert [task_of(r) for r in summarizer.requests] == [task]


def test_backend_failure_is_isolated_to_its_document(
    prompts_dir: Path, translator: FakeBackend
) -> None:
    summarizer = FakeBackend(
        summarize_reply,
        name="fake-summarizer",
        fail_when=lambda requests: any(r.text == EN2 for r in requests),
    )
    engine = make_engine(prompts_dir, summarizer, translator)
    results = engine.summarize([Document(EN1), Document(EN2)])
    assert ok(results[0]).summaries["en"].text == SUMMARIES[EN1, "en"]
    assert isinstance(results[1], LingosumError) and results[1].code == "backend_failed"
    assert summarizer.batch_sizes == [2, 1, 1]  # the batch, then each document alone


def test_undetectable_document_fails_alone(engine: Engine) -> None:
    results = engine.summarize([Document("12345 !!!"), Document(EN2)])
    assert isinstance(results[0], LingosumError) and results[0].status == 422
    assert ok(results[1]).source_language == "en"


def test_given_source_language_skips_detection(engine: Engine) -> None:
    result = ok(engine.summarize([Document(FR, source_language="fr", targets=("en",))])[0])
    assert (result.source_language, result.language_confidence) == ("fr", 1.0)
    assert result.language_detected is False
    assert list(result.summaries) == ["en"]


def test_traditional_target(engine: Engine, translator: FakeBackend) -> None:
    en, zh = (
        ok(r)
        for r in engine.summarize(
            [
                Document(EN1, targets=("zh-Hant",)),
                Document(ZH, targets=("en", "zh-Hant")),
            ]
        )
    )
    assert list(en.summaries) == ["zh-Hant"]
    assert en.summaries["zh-Hant"].text == (
        "斯普林菲爾德市議會批准了35億美元的預算。市長Jane Doe表示將修繕120所學校。"
    )
    assert en.summaries["zh-Hant"].language == "zh-Hant"
    assert zh.summaries["zh-Hant"].text == "上海市政府週二批准了35億元的新預算。"
    # Planned as Simplified: no model was asked for Traditional.
    assert all(r.target != "zh-Hant" for r in translator.requests)


def test_direct_route_for_chinese(
    prompts_dir: Path, summarizer: FakeBackend, translator: FakeBackend
) -> None:
    engine = make_engine(prompts_dir, summarizer, translator, zh_route="direct")
    result = ok(engine.summarize([Document(ZH)])[0])
    assert result.summaries["en"].text == SUMMARIES[ZH, "en"]
    assert result.summaries["zh-Hans"].text == SUMMARIES[ZH, "zh-Hans"]
    assert sorted(r.target for r in summarizer.requests) == ["en", "zh-Hans"]
    assert translator.batches == []


def test_english_only_summarizer_reads_a_translated_article(
    prompts_dir: Path, translator: FakeBackend
) -> None:
    summarizer = FakeBackend(summarize_reply, name="en-only", follows_instructions=False)
    engine = make_engine(prompts_dir, summarizer, translator)
    result = ok(engine.summarize([Document(FR)])[0])
    assert result.summaries["en"].text == SUMMARIES[FR, "en"]
    assert [(e.stage, e.source, e.target) for e in result.route[1:-1]] == [
        ("translate", "fr", "en"),
        ("summarize", "en", "en"),
        ("translate", "en", "zh-Hans"),
    ]
    assert [r.text for r in summarizer.requests] == [FR_IN_ENGLISH]


def test_one_backend_for_both_stages(prompts_dir: Path) -> None:
    model = FakeBackend(both_reply, name="one-model")
    engine = make_engine(prompts_dir, model, model)
    results = [ok(r) for r in engine.summarize([Document(EN1), Document(ZH)])]
    assert results[0].summaries["zh-Hans"].text == TRANSLATIONS[SUMMARIES[EN1, "en"]]
    assert results[1].summaries["en"].text == TRANSLATIONS[SUMMARIES[ZH, "zh-Hans"]]
    engine.close()
    assert model.closed == 1
    assert not engine.ready


def test_finalize_runs_on_engine_output(prompts_dir: Path, summarizer: FakeBackend) -> None:
    # The translator leaves an English word and invents a number; finalize repairs both.
    replies = {SUMMARIES[EN2, "en"]: "周日，大雨淹没了Riverton的40所homes。救援持续了5天。"}
    translator = FakeBackend(lambda r: replies.get(r.text) or TRANSLATIONS[r.text])
    engine = make_engine(prompts_dir, summarizer, translator)
    result = ok(engine.summarize([Document(EN2)])[0])
    assert result.summaries["zh-Hans"].text == "周日，大雨淹没了Riverton的40所房屋。"
    assert any("homes" in w for w in result.warnings)
    assert any("(5)" in w for w in result.warnings)
    assert [task_of(b[0]) for b in translator.batches] == ["translate", "translate_terms"]
    # finalize's model call is in the route, beside the entry for the checks
    [*_, terms, checks] = result.route
    assert (terms.stage, terms.model, terms.source, terms.target) == (
        "finalize",
        "fake",
        "en",
        "zh-Hans",
    )
    [terms_request] = translator.batches_for("translate_terms")[0]
    assert terms.prompt_tokens == translator.count_tokens(terms_request.text) > 0
    assert (terms.completion_tokens, terms.batch_size) == (1, 1)
    assert (checks.stage, checks.model) == ("finalize", "opencc+checks")


def test_the_checks_entry_of_finalize_leaves_out_its_model_call(
    prompts_dir: Path, summarizer: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [0.0]
    monkeypatch.setattr(model_requests.time, "perf_counter", lambda: clock[0])

    def reply(request: GenerationRequest) -> str:
        if task_of(request) == "translate_terms":
            clock[0] += 2.0  # the model call takes 2 s; nothing else takes any time
        return (
            "周日，大雨淹没了Riverton的40所homes。"
            if request.text == SUMMARIES[EN2, "en"]
            else TRANSLATIONS[request.text]
        )

    engine = make_engine(prompts_dir, summarizer, FakeBackend(reply))
    [*_, terms, checks] = ok(engine.summarize([Document(EN2)])[0]).route
    assert (terms.model, terms.ms) == ("fake", 2000.0)
    assert (checks.model, checks.ms) == ("opencc+checks", 0.0)  # not counted twice


def test_each_article_is_read_once_for_all_its_checks(
    prompts_dir: Path,
    summarizer: FakeBackend,
    translator: FakeBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from service.checks import facts, problems

    read: list[str] = []

    def counting(text: str, language: str = "en") -> set[float]:
        read.append(text)
        return source_numbers(text, language)

    monkeypatch.setattr(facts, "source_numbers", counting)
    monkeypatch.setattr(problems, "source_numbers", counting)  # summaries being translated
    engine = make_engine(prompts_dir, summarizer, translator)
    documents = [Document(EN1, targets=("en", "zh-Hans", "zh-Hant")), Document(ZH)]
    assert all(ok(r) for r in engine.summarize(documents))
    assert (read.count(EN1), read.count(ZH)) == (1, 1)


def test_warm_up_calls_each_backend_once(prompts_dir: Path) -> None:
    first = FakeBackend(lambda _: "OK", name="a")
    second = FakeBackend(lambda _: "OK", name="b")
    make_engine(prompts_dir, first, second, warmup=True)
    assert (first.batch_sizes, second.batch_sizes) == ([1], [1])
    shared = FakeBackend(lambda _: "OK", name="shared")
    make_engine(prompts_dir, shared, shared, warmup=True)
    assert shared.batch_sizes == [1]


def test_not_ready_before_start(prompts_dir: Path, summarizer: FakeBackend) -> None:
    engine = Engine(Settings(warmup=False, prompts_dir=prompts_dir), summarizer=summarizer)
    assert not engine.ready
    with pytest.raises(LingosumError) as raised:
        engine.summarize([Document(EN1)])
    assert raised.value.status == 503 and raised.value.code == "not_ready"


def test_a_summary_sentence_with_an_unsupported_number_is_not_translated(
    prompts_dir: Path,
) -> None:
    article = "Heavy rain flooded 40 homes in Riverton on Sunday. Two shelters opened."
    invented = "Heavy rain flooded 40 homes in Riverton. Damage reached 9 million dollars."
    summarizer = FakeBackend(lambda request: invented)
    translator = FakeBackend(lambda request: "大雨淹没了Riverton的40所房屋。")
    engine = make_engine(prompts_dir, summarizer, translator)

    result = ok(engine.summarize([Document(article)])[0])

    assert [r.text for r in translator.requests] == ["Heavy rain flooded 40 homes in Riverton."]
    assert result.summaries["en"].text == "Heavy rain flooded 40 homes in Riverton."
    assert any("(9)" in warning for warning in result.warnings)


def test_a_15000_word_article_works(prompts_dir: Path, translator: FakeBackend) -> None:
    def reply(request: GenerationRequest) -> str:
        return "The council report covered the roads in detail."

    summarizer = FakeBackend(reply, name="fake-summarizer")
    engine = make_engine(prompts_dir, summarizer, translator)
    sentences = [f"Item {n} of the council report covered road number {n}." for n in range(1500)]
    article = " ".join(sentences)
    assert len(article.split()) == 15_000

    [result] = engine.summarize([Document(article, targets=("en",))])

    summary = ok(result)
    assert summary.chunks >= 15_000 // summarizer.context_tokens
    assert summary.summaries["en"].text == "The council report covered the roads in detail."


def test_a_source_the_route_table_sends_through_translation_first(prompts_dir: Path) -> None:
    titled = "Budget des écoles"
    translator = FakeBackend(
        lambda r: FR_IN_ENGLISH if r.text == f"{titled}\n\n{FR}" else translate_reply(r)
    )
    summarizer = FakeBackend(lambda r: {FR_IN_ENGLISH: SUMMARIES[FR, "en"]}[r.text])
    engine = make_engine(prompts_dir, summarizer, translator)
    engine.source_routes = {"fr": "translate"}

    result = ok(engine.summarize([Document(FR, title=titled)])[0])

    assert [(e.stage, e.source, e.target) for e in result.route[1:-1]] == [
        ("translate", "fr", "en"),  # the title translated with the article
        ("summarize", "en", "en"),
        ("translate", "en", "zh-Hans"),
    ]
    assert result.summaries["en"].text == SUMMARIES[FR, "en"]
    [request] = summarizer.requests
    assert request.text == FR_IN_ENGLISH and titled not in request.messages[-1].content


def test_chinese_beside_english_is_one_call_per_document(
    prompts_dir: Path, summarizer: FakeBackend, translator: FakeBackend
) -> None:
    engine = make_engine(prompts_dir, summarizer, translator, zh_from="article")
    en1, en2 = (ok(r) for r in engine.summarize([Document(EN1), Document(EN2)]))
    assert en1.summaries["zh-Hans"].text == SUMMARIES[EN1, "zh-Hans"]
    assert en2.summaries["en"].text == SUMMARIES[EN2, "en"]
    # Each document's two summaries in one call of its own, so its article is read once.
    assert [[(task_of(r), r.text, r.target) for r in b] for b in summarizer.batches] == [
        [(task, text, target) for task, target in (("summarize", "en"), BESIDE)]
        for text in (EN1, EN2)
    ]
    assert translator.batches == []
    assert [(e.stage, e.source, e.target) for e in en1.route[1:-1]] == [
        ("summarize", "en", "en"),
        ("summarize", "en", "zh-Hans"),
    ]


BESIDE = ("summarize_beside", "zh-Hans")


def test_chinese_beside_a_translated_article_reads_the_translation(
    prompts_dir: Path, translator: FakeBackend
) -> None:
    def reply(request: GenerationRequest) -> str:
        assert request.text == FR_IN_ENGLISH
        return SUMMARIES[FR, "en"] if request.target == "en" else "里昂市议会批准了一项学校预算。"

    summarizer = FakeBackend(reply)
    engine = make_engine(prompts_dir, summarizer, translator, zh_from="article")
    engine.source_routes = {"fr": "translate"}
    ok(engine.summarize([Document(FR)])[0])
    assert [[(task_of(r), r.text) for r in b] for b in summarizer.batches] == [
        [("summarize", FR_IN_ENGLISH), ("summarize_beside", FR_IN_ENGLISH)]
    ]
    assert [task_of(r) for r in translator.requests] == ["translate"]


def test_drafts_of_summaries_written_together_go_to_their_own_target(
    prompts_dir: Path, summarizer: FakeBackend, translator: FakeBackend
) -> None:
    drafts: dict[str, str] = {}

    class Recorder:
        detection = None

        def draft(self, target: str, text: str, draft: int) -> None:
            drafts[target] = drafts.get(target, "") + text

        def final(self, target: str, summary: object) -> None:
            pass

        def cancelled(self) -> bool:
            return False

    engine = make_engine(prompts_dir, summarizer, translator, zh_from="article")
    ok(engine.summarize([Document(EN1, targets=("en", "zh-Hant"))], Recorder())[0])
    assert drafts == {"en": SUMMARIES[EN1, "en"], "zh-Hant": SUMMARIES[EN1, "zh-Hans"]}
