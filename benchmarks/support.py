"""The sentence-support check (issue 17) on the real default model: the drafts to label, its
recall and precision on the labelled sample, and its cost on the README's sample article.

    python -m benchmarks.support draft --out /tmp/drafts.jsonl   # medium English summaries
    python -m benchmarks.support score                           # both modes on the sample
    python -m benchmarks.support cost --rounds 2                 # check off and on, side by side

`draft` summarizes the CNN/DM dev articles of the sample (with the check off) and writes one
line per summary sentence, to be labelled by hand into tests/fixtures/support_labels.jsonl.
The articles are read from ../shared/eval; none of their text goes into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.backends import ModelSpec, load_backend
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.pipeline.prompts import PromptBook
from service.pipeline.stages.summarize import SummarizeItem, Summarizer
from service.pipeline.stages.support import Mode, SupportCheck, SupportItem
from service.settings import Settings
from service.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "cnndm_en_dev.jsonl"
LABELS = ROOT / "tests" / "fixtures" / "support_labels.jsonl"
SAMPLE = ROOT / "service" / "api" / "static" / "demo" / "sample-article.en.txt"
WU_RONGRONG = "eaf4a7864208468af3cdc858185b807d54110e95"  # the detained activists


def sample_ids(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The issue's article, then the first 11 of 250 to 500 words from the 61st on."""
    picked = [
        row["id"]
        for row in rows[60:]
        if 250 <= len(row["article"].split()) <= 500 and row["id"] != WU_RONGRONG
    ]
    return [WU_RONGRONG, *picked[:11]]


def articles() -> dict[str, str]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    return {row["id"]: row["article"] for row in rows}


@dataclass(frozen=True)
class Labelled:
    article: str  # an id of cnndm_en_dev.jsonl, or "sample" for the README's sample article
    summary: str  # the whole summary the sentence is from, as the check is given it
    sentence: str
    supported: bool


def read_labels(path: Path = LABELS) -> list[Labelled]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [Labelled(r["article"], r["summary"], r["sentence"], r["supported"]) for r in rows]


def article_text(label: Labelled, texts: dict[str, str]) -> str:
    if label.article == "sample":
        return SAMPLE.read_text(encoding="utf-8")
    return texts[label.article]


def verdicts_on(
    labels: Sequence[Labelled], texts: dict[str, str], check: SupportCheck
) -> tuple[list[bool | None], float]:
    """The check's verdict on each labelled sentence (True: supported), asked summary by
    summary as the engine asks them, and the seconds it took."""
    summaries = list(dict.fromkeys((label.article, label.summary) for label in labels))
    items = [
        SupportItem(
            SummarizeItem(article_text(Labelled(a, s, "", True), texts), None, "en", "en", "medium"),
            s,
        )
        for a, s in summaries
    ]
    started = time.perf_counter()
    found, _ = check.verdicts(items)
    seconds = time.perf_counter() - started
    by_sentence: dict[tuple[str, str, str], bool | None] = {}
    for (article, summary), verdicts in zip(summaries, found, strict=True):
        for sentence, verdict in zip(split_sentences(summary), verdicts, strict=False):
            by_sentence[(article, summary, sentence)] = verdict
    return [by_sentence.get((lb.article, lb.summary, lb.sentence)) for lb in labels], seconds


def recall_precision(
    labels: Sequence[Labelled], verdicts: Sequence[bool | None]
) -> tuple[float, float, int, int]:
    """Of the unsupported sentences, the share flagged; of the flags, the share right; and
    the counts of flags and of unsupported sentences."""
    flagged = [label for label, verdict in zip(labels, verdicts, strict=True) if verdict is False]
    unsupported = [label for label in labels if not label.supported]
    caught = [label for label in flagged if not label.supported]
    recall = len(caught) / len(unsupported) if unsupported else 1.0
    precision = len(caught) / len(flagged) if flagged else 1.0
    return recall, precision, len(flagged), len(unsupported)


def _summarizer(settings: Settings) -> Summarizer:
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    return Summarizer(backend, PromptBook(settings.prompts_dir), settings.chunk_tokens)


def draft(out: Path, length: str) -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    texts = {row["id"]: row["article"] for row in rows}
    engine = Engine(Settings(support_check="off", warmup=False))
    engine.start()
    with out.open("w", encoding="utf-8") as lines:
        for article in sample_ids(rows):
            started = time.perf_counter()
            [result] = engine.summarize(
                [Document(texts[article], targets=("en",), length=length)]  # type: ignore[arg-type]
            )
            assert isinstance(result, DocumentResult), result
            summary = result.summaries["en"].text
            for sentence in split_sentences(summary):
                row = {"article": article, "summary": summary, "sentence": sentence}
                lines.write(json.dumps(row, ensure_ascii=False) + "\n")
            lines.flush()
            print(f"{article}: {time.perf_counter() - started:.1f}s\n  {summary}", flush=True)


def score(modes: Sequence[Mode]) -> None:
    labels = read_labels()
    texts = articles()
    summarizer = _summarizer(Settings(warmup=False))
    for mode in modes:
        verdicts, seconds = verdicts_on(labels, texts, SupportCheck(summarizer, mode))
        recall, precision, flags, unsupported = recall_precision(labels, verdicts)
        unknown = sum(verdict is None for verdict in verdicts)
        print(
            f"{mode}: recall {recall:.0%} ({unsupported} unsupported), precision "
            f"{precision:.0%} ({flags} flags), {unknown} unanswered, {seconds:.1f}s, "
            f"load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        for label, verdict in zip(labels, verdicts, strict=True):
            if verdict is not (label.supported or None) and not (verdict and label.supported):
                print(f"   labelled {label.supported}, said {verdict}: {label.sentence}")


def cost(rounds: int, length: str) -> None:
    """Seconds per article on the sample article, the check off and on in turns, one engine
    each on one model load's worth of threads (they run one at a time)."""
    text = SAMPLE.read_text(encoding="utf-8")
    engines = {mode: Engine(Settings(support_check=mode)) for mode in ("off", "sentence", "list")}
    for engine in engines.values():
        engine.start()
    seconds: dict[str, list[float]] = {mode: [] for mode in engines}
    cpu: dict[str, list[float]] = {mode: [] for mode in engines}
    for round_ in range(rounds):
        for mode, engine in engines.items():
            wall, used = time.perf_counter(), time.process_time()
            [result] = engine.summarize([Document(text, length=length)])  # type: ignore[arg-type]
            assert isinstance(result, DocumentResult), result
            seconds[mode].append(time.perf_counter() - wall)
            cpu[mode].append(time.process_time() - used)
            support = [e for e in result.route if e.stage == "support"]
            print(
                f"round {round_ + 1} {mode}: {seconds[mode][-1]:.1f}s wall, "
                f"{cpu[mode][-1]:.1f}s CPU, load {os.getloadavg()[0]:.2f}; "
                f"support calls {[(e.ms, e.prompt_tokens, e.completion_tokens) for e in support]}"
                f"\n  en: {result.summaries['en'].text}\n  warnings: {result.warnings}",
                flush=True,
            )
    for mode in engines:
        print(
            f"{mode}: median {sorted(seconds[mode])[len(seconds[mode]) // 2]:.1f}s wall, "
            f"{sorted(cpu[mode])[len(cpu[mode]) // 2]:.1f}s CPU per article"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    drafting = commands.add_parser("draft")
    drafting.add_argument("--out", type=Path, required=True)
    drafting.add_argument("--length", default="medium")
    scoring = commands.add_parser("score")
    scoring.add_argument("--modes", nargs="+", default=["sentence", "list"])
    costing = commands.add_parser("cost")
    costing.add_argument("--rounds", type=int, default=2)
    costing.add_argument("--length", default="medium")
    args = parser.parse_args()
    if args.command == "draft":
        draft(args.out, args.length)
    elif args.command == "score":
        score(args.modes)
    else:
        cost(args.rounds, args.length)


if __name__ == "__main__":
    main()
