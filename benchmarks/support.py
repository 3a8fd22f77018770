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
import subprocess
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
NTREX = Path("/work/.mirror/MicrosoftTranslator+NTREX/repo")  # a git mirror; read, never copied
NTREX_DOCS = DATA.with_name("ntrex_docs_dev.jsonl")  # the documents' ids and line counts
NTREX_SAMPLE = ("rt.com.91337", "euronews-en.153835", "upi.176266", "cnbc.com.6790")
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
    """The sample's articles by key: a CNN/DM id, or "ntrex-jpn:<doc id>" for an NTREX
    document in Japanese (its title, a blank line, then its text); the NTREX ones only where
    the mirror is here."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    texts = {row["id"]: row["article"] for row in rows}
    if NTREX.is_dir() and NTREX_DOCS.is_file():
        texts |= ntrex_documents("jpn")
    return texts


def ntrex_documents(code: str) -> dict[str, str]:
    shown = subprocess.run(
        ["git", "-C", str(NTREX), "show", f"HEAD:NTREX-128/newstest2019-ref.{code}.txt"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line.strip() for line in shown.stdout.splitlines()]
    documents, start = {}, 0
    for row in map(json.loads, NTREX_DOCS.read_text(encoding="utf-8").splitlines()):
        title, *body = lines[start : start + row["n_sentences"]]
        documents[f"ntrex-{code}:{row['doc_id']}"] = f"{title}\n\n" + "\n".join(body)
        start += row["n_sentences"]
    return documents


def source_of(article: str) -> str:
    return "ja" if article.startswith("ntrex-jpn:") else "en"


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
    labels: Sequence[Labelled],
    texts: dict[str, str],
    checks: Sequence[SupportCheck],
    progress: bool = False,
) -> list[tuple[list[bool | None], float]]:
    """Each check's verdict on each labelled sentence (True: supported), asked summary by
    summary as the engine asks them, and the seconds it took (summaries with an unsupported
    sentence first; with `progress`, each summary's verdicts as they come). The checks take
    turns on each summary, so the article is processed once for all of them: the first check of each
    summary pays for reading it."""
    summaries = list(dict.fromkeys((label.article, label.summary) for label in labels))
    summaries.sort(key=lambda s: all(lb.supported for lb in labels if lb.article == s[0]))
    found: list[dict[tuple[str, str, str], bool | None]] = [{} for _ in checks]
    seconds = [0.0 for _ in checks]
    for article, summary in summaries:
        text = article_text(Labelled(article, summary, "", True), texts)
        title, _, body = text.partition("\n\n") if source_of(article) != "en" else ("", "", text)
        asked = SummarizeItem(body, title or None, source_of(article), "en", "medium")
        item = SupportItem(asked, summary)
        for n, check in enumerate(checks):
            started = time.perf_counter()
            [verdicts], _ = check.verdicts([item])
            seconds[n] += time.perf_counter() - started
            for sentence, verdict in zip(split_sentences(summary), verdicts, strict=False):
                found[n][(article, summary, sentence)] = verdict
            if progress:
                print(f"  {check.mode} {time.perf_counter() - started:.1f}s {article[:20]}:")
                for sentence, verdict in zip(split_sentences(summary), verdicts, strict=False):
                    print(f"    said {verdict}: {sentence}", flush=True)
    return [
        ([by_sentence.get((lb.article, lb.summary, lb.sentence)) for lb in labels], spent)
        for by_sentence, spent in zip(found, seconds, strict=True)
    ]


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


def draft(out: Path, length: str, model: str | None, skip: int) -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    texts = articles()
    models = {"summarizer_model": model, "translator_model": model} if model else {}
    engine = Engine(Settings(support_check="off", warmup=False, **models))  # type: ignore[arg-type]
    engine.start()
    with out.open("a", encoding="utf-8") as lines:
        for article in [*sample_ids(rows), *(f"ntrex-jpn:{d}" for d in NTREX_SAMPLE)][skip:]:
            started = time.perf_counter()
            title, _, body = (
                texts[article].partition("\n\n")
                if source_of(article) != "en"
                else ("", "", texts[article])
            )
            document = Document(
                body,
                title or None,
                source_of(article),
                targets=("en",),
                length=length,  # type: ignore[arg-type]
            )
            [result] = engine.summarize([document])
            assert isinstance(result, DocumentResult), result
            summary = result.summaries["en"].text
            for sentence in split_sentences(summary):
                row = {"article": article, "summary": summary, "sentence": sentence}
                row["model"] = engine.settings.summarizer_model
                lines.write(json.dumps(row, ensure_ascii=False) + "\n")
            lines.flush()
            print(f"{article}: {time.perf_counter() - started:.1f}s\n  {summary}", flush=True)


def score(modes: Sequence[Mode]) -> None:
    labels = read_labels()
    summarizer = _summarizer(Settings(warmup=False))
    checks = [SupportCheck(summarizer, mode) for mode in modes]
    print(f"{len(labels)} sentences, {sum(not lb.supported for lb in labels)} unsupported")
    for mode, (verdicts, seconds) in zip(
        modes, verdicts_on(labels, articles(), checks, progress=True), strict=True
    ):
        recall, precision, flags, unsupported = recall_precision(labels, verdicts)
        unknown = sum(verdict is None for verdict in verdicts)
        print(
            f"{mode}: recall {recall:.0%} ({unsupported} unsupported), precision "
            f"{precision:.0%} ({flags} flags), {unknown} unanswered, {seconds:.1f}s, "
            f"load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        for label, verdict in zip(labels, verdicts, strict=True):
            if verdict is None or verdict != label.supported:
                print(f"   labelled {label.supported}, said {verdict}: {label.sentence}")


def cost(rounds: int, length: str, mode: Mode, with_off: bool) -> None:
    """Seconds per article on the sample article, the check on (and off, in turns, with
    --with-off: one engine each, run one at a time). The route times the check's calls on
    their own, beside the summary's and the translation's."""
    text = SAMPLE.read_text(encoding="utf-8")
    names = ("off", mode) if with_off else (mode,)
    engines = {name: Engine(Settings(support_check=name)) for name in names}
    for engine in engines.values():
        engine.start()
    seconds: dict[str, list[float]] = {name: [] for name in engines}
    for round_ in range(rounds):
        for name, engine in engines.items():
            started, load = time.perf_counter(), os.getloadavg()[0]
            [result] = engine.summarize([Document(text, length=length)])  # type: ignore[arg-type]
            assert isinstance(result, DocumentResult), result
            seconds[name].append(time.perf_counter() - started)
            calls = [
                (e.stage, round(e.ms / 1000, 1), e.prompt_tokens, e.completion_tokens)
                for e in result.route
                if e.prompt_tokens
            ]
            print(
                f"round {round_ + 1} {name}: {seconds[name][-1]:.1f}s, load {load:.2f} to "
                f"{os.getloadavg()[0]:.2f}; calls (stage, s, read, written) {calls}"
                f"\n  en: {result.summaries['en'].text}\n  warnings: {result.warnings}",
                flush=True,
            )
    for name, spent in seconds.items():
        print(f"{name}: {', '.join(f'{s:.1f}' for s in spent)} s per article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    drafting = commands.add_parser("draft")
    drafting.add_argument("--out", type=Path, required=True)
    drafting.add_argument("--length", default="medium")
    drafting.add_argument("--model", help="another summarizer (a model spec)")
    drafting.add_argument("--skip", type=int, default=0, help="start at this sample article")
    scoring = commands.add_parser("score")
    scoring.add_argument("--modes", nargs="+", default=["sentence", "list"])
    costing = commands.add_parser("cost")
    costing.add_argument("--rounds", type=int, default=2)
    costing.add_argument("--length", default="medium")
    costing.add_argument("--mode", default="sentence")
    costing.add_argument("--with-off", action="store_true", help="also an engine with it off")
    args = parser.parse_args()
    if args.command == "draft":
        draft(args.out, args.length, args.model, args.skip)
    elif args.command == "score":
        score(args.modes)
    else:
        cost(args.rounds, args.length, args.mode, args.with_off)


if __name__ == "__main__":
    main()
