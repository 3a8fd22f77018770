"""GGUF models on the CPU through llama-cpp-python: the embedded default backend."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .base import Generation, GenerationRequest


class LlamaCppBackend:
    follows_instructions = True

    def __init__(self, model_path: Path, *, name: str, context_tokens: int, threads: int) -> None:
        from llama_cpp import Llama

        self._name = name
        self._llama = Llama(
            model_path=str(model_path),
            n_ctx=context_tokens,
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=512,
            verbose=False,
        )

    @property
    def name(self) -> str:
        return self._name

    @property
    def context_tokens(self) -> int:
        return int(self._llama.n_ctx())

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False))

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        # llama-cpp-python's high-level API decodes one sequence at a time.
        return [self._generate_one(request) for request in requests]

    def _generate_one(self, request: GenerationRequest) -> Generation:
        messages: Any = [{"role": m.role, "content": m.content} for m in request.messages]
        result: Any = self._llama.create_chat_completion(
            messages=messages,
            max_tokens=request.max_new_tokens,
            temperature=0.0,
            top_k=1,
            repeat_penalty=1.0,
            seed=0,
        )
        choice = result["choices"][0]
        usage = result["usage"]
        return Generation(
            text=(choice["message"]["content"] or "").strip(),
            hit_token_limit=choice["finish_reason"] == "length",
            prompt_tokens=int(usage["prompt_tokens"]),
            completion_tokens=int(usage["completion_tokens"]),
        )

    def close(self) -> None:
        self._llama.close()
