"""The hardware floor: how fast this machine can process a prompt and decode a token.

Prompt processing is compute-bound and is measured with a plain llama.cpp loop. Decoding one
sequence is bound by memory bandwidth: every token reads the whole model, so the limit is the
measured read bandwidth divided by the model's size.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_DECODE_TOKENS = 64
_BANDWIDTH_BYTES = 512 * 1024 * 1024  # per thread, far beyond any cache


@dataclass(frozen=True)
class HardwareRates:
    prefill_tok_s: float
    decode_tok_s: float
    bandwidth_gb_s: float
    model_gb: float

    @property
    def bandwidth_limit_tok_s(self) -> float:
        return self.bandwidth_gb_s / self.model_gb

    def floor_s(self, prompt_tokens: float, generated_tokens: float) -> float:
        return prompt_tokens / self.prefill_tok_s + generated_tokens / self.bandwidth_limit_tok_s

    def as_json(self) -> dict[str, float]:
        return {
            "prefill_tok_s": round(self.prefill_tok_s, 1),
            "decode_tok_s": round(self.decode_tok_s, 1),
            "bandwidth_gb_s": round(self.bandwidth_gb_s, 1),
            "model_gb": round(self.model_gb, 2),
            "bandwidth_limit_tok_s": round(self.bandwidth_limit_tok_s, 1),
        }


def measure_rates(model_file: Path, text: str, threads: int) -> HardwareRates:
    from llama_cpp import Llama

    llama = Llama(
        model_path=str(model_file),
        n_ctx=4096,
        n_threads=threads,
        n_threads_batch=threads,
        n_batch=512,
        verbose=False,
    )
    tokens = llama.tokenize(text.encode("utf-8"))
    prefill, decode = [], []
    for _ in range(2):
        llama.reset()
        started = time.perf_counter()
        llama.eval(tokens)
        prefill.append(len(tokens) / (time.perf_counter() - started))
        started = time.perf_counter()
        for _ in range(_DECODE_TOKENS):
            llama.eval([llama.sample(temp=0.0)])
        decode.append(_DECODE_TOKENS / (time.perf_counter() - started))
    llama.close()
    return HardwareRates(
        statistics.median(prefill),
        statistics.median(decode),
        read_bandwidth_gb_s(threads),
        model_file.stat().st_size / 1e9,
    )


def read_bandwidth_gb_s(threads: int) -> float:
    """Bytes summed per second by `threads` threads at once, each over its own large array."""
    arrays = [np.ones(_BANDWIDTH_BYTES // 8) for _ in range(threads)]
    best = 0.0
    for _ in range(3):
        workers = [threading.Thread(target=np.sum, args=(a,)) for a in arrays]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        best = max(best, threads * _BANDWIDTH_BYTES / (time.perf_counter() - started) / 1e9)
    return best
