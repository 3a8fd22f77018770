"""GGUF models on the CPU through llama-cpp-python: the embedded default backend."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import llama_cpp
import numpy as np

from ..text.sentences import split_sentences
from .base import Generation, GenerationRequest, Progress


class LlamaCppBackend:
    follows_instructions = True

    def __init__(
        self,
        model_path: Path,
        *,
        name: str,
        context_tokens: int,
        threads: int,
        prompt_cache_mb: int = 0,
    ) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_cache import LlamaRAMCache

        self._name = name
        self._llama = Llama(
            model_path=str(model_path),
            n_ctx=context_tokens,
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=512,
            verbose=False,
        )
        if prompt_cache_mb:
            # Keeps the processed state of recent prompts, so a prompt that starts like an
            # earlier one (the same instructions; an article being revised) resumes from it.
            self._llama.set_cache(LlamaRAMCache(capacity_bytes=prompt_cache_mb << 20))

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
        started = time.perf_counter()
        first_scores: list[float] = []
        processors: Any = [_stopwatch(first_scores)]
        if request.max_sentences:
            processors.append(self._sentence_limit(request.max_sentences))
        if request.progress:
            processors.append(self._follower(request.progress))
        with self._abortable(request.progress) as aborted:
            result: Any = self._llama.create_chat_completion(
                messages=messages,
                max_tokens=request.max_new_tokens,
                temperature=0.0,
                top_k=1,
                repeat_penalty=1.0,
                seed=0,
                logits_processor=processors,
            )
        if aborted:
            return Generation("", False, 0, 0)
        choice = result["choices"][0]
        usage = result["usage"]
        return Generation(
            text=(choice["message"]["content"] or "").strip(),
            hit_token_limit=choice["finish_reason"] == "length",
            prompt_tokens=int(usage["prompt_tokens"]),
            completion_tokens=int(usage["completion_tokens"]),
            prefill_ms=round((first_scores[0] - started) * 1000, 1) if first_scores else None,
        )

    def _sentence_limit(self, max_sentences: int) -> Any:
        """Forces end-of-text once `max_sentences` are complete and another has begun."""
        end_of_text = self._llama.token_eos()
        generated = self._generated_text()

        def processor(input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
            if len(split_sentences(generated(input_ids))) > max_sentences:
                scores[:] = -np.inf
                scores[end_of_text] = 0.0
            return scores

        return processor

    def _generated_text(self) -> Callable[[np.ndarray], str]:
        """For a logits processor: the text generated so far, read from the tokens after the
        prompt (its length is taken at the first call)."""
        llama = self._llama
        start: list[int] = []

        def generated(input_ids: np.ndarray) -> str:
            if not start:
                start.append(len(input_ids))
            return llama.detokenize(list(input_ids[start[0] :])).decode("utf-8", "ignore")

        return generated

    @contextmanager
    def _abortable(self, progress: Progress | None) -> Iterator[list[bool]]:
        """While the prompt is processed (seconds for an article), llama.cpp asks `cancelled`
        between the steps of its compute graph; `_follower` lifts that once the first token's
        scores arrive. A cancelled call ends here, and the list yielded is then [True]."""
        aborted: list[bool] = []
        if progress is None:
            yield aborted
            return
        self._abort_check = _abort_callback(progress)
        llama_cpp.llama_set_abort_callback(self._llama._ctx.ctx, self._abort_check, None)
        try:
            yield aborted
        except RuntimeError:  # llama_decode returned 2: aborted
            if not progress.cancelled():
                raise
            aborted.append(True)
        finally:
            self._stop_abort_checks()

    def _stop_abort_checks(self) -> None:
        null = llama_cpp.ggml_abort_callback()
        llama_cpp.llama_set_abort_callback(self._llama._ctx.ctx, null, None)

    def _follower(self, progress: Progress) -> Any:
        """Hands the text so far to `progress` at each token (if it asks for it), and ends the
        text early (as if the model were done) once `cancelled`; the abort checks stop at the
        first token."""
        end_of_text = self._llama.token_eos()
        generated = self._generated_text()
        first = [True]

        def processor(input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
            if first:
                first.clear()
                self._stop_abort_checks()
            if progress.on_text is not None:
                progress.on_text(generated(input_ids))
            if progress.cancelled():
                scores[:] = -np.inf
                scores[end_of_text] = 0.0
            return scores

        return processor

    def close(self) -> None:
        self._llama.close()


def _abort_callback(progress: Progress) -> Any:
    def cancelled(_data: Any) -> bool:
        return progress.cancelled()

    return llama_cpp.ggml_abort_callback(cancelled)


def _stopwatch(first_scores: list[float]) -> Any:
    """Notes when the first scores arrive: the prompt has then been processed."""

    def processor(input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        if not first_scores:
            first_scores.append(time.perf_counter())
        return scores

    return processor
