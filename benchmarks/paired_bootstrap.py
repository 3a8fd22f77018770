"""Compare two systems' translations of the same sentences: corpus BLEU and chrF of each, and a
paired bootstrap of the difference (sentences drawn with replacement, both systems scored on the
same draw, as sacrebleu's --paired-bs does).

    python -m benchmarks.paired_bootstrap BEFORE/report.json AFTER/report.json --set flores-en-zh
    python -m benchmarks.paired_bootstrap 'a.jsonl,b.jsonl:off' 'a.jsonl,b.jsonl:on'

A system is a `lingosum eval` report.json, or lines of benchmarks/word_mask_side_by_side.py
(comma-separated files, then `:off` or `:on`).

Prints each system's figures on the sentences both reports hold, the mean difference in chrF
and BLEU over the draws, its 95% interval, and the share of draws in which AFTER scored lower.
Scores are of the served text (after finalize); --raw scores the translate stage's own output.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import sacrebleu

from service.checks.stray_words import latin_names, stray_english_words
from service.evaluation.datasets import SETS, TranslationSet, translation_items


def _outputs(system: str, name: str, field: str) -> dict[str, str]:
    if system.endswith((":on", ":off")):
        files, side = system.rsplit(":", 1)
        lines = [
            json.loads(line)
            for f in files.split(",")
            for line in Path(f).read_text(encoding="utf-8").splitlines()
        ]
        return {line["id"]: line[side][field] for line in lines}
    rows = json.loads(Path(system).read_text(encoding="utf-8"))["translation"]
    row = next(r for r in rows if r["set"] == name)
    return {o["id"]: o[field] for o in row["outputs"]}


def _scores(hyps: list[str], refs: list[str], tokenize: str) -> tuple[float, float]:
    bleu = sacrebleu.corpus_bleu(hyps, [refs], tokenize=tokenize).score
    return float(bleu), float(sacrebleu.corpus_chrf(hyps, [refs]).score)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--set", default="flores-en-zh")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/eval"))
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--raw", action="store_true")
    args = parser.parse_args()
    field = "raw" if args.raw else "translation"
    before = _outputs(args.before, args.set, field)
    after = _outputs(args.after, args.set, field)
    spec = SETS[args.set]
    assert isinstance(spec, TranslationSet)
    items = {i.id: i for i in translation_items(args.data, spec, None)}
    references = {i: item.reference for i, item in items.items()}
    ids = [i for i in before if i in after]
    refs = [references[i] for i in ids]
    tokenize = "zh" if spec.target_language.startswith("zh") else "13a"
    a, b = [before[i] for i in ids], [after[i] for i in ids]
    print(f"{len(ids)} sentences; before BLEU/chrF {_scores(a, refs, tokenize)}")
    print(f"after BLEU/chrF {_scores(b, refs, tokenize)}")
    rng = random.Random(12345)
    deltas: list[tuple[float, float]] = []
    for _ in range(args.draws):
        draw = [rng.randrange(len(ids)) for _ in ids]
        sa = _scores([a[k] for k in draw], [refs[k] for k in draw], tokenize)
        sb = _scores([b[k] for k in draw], [refs[k] for k in draw], tokenize)
        deltas.append((sb[0] - sa[0], sb[1] - sa[1]))
    for name, index in (("BLEU", 0), ("chrF", 1)):
        values = sorted(d[index] for d in deltas)
        low, high = values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]
        lower = sum(v < 0 for v in values) / len(values)
        mean = sum(values) / len(values)
        print(
            f"{name} after - before: mean {mean:+.2f}, 95% interval [{low:+.2f}, {high:+.2f}], "
            f"lower in {lower:.0%} of {len(values)} draws"
        )
    for name, texts in (("before", a), ("after", b)):
        left = [
            stray_english_words(t, latin_names(items[i].source), items[i].source)
            for i, t in zip(ids, texts, strict=True)
        ]
        print(f"{name}: English left in {sum(bool(w) for w in left)} of {len(ids)}")
    changed = sum(x != y for x, y in zip(a, b, strict=True))
    print(f"sentences whose text differs: {changed} of {len(ids)}")


if __name__ == "__main__":
    main()
