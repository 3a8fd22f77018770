"""The baseline a user would otherwise write: transformers `generate` on the same GGUF weights
(loaded with `gguf_file=`, bf16), one article at a time, with plain one-line prompts.

Run by bench.py in its own process, so its memory and threads are its own. Prints one JSON
object per article and run on stdout.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

SUMMARIZE = "Summarize the following news article in three sentences.\n\n{text}"
TRANSLATE = "Translate the following text into Simplified Chinese.\n\n{text}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_file", type=Path, help="The GGUF file.")
    parser.add_argument("articles", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    location, name = str(args.model_file.parent), args.model_file.name
    tokenizer = AutoTokenizer.from_pretrained(location, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(location, gguf_file=name, dtype=torch.bfloat16)
    model.eval()
    print(json.dumps({"load_s": round(time.perf_counter() - started, 2)}), flush=True)

    for path in args.articles:
        for _ in range(args.runs):
            print(json.dumps(_both_summaries(model, tokenizer, path)), flush=True)


def _both_summaries(model: object, tokenizer: object, path: Path) -> dict[str, object]:
    started = time.perf_counter()
    english, summary_tokens = _chat(model, tokenizer, SUMMARIZE.format(text=path.read_text()), 192)
    chinese, translate_tokens = _chat(model, tokenizer, TRANSLATE.format(text=english), 256)
    return {
        "article": path.name,
        "seconds": round(time.perf_counter() - started, 2),
        "prompt_tokens": summary_tokens[0] + translate_tokens[0],
        "completion_tokens": summary_tokens[1] + translate_tokens[1],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "en": english,
        "zh": chinese,
    }


def _chat(
    model: object, tokenizer: object, prompt: str, max_new_tokens: int
) -> tuple[str, tuple[int, int]]:
    inputs = tokenizer.apply_chat_template(  # type: ignore[attr-defined]
        [{"role": "user", "content": prompt}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    with torch.inference_mode():
        output = model.generate(  # type: ignore[attr-defined]
            **inputs, max_new_tokens=max_new_tokens, do_sample=False
        )
    prompt_length = inputs["input_ids"].shape[1]
    new_tokens = output[0, prompt_length:]
    text = tokenizer.decode(new_tokens, skip_special_tokens=True).strip()  # type: ignore[attr-defined]
    return text, (prompt_length, len(new_tokens))


if __name__ == "__main__":
    main()
