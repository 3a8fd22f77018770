"""The transformers backends on tiny random checkpoints, loaded through `from_pretrained`.

The models are random, so their text is gibberish: the tests check what the backends promise
about it (counts, limits, order, batching, determinism) and what the engine builds around it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch

from service.backends import ChatMessage, Generation, GenerationRequest, ModelSpec
from service.errors import ModelNotAvailable
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.pipeline.stages.detect import LanguageDetector
from service.pipeline.stages.finalize import Finalizer
from service.pipeline.stages.model_requests import RouteEntry
from service.settings import Settings

EN_ARTICLE = (
    "The city council of Springfield approved a new budget on Monday after a long debate. "
    "The mayor said the plan adds money for schools, buses and parks. "
    "Several council members voted against it, saying that taxes would rise next year."
)
FR_ARTICLE = (
    "Le conseil municipal de Lyon a approuvé lundi un nouveau budget après un long débat. "
    "Le maire a déclaré que le plan prévoit davantage d'argent pour les écoles et les parcs. "
    "Plusieurs conseillers ont voté contre, estimant que les impôts augmenteraient."
)
ZH_ARTICLE = (
    "上海市议会周一在长时间辩论后批准了新的预算。市长表示，该计划将为学校、公交和公园增加资金。"
)

TEXTS = [
    "A short one.",
    "The city council approved a new budget on Monday after a long and heated debate.",
    "Le conseil municipal a approuvé un nouveau budget.",
]
LIMITS = [6, 12, 3]

BACKENDS = {"hf-causal": "causal_dir", "hf-seq2seq": "seq2seq_dir"}


def _request(text: str, max_new_tokens: int) -> GenerationRequest:
    return GenerationRequest(
        messages=(ChatMessage("system", "You summarize news."), ChatMessage("user", text)),
        text=text,
        source="en",
        target="zh-Hans",
        max_new_tokens=max_new_tokens,
    )


BATCH = [_request(text, limit) for text, limit in zip(TEXTS, LIMITS, strict=True)]


def _context_in_checkpoint(folder: Path, kind: str) -> int:
    if kind == "hf-causal":
        return int(json.loads((folder / "config.json").read_text())["max_position_embeddings"])
    return int(json.loads((folder / "tokenizer_config.json").read_text())["model_max_length"])


def _loaded(request: pytest.FixtureRequest, load: Any, kind: str, folder_fixture: str) -> Any:
    return load(kind, request.getfixturevalue(folder_fixture))


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(
        "causal_backend" if request.param == "hf-causal" else "seq2seq_backend"
    )


@pytest.mark.parametrize(
    ("kind", "folder_fixture", "instructions"),
    [("hf-causal", "causal_dir", True), ("hf-seq2seq", "seq2seq_dir", False)],
)
def test_load_backend_reads_a_saved_checkpoint(
    request: pytest.FixtureRequest, load: Any, kind: str, folder_fixture: str, instructions: bool
) -> None:
    folder = request.getfixturevalue(folder_fixture)
    backend = load(kind, folder)

    assert backend.name == str(ModelSpec(kind, str(folder))) == f"{kind}:{folder}"
    assert backend.follows_instructions is instructions
    assert backend.context_tokens == _context_in_checkpoint(folder, kind) > 0
    assert backend.count_tokens("") == 0
    assert backend.count_tokens(TEXTS[0]) > 0
    assert backend.count_tokens(f"{TEXTS[1]} {TEXTS[1]}") > backend.count_tokens(TEXTS[1])
    assert backend.count_tokens(ZH_ARTICLE) > 0


def test_generate_answers_each_request_in_order(backend: Any) -> None:
    generations = backend.generate(BATCH)

    assert len(generations) == len(BATCH)
    for generation, request in zip(generations, BATCH, strict=True):
        assert isinstance(generation, Generation)
        assert 0 <= generation.completion_tokens <= request.max_new_tokens
        assert generation.hit_token_limit == (
            generation.completion_tokens == request.max_new_tokens
        )
    prompt_tokens = [g.prompt_tokens for g in generations]
    text_tokens = [backend.count_tokens(r.text) for r in BATCH]
    assert all(n > 0 for n in prompt_tokens)
    # The chat template (or the closing `</s>`) adds the same tokens to every prompt, and
    # the padding of the shorter prompts is not counted.
    assert len({p - t for p, t in zip(prompt_tokens, text_tokens, strict=True)}) == 1


def test_causal_prompt_wraps_the_messages_in_the_chat_template(causal_backend: Any) -> None:
    [generation] = causal_backend.generate([_request(TEXTS[1], 2)])

    template_only = causal_backend.count_tokens(
        "<|im_start|>system\nYou summarize news.<|im_end|>\n<|im_start|>user\n"
        "<|im_end|>\n<|im_start|>assistant\n"
    )
    assert generation.prompt_tokens == template_only + causal_backend.count_tokens(TEXTS[1])


def test_seq2seq_prompt_is_the_text_and_its_end_token(seq2seq_backend: Any) -> None:
    generations = seq2seq_backend.generate(BATCH)

    assert [g.prompt_tokens for g in generations] == [
        seq2seq_backend.count_tokens(text) + 1 for text in TEXTS
    ]


def test_greedy_decoding_is_deterministic(backend: Any) -> None:
    first = backend.generate(BATCH)
    second = backend.generate(BATCH)

    assert first == second
    assert any(g.text for g in first), "the fixture model should produce some text"


@pytest.mark.parametrize(
    ("kind", "folder_fixture"),
    [
        ("hf-causal", "causal_dir"),
        ("hf-causal", "causal_endless_dir"),
        ("hf-seq2seq", "seq2seq_dir"),
        ("hf-seq2seq", "seq2seq_endless_dir"),
    ],
)
def test_a_batch_answers_as_one_request_at_a_time(
    request: pytest.FixtureRequest, load: Any, kind: str, folder_fixture: str
) -> None:
    backend = _loaded(request, load, kind, folder_fixture)

    together = backend.generate(BATCH)
    alone = [backend.generate([r])[0] for r in BATCH]

    assert together == alone


@pytest.mark.parametrize(
    ("kind", "folder_fixture"),
    [
        ("hf-causal", "causal_endless_dir"),
        ("hf-seq2seq", "seq2seq_endless_dir"),
        ("hf-seq2seq", "seq2seq_eos_start_endless_dir"),
    ],
)
def test_a_model_that_never_stops_hits_each_requests_own_limit(
    request: pytest.FixtureRequest, load: Any, kind: str, folder_fixture: str
) -> None:
    backend = _loaded(request, load, kind, folder_fixture)

    generations = backend.generate(BATCH)

    assert [g.completion_tokens for g in generations] == LIMITS
    assert all(g.hit_token_limit for g in generations)
    assert all(g.text for g in generations)


@pytest.mark.parametrize(
    ("kind", "folder_fixture"),
    [
        ("hf-causal", "causal_silent_dir"),
        ("hf-causal", "causal_second_eos_dir"),
        ("hf-seq2seq", "seq2seq_silent_dir"),
        ("hf-seq2seq", "seq2seq_second_eos_dir"),
    ],
)
def test_a_model_that_stops_at_once_returns_nothing_within_the_limit(
    request: pytest.FixtureRequest, load: Any, kind: str, folder_fixture: str
) -> None:
    backend = _loaded(request, load, kind, folder_fixture)

    generations = backend.generate(BATCH)

    assert generations == [
        Generation(
            text="", hit_token_limit=False, prompt_tokens=g.prompt_tokens, completion_tokens=0
        )
        for g in generations
    ]


@pytest.mark.parametrize("kind", sorted(BACKENDS))
def test_missing_folder_is_model_not_available(load: Any, tmp_path: Path, kind: str) -> None:
    missing = tmp_path / "no-such-model"

    with pytest.raises(ModelNotAvailable) as caught:
        load(kind, missing)

    assert caught.value.code == "model_not_available"
    assert caught.value.status == 503
    assert f"{kind}:{missing}" in caught.value.message
    assert "download" not in caught.value.message  # a local folder is not on the hub


@pytest.mark.parametrize("kind", sorted(BACKENDS))
def test_uncached_hub_model_is_model_not_available_offline(load: Any, kind: str) -> None:
    with pytest.raises(ModelNotAvailable) as caught:
        load(kind, "lingosum-tests/no-such-model@0123abc")

    message = caught.value.message
    assert f"{kind}:lingosum-tests/no-such-model@0123abc" in message
    assert "offline" in message
    assert "`hf download lingosum-tests/no-such-model --revision 0123abc`" in message


@pytest.mark.parametrize("kind", sorted(BACKENDS))
def test_folder_without_weights_is_model_not_available(
    load: Any, tokenizer_only_dir: Path, kind: str
) -> None:
    with pytest.raises(ModelNotAvailable, match="Cannot load") as caught:
        load(kind, tokenizer_only_dir)

    assert str(tokenizer_only_dir) in caught.value.message


def test_causal_model_of_another_kind_is_model_not_available(load: Any, causal_dir: Path) -> None:
    with pytest.raises(ModelNotAvailable, match="Cannot load hf-seq2seq:"):
        load("hf-seq2seq", causal_dir)


def test_causal_model_without_chat_template_is_model_not_available(
    load: Any, causal_without_template_dir: Path
) -> None:
    with pytest.raises(ModelNotAvailable, match="chat template") as caught:
        load("hf-causal", causal_without_template_dir)

    assert f"hf-causal:{causal_without_template_dir}" in caught.value.message


@pytest.mark.parametrize("kind", sorted(BACKENDS))
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_device_and_dtype_settings_are_honoured(
    request: pytest.FixtureRequest, load: Any, kind: str, dtype: str
) -> None:
    backend = load(kind, request.getfixturevalue(BACKENDS[kind]), device="cpu", dtype=dtype)

    parameters = list(backend._model.parameters())  # no public way to see where weights live
    assert {p.dtype for p in parameters} == {getattr(torch, dtype)}
    assert {p.device.type for p in parameters} == {"cpu"}
    [generation] = backend.generate([_request(TEXTS[1], 4)])
    assert generation.completion_tokens <= 4


def test_auto_device_and_dtype_follow_the_hardware(load: Any, causal_dir: Path) -> None:
    backend = load("hf-causal", causal_dir, device="auto", dtype="auto")

    cuda = torch.cuda.is_available()
    parameter = next(backend._model.parameters())
    assert parameter.device.type == ("cuda" if cuda else "cpu")
    assert parameter.dtype == (torch.bfloat16 if cuda else torch.float32)


def test_engine_runs_every_stage_on_the_transformers_backends(
    causal_dir: Path, seq2seq_dir: Path
) -> None:
    summarizer, translator = f"hf-causal:{causal_dir}", f"hf-seq2seq:{seq2seq_dir}"
    engine = Engine(
        Settings(
            summarizer_model=summarizer,
            translator_model=translator,
            warmup=True,
            device="cpu",
            dtype="float32",
            offline=True,
        )
    )
    engine.start()
    assert engine.ready

    targets = ("en", "zh-Hans")
    documents = [
        Document(article, targets=targets, length="short")
        for article in (EN_ARTICLE, FR_ARTICLE, ZH_ARTICLE)
    ]
    results = engine.summarize(documents)
    engine.close()

    assert not engine.ready
    assert all(isinstance(r, DocumentResult) for r in results), results
    en, fr, zh = results
    assert [(r.source_language, r.language_detected) for r in results] == [
        ("en", True),
        ("fr", True),
        ("zh-Hans", True),
    ]
    for result in results:
        assert set(result.summaries) == set(targets)
        assert all(s.language == t and isinstance(s.text, str) for t, s in result.summaries.items())
        assert [(e.stage, e.model) for e in planned(result)] == [
            ("detect", LanguageDetector.name),
            ("summarize", summarizer),
            ("translate", translator),
            ("finalize", Finalizer.name),
        ]
        assert_calls_reported(result, guard=summarizer, finalize=translator)
        assert result.route[0].target == result.source_language
        assert all(e.ms >= 0 for e in result.route)
    for result in (en, fr):  # summarized into English, then translated into Chinese
        summarize, translate = planned(result)[1:3]
        assert (summarize.source, summarize.target) == (result.source_language, "en")
        assert (translate.source, translate.target, translate.batch_size) == ("en", "zh-Hans", 2)
    summarize, translate = planned(zh)[1:3]  # summarized in Chinese, then translated into English
    assert (summarize.source, summarize.target) == ("zh-Hans", "zh-Hans")
    assert (translate.source, translate.target, translate.batch_size) == ("zh-Hans", "en", 1)
    assert {r.route[-1].batch_size for r in results} == {2 * len(documents)}


def test_engine_translates_first_for_a_summarizer_that_reads_only_english(
    seq2seq_backend: Any,
) -> None:
    engine = Engine(Settings(warmup=False), summarizer=seq2seq_backend, translator=seq2seq_backend)
    engine.start()

    [result] = engine.summarize([Document(FR_ARTICLE, source_language="fr", length="short")])

    assert isinstance(result, DocumentResult)
    assert (result.source_language, result.language_detected) == ("fr", False)
    assert set(result.summaries) == {"en", "zh-Hans"}
    assert [(e.stage, e.model, e.source, e.target) for e in planned(result)] == [
        ("detect", LanguageDetector.name, None, "fr"),
        ("translate", seq2seq_backend.name, "fr", "en"),
        ("summarize", seq2seq_backend.name, "en", "en"),
        ("translate", seq2seq_backend.name, "en", "zh-Hans"),
        ("finalize", Finalizer.name, None, None),
    ]
    assert_calls_reported(result, guard=seq2seq_backend.name, finalize=seq2seq_backend.name)


def planned(result: DocumentResult) -> list[RouteEntry]:
    """The route without the model calls of the guard and finalize stages, which a tiny random
    model's output may or may not call for."""
    return [e for e in result.route if e.stage != "guard" and e.model != call_model(e)]


def call_model(entry: RouteEntry) -> str | None:
    """The model of a finalize entry that reports a model call; None for any other entry."""
    return entry.model if entry.stage == "finalize" and entry.model != Finalizer.name else None


def assert_calls_reported(result: DocumentResult, *, guard: str, finalize: str) -> None:
    """Each guard or finalize model call in the route names its model and what it cost."""
    calls = [e for e in result.route if e not in planned(result)]
    for call in calls:
        assert (call.stage, call.model) in {("guard", guard), ("finalize", finalize)}, call
        assert call.prompt_tokens > 0 and call.ms >= 0, call
    guarded = [e for e in calls if e.stage == "guard"]
    assert all(e.target == planned(result)[1].target for e in guarded)


def test_a_long_article_is_summarized_in_chunks_on_a_real_checkpoint(
    causal_silent_dir: Path,
) -> None:
    model = f"hf-causal:{causal_silent_dir}"
    settings = Settings(
        summarizer_model=model,
        translator_model=model,
        chunk_tokens=1024,
        warmup=False,
        device="cpu",
        dtype="float32",
    )
    engine = Engine(settings)
    engine.start()
    article = " ".join(
        f"Paragraph {n} of the report describes the harbor works." for n in range(400)
    )
    [result] = engine.summarize([Document(article, targets=("en",))])
    engine.close()

    assert isinstance(result, DocumentResult), result
    assert result.chunks > 1
    summarize = result.route[1]
    assert summarize.stage == "summarize"
    assert summarize.prompt_tokens > settings.chunk_tokens  # every chunk was read, none cut
