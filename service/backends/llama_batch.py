"""Several generations decoded together on one llama.cpp context (a multi-sequence batch).

On a CPU, generating is bound by reading the weights once per token; one pass that decodes a
token for each of several sequences reads them once for all. Each sequence has its own id in
one unified KV cache. Every pass carries the next token of each sequence that is generating,
then as many prompt tokens (of sequences still reading their prompt) as fit `n_batch`; logits
are asked only for those next tokens and for each prompt's last token. A sequence that ends
frees its KV cells, and the next request in the queue takes its place. The prompt prefix that
all requests share (the chat template's system turn) is read once and shared by every sequence.

Decoding is greedy and stops as `Llama.create_chat_completion` does: at an end-of-generation
token, at a stop string, after `max_new_tokens`, or (forced end of text) once `max_sentences`
are complete and another has begun, or once the request's progress is cancelled. A job with a
`LatinWordMask` is masked as the single-sequence path's logits processor masks it.
"""

from __future__ import annotations

import ctypes
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..text.sentences import split_sentences
from .base import Generation, Progress
from .latin_words import LatinWordMask

_SHARED_PREFIX_MIN = 8  # fewer shared tokens are not worth a pass of their own


@dataclass(frozen=True)
class BatchJob:
    """One request, tokenized: its prompt as the chat template writes it, and its limits."""

    prompt: tuple[int, ...]
    max_new_tokens: int
    max_sentences: int | None = None
    stop: tuple[str, ...] = ()
    progress: Progress | None = None
    words: LatinWordMask | None = None  # lowercase Latin word starts masked where it blocks


@dataclass(frozen=True)
class Entry:
    """One token of a pass: which sequence it belongs to, at which position, and whether its
    logits are wanted."""

    token: int
    position: int
    seq_id: int
    logits: bool


class Decoder(Protocol):
    """What the scheduler needs from a llama.cpp context."""

    @property
    def end_token(self) -> int: ...

    def is_end(self, token: int) -> bool: ...

    def text(self, tokens: Sequence[int], prev: Sequence[int] = ()) -> str: ...

    def decode(self, entries: Sequence[Entry]) -> list[np.ndarray] | None:
        """The logits of the entries that want them, in order (valid until the next call);
        None when the pass was aborted."""
        ...

    def share(self, source: int, target: int, length: int) -> None:
        """Sequence `target` gets the first `length` positions of `source`."""
        ...

    def forget(self, seq_id: int) -> None: ...

    def clear(self) -> None: ...

    def abort_when(self, check: Callable[[], bool] | None) -> None: ...


@dataclass
class BatchStats:
    """What one run decoded: passes, and tokens fed (prompt and generated)."""

    passes: int = 0
    tokens: int = 0
    generated: int = 0
    most_live: int = 0


@dataclass
class _Live:
    index: int
    job: BatchJob
    seq_id: int
    fed: int  # prompt tokens in the KV cache (the shared prefix included)
    need: int  # KV cells it may take
    generated: list[int] = field(default_factory=list)
    text: str = ""  # the generated tokens as text (for the sentence limit and progress)
    pending: int | None = None  # generated, not yet decoded
    first_scores: float | None = None
    result: Generation | None = None

    @property
    def reading(self) -> bool:
        return self.fed < len(self.job.prompt)

    @property
    def position(self) -> int:
        return self.fed + len(self.generated) - 1


class BatchScheduler:
    """Runs jobs through a `Decoder`, at most `max_sequences` at a time, within
    `context_tokens` KV cells (each job takes its prompt and `max_new_tokens`)."""

    def __init__(
        self, decoder: Decoder, *, max_sequences: int, context_tokens: int, n_batch: int
    ) -> None:
        self._decoder = decoder
        self._max_sequences = max_sequences
        self._context_tokens = context_tokens
        self._n_batch = n_batch
        self.stats = BatchStats()

    def fits(self, job: BatchJob) -> bool:
        needed = len(job.prompt) + job.max_new_tokens
        return job.max_new_tokens > 0 and needed <= self._context_tokens

    def run(self, jobs: Sequence[BatchJob]) -> list[Generation]:
        if not all(self.fits(job) for job in jobs):
            raise ValueError("a job needs more KV cells than the batch context has")
        self.stats = BatchStats()
        started = time.perf_counter()
        results: list[Generation | None] = [None] * len(jobs)
        self._decoder.abort_when(_all_cancelled(jobs))
        try:
            prefix = shared_prefix([job.prompt for job in jobs])
            shared = self._max_sequences  # the id past the others reads the shared prefix
            if prefix and not self._read_prefix(prefix, shared):
                return [_EMPTY] * len(jobs)
            room = self._context_tokens - len(prefix)
            queue = deque(range(len(jobs)))
            free = list(range(self._max_sequences))
            live: list[_Live] = []
            while queue or live:
                for i in [i for i in queue if _cancelled(jobs[i])]:
                    queue.remove(i)
                    results[i] = _EMPTY
                while queue and free and _need(jobs[queue[0]], len(prefix)) <= room:
                    i = queue.popleft()
                    seq = _Live(i, jobs[i], free.pop(0), len(prefix), _need(jobs[i], len(prefix)))
                    if prefix:
                        self._decoder.share(shared, seq.seq_id, len(prefix))
                    live.append(seq)
                    room -= seq.need
                if not live:
                    break
                self.stats.most_live = max(self.stats.most_live, len(live))
                for seq in live:
                    if seq.reading and _cancelled(seq.job):
                        seq.result = _EMPTY
                if not self._step([s for s in live if s.result is None], started):
                    for seq in live:
                        seq.result = seq.result or _cancelled_result(seq)
                    for i in queue:
                        results[i] = _EMPTY
                    queue.clear()
                for seq in [s for s in live if s.result is not None]:
                    results[seq.index] = seq.result
                    self._decoder.forget(seq.seq_id)
                    free.append(seq.seq_id)
                    room += seq.need
                    live.remove(seq)
        finally:
            self._decoder.clear()
            self._decoder.abort_when(None)
        return [result or _EMPTY for result in results]

    def _read_prefix(self, prefix: Sequence[int], seq_id: int) -> bool:
        for start in range(0, len(prefix), self._n_batch):
            chunk = prefix[start : start + self._n_batch]
            entries = [Entry(t, start + n, seq_id, False) for n, t in enumerate(chunk)]
            if self._decode(entries) is None:
                return False
        return True

    def _step(self, live: list[_Live], started: float) -> bool:
        """One pass: the next token of each generating sequence, then prompt tokens; False
        when it was aborted."""
        if not live:
            return True
        entries: list[Entry] = []
        wanting: list[_Live] = []
        for seq in live:
            if seq.pending is not None:
                entries.append(Entry(seq.pending, seq.position, seq.seq_id, True))
                wanting.append(seq)
                seq.pending = None
        for seq in live:
            room = self._n_batch - len(entries)
            if room <= 0:
                break
            if not seq.reading:
                continue
            take = seq.job.prompt[seq.fed : seq.fed + room]
            for n, token in enumerate(take):
                last = seq.fed + n == len(seq.job.prompt) - 1
                entries.append(Entry(token, seq.fed + n, seq.seq_id, last))
            seq.fed += len(take)
            if not seq.reading:
                wanting.append(seq)
        logits = self._decode(entries)
        if logits is None:
            return False
        now = time.perf_counter()
        for seq, scores in zip(wanting, logits, strict=True):
            if seq.first_scores is None:
                seq.first_scores = now
            self._advance(seq, scores, started)
        return True

    def _decode(self, entries: list[Entry]) -> list[np.ndarray] | None:
        self.stats.passes += 1
        self.stats.tokens += len(entries)
        return self._decoder.decode(entries)

    def _advance(self, seq: _Live, scores: np.ndarray, started: float) -> None:
        """Picks the sequence's next token, as create_chat_completion's greedy sampling with
        lingosum's logits processors would, and ends the sequence where it stops."""
        job, decoder = seq.job, self._decoder
        if job.progress is not None and job.progress.on_text is not None:
            job.progress.on_text(seq.text)
        over = bool(job.max_sentences) and len(split_sentences(seq.text)) > (job.max_sentences or 0)
        if over or (job.progress is not None and job.progress.cancelled()):
            token = decoder.end_token
        else:
            if job.words is not None:
                previous = seq.generated[-1] if seq.generated else None
                scores = job.words.apply(scores, previous)
            token = int(np.argmax(scores))
        if decoder.is_end(token):
            seq.result = self._finish(seq, started, hit_limit=False)
            return
        seq.generated.append(token)
        self.stats.generated += 1
        seq.text = decoder.text(seq.generated)
        if any(stop in seq.text for stop in job.stop):
            seq.result = self._finish(seq, started, hit_limit=False)
        elif len(seq.generated) >= job.max_new_tokens:
            seq.result = self._finish(seq, started, hit_limit=True)
        else:
            seq.pending = token

    def _finish(self, seq: _Live, started: float, *, hit_limit: bool) -> Generation:
        text = self._decoder.text(seq.generated, seq.job.prompt)
        for stop in seq.job.stop:
            text = text.split(stop, 1)[0]
        first = seq.first_scores
        return Generation(
            text=text.strip(),
            hit_token_limit=hit_limit,
            prompt_tokens=len(seq.job.prompt),
            completion_tokens=len(seq.generated),
            prefill_ms=round((first - started) * 1000, 1) if first is not None else None,
        )


_EMPTY = Generation("", False, 0, 0)


def _cancelled_result(seq: _Live) -> Generation:
    """What a sequence stopped by an aborted pass has: nothing while it read its prompt."""
    if seq.reading or not seq.generated:
        return _EMPTY
    return Generation(seq.text.strip(), False, len(seq.job.prompt), len(seq.generated))


def _need(job: BatchJob, shared: int) -> int:
    return len(job.prompt) - shared + job.max_new_tokens


def _cancelled(job: BatchJob) -> bool:
    return job.progress is not None and job.progress.cancelled()


def _all_cancelled(jobs: Sequence[BatchJob]) -> Callable[[], bool] | None:
    """A check for the abort callback: once every job is cancelled, a pass may stop midway."""
    if not jobs or any(job.progress is None for job in jobs):
        return None
    return lambda: all(_cancelled(job) for job in jobs)


def shared_prefix(prompts: Sequence[Sequence[int]]) -> tuple[int, ...]:
    """The tokens every prompt starts with, leaving each at least its last token to read (its
    logits are the first scores); empty when too short to share or with one prompt."""
    if len(prompts) < 2:
        return ()
    length = min(len(p) for p in prompts) - 1
    first = prompts[0]
    for prompt in prompts[1:]:
        same = 0
        while same < length and prompt[same] == first[same]:
            same += 1
        length = same
    return tuple(first[:length]) if length >= _SHARED_PREFIX_MIN else ()


class LlamaDecoder:
    """A llama.cpp context over an already loaded model, with room for `sequences`
    sequences (plus the shared prefix's) in one unified KV cache of `context_tokens`."""

    def __init__(self, llama: Any, *, sequences: int, context_tokens: int, n_batch: int) -> None:
        import llama_cpp

        self._lib = llama_cpp
        params = llama_cpp.llama_context_params.from_buffer_copy(llama.context_params)
        params.n_ctx = context_tokens
        params.n_batch = params.n_ubatch = n_batch
        params.n_seq_max = sequences + 1
        params.kv_unified = True
        self._ctx = llama_cpp.llama_init_from_model(llama._model.model, params)
        if not self._ctx:
            raise RuntimeError("llama.cpp could not create the batch context")
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        self._vocab = llama._model.vocab
        self._n_vocab = int(llama_cpp.llama_vocab_n_tokens(self._vocab))
        self._llama = llama
        self._end = int(llama.token_eos())
        self._abort: Any = None

    @property
    def end_token(self) -> int:
        return self._end

    def is_end(self, token: int) -> bool:
        return bool(self._lib.llama_vocab_is_eog(self._vocab, token))

    def text(self, tokens: Sequence[int], prev: Sequence[int] = ()) -> str:
        raw: bytes = self._llama.detokenize(list(tokens), prev_tokens=list(prev) or None)
        return raw.decode("utf-8", "ignore")

    def decode(self, entries: Sequence[Entry]) -> list[np.ndarray] | None:
        batch = self._batch
        batch.n_tokens = len(entries)
        for i, entry in enumerate(entries):
            batch.token[i] = entry.token
            batch.pos[i] = entry.position
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = entry.seq_id
            batch.logits[i] = entry.logits
        code = self._lib.llama_decode(self._ctx, batch)
        if code == 2:
            return None
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code}")
        return [
            np.ctypeslib.as_array(
                self._lib.llama_get_logits_ith(self._ctx, i), shape=(self._n_vocab,)
            )
            for i, entry in enumerate(entries)
            if entry.logits
        ]

    def share(self, source: int, target: int, length: int) -> None:
        self._lib.llama_memory_seq_cp(self._memory, source, target, 0, length)

    def forget(self, seq_id: int) -> None:
        self._lib.llama_memory_seq_rm(self._memory, seq_id, -1, -1)

    def clear(self) -> None:
        self._lib.llama_memory_clear(self._memory, True)

    def abort_when(self, check: Callable[[], bool] | None) -> None:
        if check is None:
            self._abort = self._lib.ggml_abort_callback()
        else:

            def callback(_data: Any) -> bool:
                return check()

            self._abort = self._lib.ggml_abort_callback(callback)
        self._lib.llama_set_abort_callback(self._ctx, self._abort, ctypes.c_void_p())

    def close(self) -> None:
        if self._ctx:
            self._lib.llama_batch_free(self._batch)
            self._lib.llama_free(self._ctx)
            self._ctx = None
