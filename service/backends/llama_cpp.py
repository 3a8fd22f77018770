"""GGUF models on the CPU through llama-cpp-python: the embedded default backend."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import llama_cpp
import numpy as np

from ..text.sentences import split_sentences
from .base import ChatMessage, Generation, GenerationRequest, Progress
from .latin_words import LatinWordMask
from .llama_batch import BatchJob, BatchScheduler, BatchStats, LlamaDecoder

_N_BATCH = 512


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
        batch_sequences: int = 1,
        batch_context_tokens: int = 4096,
    ) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_cache import LlamaRAMCache

        self._name = name
        self._llama = Llama(
            model_path=str(model_path),
            n_ctx=context_tokens,
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=_N_BATCH,
            verbose=False,
        )
        if prompt_cache_mb:
            # Keeps the processed state of recent prompts, so a prompt that starts like an
            # earlier one (the same instructions; an article being revised) resumes from it.
            self._llama.set_cache(LlamaRAMCache(capacity_bytes=prompt_cache_mb << 20))
        self._batch_sequences = batch_sequences
        self._batch_context_tokens = batch_context_tokens
        self._batch: BatchScheduler | None = None  # made at the first call with several requests
        self._decoder: LlamaDecoder | None = None
        self.batch_stats: list[BatchStats] = []  # one per batched call, newest last (a few kept)

    @property
    def name(self) -> str:
        return self._name

    @property
    def context_tokens(self) -> int:
        return int(self._llama.n_ctx())

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False))

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        if len(requests) < 2 or self._batch_sequences < 2:
            return [self._generate_one(request) for request in requests]
        return self._generate_together(requests)

    def _generate_together(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        """Several requests decoded in one multi-sequence batch (see llama_batch); a request
        too long for the batch context runs on its own afterwards."""
        scheduler = self._scheduler()
        jobs = [self._job(request) for request in requests]
        together = [i for i, job in enumerate(jobs) if scheduler.fits(job)]
        results: list[Generation | None] = [None] * len(requests)
        if len(together) > 1:
            generations = scheduler.run([jobs[i] for i in together])
            for i, generation in zip(together, generations, strict=True):
                results[i] = generation
            self.batch_stats = [*self.batch_stats[-7:], scheduler.stats]
        return [
            result if result is not None else self._generate_one(request)
            for request, result in zip(requests, results, strict=True)
        ]

    def _scheduler(self) -> BatchScheduler:
        if self._batch is None:
            self._decoder = LlamaDecoder(
                self._llama,
                sequences=self._batch_sequences,
                context_tokens=self._batch_context_tokens,
                n_batch=_N_BATCH,
            )
            self._batch = BatchScheduler(
                self._decoder,
                max_sequences=self._batch_sequences,
                context_tokens=self._batch_context_tokens,
                n_batch=_N_BATCH,
            )
        return self._batch

    def _job(self, request: GenerationRequest) -> BatchJob:
        """The request as create_chat_completion would run it: the prompt's tokens from the
        model's own chat handler, and the answer's limit cut to fit the context."""
        prompt, stop = chat_prompt(self._llama, request.messages)
        limit = request.max_new_tokens
        if limit + len(prompt) >= self.context_tokens:
            limit = self.context_tokens - len(prompt)
        words = self.latin_words if request.no_lowercase_words else None
        return BatchJob(tuple(prompt), limit, request.max_sentences, stop, request.progress, words)

    @cached_property
    def latin_words(self) -> LatinWordMask:
        """The vocabulary's lowercase Latin word starts, read once (about a second)."""
        llama = self._llama
        return LatinWordMask.of([llama.detokenize([t]) for t in range(llama.n_vocab())])

    def _generate_one(self, request: GenerationRequest) -> Generation:
        messages: Any = [{"role": m.role, "content": m.content} for m in request.messages]
        started = time.perf_counter()
        first_scores: list[float] = []
        processors: Any = [_stopwatch(first_scores)]
        if request.no_lowercase_words:
            processors.append(self._word_starts_masked())
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

    def _word_starts_masked(self) -> Any:
        words = self.latin_words
        start: list[int] = []  # the prompt's length, taken at the first call

        def processor(input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
            if not start:
                start.append(len(input_ids))
            previous = int(input_ids[-1]) if len(input_ids) > start[0] else None
            return words.apply(scores, previous)

        return processor

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
        if self._decoder is not None:
            self._decoder.close()
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


class _Prompted(Exception):
    def __init__(self, completion: dict[str, Any]) -> None:
        self.completion = completion


class _PromptRecorder:
    """Stands in for the Llama a chat handler is given: it tokenizes with the real one and,
    asked for the completion, hands back the prompt and the stop strings instead."""

    verbose = False

    def __init__(self, llama: Any) -> None:
        self.tokenize = llama.tokenize

    def create_completion(self, **completion: Any) -> Any:
        raise _Prompted(completion)


def chat_prompt(llama: Any, messages: Sequence[ChatMessage]) -> tuple[list[int], tuple[str, ...]]:
    """The tokens and stop strings that `llama.create_chat_completion(messages)` would use."""
    from llama_cpp import llama_chat_format

    handler: Any = (
        llama.chat_handler
        or llama._chat_handlers.get(llama.chat_format)
        or llama_chat_format.get_chat_completion_handler(llama.chat_format)
    )
    chat: Any = [{"role": m.role, "content": m.content} for m in messages]
    try:
        handler(llama=_PromptRecorder(llama), messages=chat, stop=[])
    except _Prompted as prompted:
        stop = prompted.completion.get("stop") or []
        return list(prompted.completion["prompt"]), tuple([stop] if isinstance(stop, str) else stop)
    raise RuntimeError("the chat handler did not ask for a completion")
