"""Precision of the checks on a hand-labelled sample of their flags (tests/fixtures/
check_flags.jsonl), each labelled real or false by hand (docs/quality.md says how). Flags are
raised on the development sets' human texts, and on the default model's outputs:

- `unsupported_names` and `unsupported_numbers`: the human summaries of the first 60 XSum and
  CNN/DM items against their articles; real = the article states that name or number in no
  form;
- `unsupported_numbers`, `untranslated` and `name_two_ways`: the human Chinese of the NTREX
  documents, the FLORES-200 dev sentences and the WMT23 en → zh sentences against their
  English (as a Chinese summary of an English article is checked); real = a number the
  English states in no form, a word that Chinese news would translate, a name written in two
  forms (a gloss in brackets is one form);
- `untranslated` also on the model's own translations (rows with an `output`: the flagged
  sentence of the translate stage's output, before finalize);
- `style`: XSum, CNN/DM, NTREX (Chinese) and LCSTS references, where every flag is a false
  alarm unless the sentence really is a fragment, a meta opening or a repeat.

The data is read from ../shared/eval (never copied into the repository): the test is skipped
where it is absent. Every flag raised now must be labelled; rows with `"when": "after"` label
the flags of the checks as they are now, the others those of earlier commits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from service.checks.facts import ArticleFacts
from service.checks.name_forms import names_written_two_ways
from service.checks.names import name_runs
from service.checks.numbers import numbers_outside
from service.checks.problems import unsupported_names
from service.checks.stray_words import latin_names, stray_english_words
from service.checks.style import tidy

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "check_flags.jsonl"
DATA = Path(__file__).resolve().parents[3] / "shared" / "eval"
TARGET = 0.9
# Precision now, on the sample; a check below the target must not fall further.
FLOORS = {
    "unsupported_names": 0.9,  # 34 of 37
    "unsupported_numbers": 0.9,  # 4 of 4 (4 of 8 at cd3ceeb; 4 of 25 before, NTREX only)
    "untranslated": 0.58,  # 7 of 12 on human Chinese (8 of 76 before)
    "untranslated on model output": 0.9,  # 21 of 21 (22 of 23 before)
    "name_two_ways": 0.9,  # 4 of 4
    "style": 0.9,  # 1 of 1, on 682 human references (1 of 3 at cd3ceeb)
}

Flag = tuple[str, str, str, str]  # set, id, check, flag


def _rows(name: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    with path.open(encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if limit is not None and i >= limit:
                break
            yield json.loads(line)


def _labels() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _translations() -> Iterator[tuple[str, str, str, str]]:
    """(set, id, English, human Chinese) of every translation the sample reads."""
    for row in _rows("ntrex_docs_dev.jsonl", 60):
        yield "ntrex", row["doc_id"], row["text_en"], row["text_zh"]
    for row in _rows("flores200_en_zh_dev.jsonl"):
        yield "flores", row["id"], row["eng_Latn"], row["zho_Hans"]
    for row in _rows("wmt23_en-zh_dev.jsonl"):
        yield "wmt23", str(row["id"]), row["source"], row["reference"]


@cache
def flags_now() -> list[Flag]:
    """Every flag the checks raise today on the sample's texts."""
    flags = []
    for set_name, name, text, article in [
        ("xsum", "xsum_en_dev.jsonl", "summary", "document"),
        ("cnndm", "cnndm_en_dev.jsonl", "highlights", "article"),
    ]:
        for row in _rows(name, 60):
            facts = ArticleFacts(row[article], "en")
            for flag in unsupported_names(row[text], facts):
                flags.append((set_name, row["id"], "unsupported_names", flag))
            for flag in numbers_outside(row[text], facts.numbers):
                flags.append((set_name, row["id"], "unsupported_numbers", flag))
    sources: dict[tuple[str, str], str] = {}
    for set_name, item, english, chinese in _translations():
        sources[set_name, item] = english
        for flag in numbers_outside(chinese, ArticleFacts(english, "en").numbers):
            flags.append((set_name, item, "unsupported_numbers", flag))
        for flag in stray_english_words(chinese, latin_names(english), english):
            flags.append((set_name, item, "untranslated", flag))
        for flag in names_written_two_ways(chinese, name_runs(english)):
            flags.append((set_name, item, "name_two_ways", flag))
    for label in _labels():
        if "output" in label and label["when"] == "after":
            english = sources[label["set"], label["id"]]
            for flag in stray_english_words(label["output"], latin_names(english), english):
                flags.append((f"{label['set']}-model", label["id"], "untranslated", flag))
    for set_name, name, text, language, limit in [
        ("xsum", "xsum_en_dev.jsonl", "summary", "en", 200),
        ("cnndm", "cnndm_en_dev.jsonl", "highlights", "en", 172),
        ("ntrex", "ntrex_docs_dev.jsonl", "text_zh", "zh-Hans", 60),
        ("lcsts", "lcsts_zh_dev.jsonl", "summary", "zh-Hans", 250),
    ]:
        for row in _rows(name, limit):
            tidied = tidy(row[text].replace("\n", " "), language)
            for flag in tidied.warnings + tidied.problems:
                flags.append((set_name, row.get("id") or row["doc_id"], "style", flag))
    return flags


@cache
def precision() -> dict[str, float]:
    labels = {
        (r["set"] + ("-model" if "output" in r else ""), r["id"], r["check"], r["flag"]): r["real"]
        for r in _labels()
        if r["when"] == "after"
    }
    real: dict[str, list[bool]] = defaultdict(list)
    for flag in set(flags_now()):
        assert flag in labels, f"an unlabelled flag: {flag}"
        real[flag[2] + (" on model output" if flag[0].endswith("-model") else "")].append(
            labels[flag]
        )
    return {check: sum(flags) / len(flags) for check, flags in real.items()}


@pytest.mark.parametrize("check", FLOORS)
def test_precision_does_not_fall(check: str) -> None:
    assert precision()[check] >= FLOORS[check]


@pytest.mark.parametrize(
    "check",
    [
        check
        if floor >= TARGET
        else pytest.param(check, marks=pytest.mark.xfail(strict=True, reason="below target"))
        for check, floor in FLOORS.items()
    ],
)
def test_precision_meets_the_target(check: str) -> None:
    assert precision()[check] >= TARGET
