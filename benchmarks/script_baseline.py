"""What a user would write by hand with llama-cpp-python: the baseline lingosum must beat.

    python -m benchmarks.script_baseline ARTICLE.txt [MODEL.gguf]

Chat completions on the same GGUF, greedy, the same threads as `lingosum serve`: summarize in
English, then translate the summary into Simplified Chinese.
"""

from __future__ import annotations

import sys
from typing import Any

from llama_cpp import Llama


def load(model_path: str, threads: int) -> Llama:
    # n_threads_batch too: left out, llama-cpp-python reads the prompt on every core.
    return Llama(
        model_path=model_path,
        n_ctx=4096,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )


def ask(llm: Llama, prompt: str) -> Any:
    messages: Any = [{"role": "user", "content": prompt}]
    return llm.create_chat_completion(messages=messages, temperature=0.0, max_tokens=512)


def summarize(llm: Llama, article: str) -> tuple[Any, Any]:
    english = ask(llm, f"Summarize the following news article in English.\n\n{article}")
    text = english["choices"][0]["message"]["content"]
    chinese = ask(llm, f"Translate the following text into Simplified Chinese:\n\n{text}")
    return english, chinese


if __name__ == "__main__":
    from service.backends.model_store import resolve_gguf
    from service.settings import Settings

    settings = Settings()
    default = resolve_gguf(settings.summarizer_model, settings.model_dir)
    model = sys.argv[2] if len(sys.argv) > 2 else str(default)
    with open(sys.argv[1], encoding="utf-8") as file:
        english, chinese = summarize(load(model, settings.inference_threads), file.read())
    for response in (english, chinese):
        print(response["choices"][0]["message"]["content"], end="\n\n")
