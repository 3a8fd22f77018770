"""The Chinese word mask (`zh_word_mask`) on and off, side by side on the same eval sentences,
in one process on one loaded model, one JSON line per sentence.

Each batch of sentences is translated without the mask, as `lingosum eval` does (the translate
stage, then finalize). Greedy decoding with the mask picks the same token as without it at every
step where the unmasked token was not masked, so a sentence whose unmasked answer begins no
lowercase Latin-script word (no lowercase ASCII letter that does not follow an ASCII letter or
digit) would come out the same: only the others are translated again with the mask. Finalize
runs on both answers, the masked side with the mask on its own word-translation calls.

    PYTHONPATH=$PWD python -m benchmarks.word_mask_side_by_side /work/shared/eval \\
        --set flores-en-zh --start 0 --stop 50 --out flores-0.jsonl --threads 1

Score the lines with benchmarks/paired_bootstrap.py --jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path

from service.backends import ModelSpec, load_backend
from service.checks.facts import ArticleFacts
from service.evaluation.datasets import SETS, TranslationItem, TranslationSet, translation_items
from service.pipeline.prompts import PromptBook
from service.pipeline.stages.finalize import Finalized, FinalizeItem, Finalizer
from service.pipeline.stages.model_requests import clean_output
from service.pipeline.stages.translate import TranslateItem, Translator
from service.settings import Settings

WORD_START = re.compile(r"(?<![A-Za-z0-9])[a-z]")
BATCH = 8


def _translate(translator: Translator, spec: TranslationSet, items: Sequence[TranslationItem]):
    """The raw answers (as generated) and the translate stage's cleaned text."""
    requests = [
        translator._request(TranslateItem(i.source, spec.source_language, spec.target_language))
        for i in items
    ]
    generations = translator.backend.generate(requests)
    return [g.text for g in generations], [clean_output(g.text) for g in generations]


def _finalize(translator: Translator, spec: TranslationSet, items, texts) -> list[Finalized]:
    return Finalizer(translator).run(
        [
            FinalizeItem(t, spec.target_language, ArticleFacts(i.source, spec.source_language))
            for i, t in zip(items, texts, strict=True)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--set", default="flores-en-zh")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--stop", type=int, default=100)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    settings = Settings(threads=args.threads, warmup=False)
    backend = load_backend(ModelSpec.parse(settings.translator_model), settings)
    book = PromptBook(settings.prompts_dir)
    off, on = Translator(backend, book), Translator(backend, book, mask_words=True)
    spec = SETS[args.set]
    assert isinstance(spec, TranslationSet)
    items = translation_items(args.data_dir, spec, args.stop)[args.start :]
    with args.out.open("a", encoding="utf-8") as out:
        for first in range(0, len(items), BATCH):
            batch = items[first : first + BATCH]
            generated_off, raw_off = _translate(off, spec, batch)
            again = [k for k, text in enumerate(generated_off) if WORD_START.search(text)]
            raw_on = list(raw_off)
            if again:
                _, masked = _translate(on, spec, [batch[k] for k in again])
                for k, text in zip(again, masked, strict=True):
                    raw_on[k] = text
            served_off = _finalize(off, spec, batch, raw_off)
            served_on = _finalize(on, spec, batch, raw_on)
            for k, item in enumerate(batch):
                line = {
                    "id": item.id,
                    "reference": item.reference,
                    "masked_again": k in again,
                    "off": {"raw": raw_off[k], "translation": served_off[k].text},
                    "on": {"raw": raw_on[k], "translation": served_on[k].text},
                    "off_finalize_calls": len(served_off[k].calls),
                    "on_finalize_calls": len(served_on[k].calls),
                    "off_finalize_tokens": sum(
                        c.prompt_tokens + c.completion_tokens for c in served_off[k].calls
                    ),
                    "on_finalize_tokens": sum(
                        c.prompt_tokens + c.completion_tokens for c in served_on[k].calls
                    ),
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            print(f"{args.set} {args.start + first + len(batch)}/{args.stop}", flush=True)
    backend.close()


if __name__ == "__main__":
    main()
