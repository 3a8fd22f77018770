"""Cache keys change with the content, every parameter and the version of models and prompts."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from service.backends.model_store import EMBEDDED_MODELS
from service.jobs.cache_key import cache_key, model_fingerprint, model_identity
from service.pipeline.documents import Options, WorkItem
from service.settings import DEFAULT_MODEL, Settings
from tests.fakes import write_prompts

ITEM = WorkItem(0, "a", "The harbor bridge opened on Tuesday.", "Bridge opens", None)
OPTIONS = Options.parse(["en", "zh"], "medium")


def test_the_same_inputs_give_the_same_key_whatever_the_item_id_or_target_spelling() -> None:
    same = replace(ITEM, index=7, id="other-id", link="https://example.org/a")
    spelled = Options.parse(["zh-Hans", "en"], "medium")
    assert cache_key("m", ITEM, OPTIONS) == cache_key("m", same, spelled)


@pytest.mark.parametrize(
    ("item", "options", "fingerprint"),
    [
        (replace(ITEM, text=ITEM.text + " It cost 3 million."), OPTIONS, "m"),
        (replace(ITEM, title="Another title"), OPTIONS, "m"),
        (replace(ITEM, title=None), OPTIONS, "m"),
        (replace(ITEM, source_language="en"), OPTIONS, "m"),
        (ITEM, Options.parse(["en"], "medium"), "m"),
        (ITEM, Options.parse(["en", "zh-Hant"], "medium"), "m"),
        (ITEM, Options.parse(["en", "zh"], "short"), "m"),
        (ITEM, OPTIONS, "another model"),
    ],
)
def test_any_change_gives_another_key(item: WorkItem, options: Options, fingerprint: str) -> None:
    assert cache_key(fingerprint, item, options) != cache_key("m", ITEM, OPTIONS)


def test_embedded_models_are_known_by_their_sha256() -> None:
    assert model_identity(DEFAULT_MODEL) == f"sha256:{EMBEDDED_MODELS[DEFAULT_MODEL].sha256}"
    assert model_identity("hf-causal:Org/Model@abc") == "hf-causal:Org/Model@abc"
    assert model_identity("hf-causal:Org/Model@abc") != model_identity("hf-causal:Org/Model@def")


def test_a_local_model_changes_identity_when_its_files_change(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    weights = folder / "model.safetensors"
    weights.write_bytes(b"weights")
    before = model_identity(f"hf-causal:{folder}")
    assert model_identity(f"hf-causal:{folder}") == before

    weights.write_bytes(b"new weights")
    os.utime(weights, ns=(1, 1))
    assert model_identity(f"hf-causal:{folder}") != before


def test_the_fingerprint_follows_prompts_models_and_route(tmp_path: Path) -> None:
    prompts = write_prompts(tmp_path / "prompts")
    settings = Settings(prompts_dir=prompts)
    base = model_fingerprint(settings)
    assert model_fingerprint(Settings(prompts_dir=prompts)) == base

    assert model_fingerprint(settings.model_copy(update={"zh_route": "direct"})) != base
    assert model_fingerprint(settings.model_copy(update={"zh_from": "article"})) != base
    assert model_fingerprint(settings.model_copy(update={"support_check": "sentence"})) != base
    other_model = "qwen2.5-coder-0.5b-instruct-q4_k_m"
    assert model_fingerprint(settings.model_copy(update={"translator_model": other_model})) != base
    (prompts / "summarize.en.txt").write_text("edited\n---\n{text}", encoding="utf-8")
    assert model_fingerprint(settings) != base
