"""Precision of the checks on a hand-labelled sample of their flags (tests/fixtures/
check_flags.jsonl), raised on the human references of the development sets: each flag of the
checks before (commit 8126510) and after issue 17's changes, labelled real or false by hand
(docs/quality.md says how).

- `unsupported_names`: English summaries of the first 60 XSum and CNN/DM items against their
  articles; real = the article writes that name in no form;
- `untranslated`: the first 60 NTREX documents' human Chinese against their English; real = a
  word that Chinese news would translate;
- `style`: XSum, CNN/DM, NTREX (Chinese) and LCSTS references, where every flag is a false
  alarm unless the sentence really is a fragment, a meta opening or a repeat.

The data is read from ../shared/eval (never copied into the repository): the test is skipped
where it is absent. Every flag raised now must be labelled.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.checks.facts import ArticleFacts
from service.checks.problems import unsupported_names
from service.checks.stray_words import latin_names, stray_english_words
from service.checks.style import tidy

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "check_flags.jsonl"
DATA = Path(__file__).resolve().parents[3] / "shared" / "eval"


def _rows(name: str, limit: int) -> Iterator[dict[str, Any]]:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    with path.open(encoding="utf-8") as lines:
        for _, line in zip(range(limit), lines, strict=False):
            yield json.loads(line)


def flags_now() -> list[tuple[str, str, str, str]]:
    """(set, id, check, flag) of every flag the checks raise today on the sample's items."""
    flags = []
    for set_name, name, text, article in [
        ("xsum", "xsum_en_dev.jsonl", "summary", "document"),
        ("cnndm", "cnndm_en_dev.jsonl", "highlights", "article"),
    ]:
        for row in _rows(name, 60):
            for flag in unsupported_names(row[text], ArticleFacts(row[article], "en")):
                flags.append((set_name, row["id"], "unsupported_names", flag))
    for row in _rows("ntrex_docs_dev.jsonl", 60):
        names = latin_names(row["text_en"])
        for flag in stray_english_words(row["text_zh"], names, row["text_en"]):
            flags.append(("ntrex", row["doc_id"], "untranslated", flag))
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


def test_the_checks_flags_are_labelled_and_precise() -> None:
    labels = {
        (r["set"], r["id"], r["check"], r["flag"]): r["real"]
        for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines())
        if r["when"] == "after"
    }
    real: dict[str, list[bool]] = defaultdict(list)
    for flag in flags_now():
        assert flag in labels, f"an unlabelled flag: {flag}"
        real[flag[2]].append(labels[flag])
    precision = {check: sum(flags) / len(flags) for check, flags in real.items()}
    assert precision["unsupported_names"] >= 0.9  # 34 of 37 (48 of 73 before)
    assert precision["untranslated"] >= 0.75  # 3 of 4 (3 of 64 before): the target is not met
    assert len(real["style"]) <= 3  # false alarms on 682 human references: 2 of 3 flags
