"""Measure the two routes for Chinese articles on NTREX documents, side by side.

- translate: summarize in Chinese, then translate that summary into English;
- direct:    summarize the Chinese article straight into each language.

Both routes write the same Chinese summary, so only the English one is compared: ROUGE
(rouge-score, its default English tokenizer) against the human English title, ROUGE-1
precision against the human English translation of the whole document (words the summary
shares with the reference), numbers the article does not state, and seconds per document.

    python scripts/compare_zh_routes.py ../shared/eval --limit 8
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rouge_score import rouge_scorer

from service.backends import ModelSpec, load_backend
from service.checks.numbers import unsupported_numbers
from service.pipeline.documents import Document
from service.pipeline.engine import DocumentResult, Engine
from service.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--limit", type=int, default=8)
    args = parser.parse_args()

    lines = (args.eval_dir / "ntrex_docs_dev.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines[: args.limit]]
    settings = Settings()
    backend = load_backend(ModelSpec.parse(settings.summarizer_model), settings)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"])
    rows = {}
    for route in ("translate", "direct"):
        engine = Engine(
            settings.model_copy(update={"zh_route": route}), summarizer=backend, translator=backend
        )
        engine.start()
        scores: dict[str, list[float]] = {"r1_title": [], "rl_title": [], "p1_doc": [], "s": []}
        bad_numbers = 0
        for doc in docs:
            started = time.perf_counter()
            [result] = engine.summarize([Document(doc["text_zh"], targets=("en", "zh-Hans"))])
            scores["s"].append(time.perf_counter() - started)
            assert isinstance(result, DocumentResult)
            english = result.summaries["en"].text
            title = scorer.score(doc["title_en"], english)
            scores["r1_title"].append(title["rouge1"].fmeasure * 100)
            scores["rl_title"].append(title["rougeL"].fmeasure * 100)
            scores["p1_doc"].append(scorer.score(doc["text_en"], english)["rouge1"].precision * 100)
            bad_numbers += bool(unsupported_numbers(english, doc["text_zh"], "zh-Hans"))
        rows[route] = {k: statistics.mean(v) for k, v in scores.items()} | {"bad": bad_numbers}

    print(f"NTREX documents: {len(docs)}; default model {settings.summarizer_model}\n")
    print(
        "| route | R-1 vs title | R-L vs title | R-1 precision vs doc | "
        "summaries with unsupported numbers | s/doc |"
    )
    print("|---|---|---|---|---|---|")
    for route, r in rows.items():
        print(
            f"| {route} | {r['r1_title']:.1f} | {r['rl_title']:.1f} | {r['p1_doc']:.1f} | "
            f"{r['bad']}/{len(docs)} | {r['s']:.1f} |"
        )


if __name__ == "__main__":
    main()
