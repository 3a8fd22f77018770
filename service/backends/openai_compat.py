"""Models on any OpenAI-compatible server (vLLM, TGI, llama.cpp's server, Ollama) through the
official `openai` client: the model spec `openai:MODEL`.

A batch of requests is sent as concurrent calls, up to `concurrency` in flight, so a server
that batches (vLLM, TGI) works on them together. The client retries 408, 409, 429, 5xx and
lost connections with exponential backoff (honouring Retry-After); token counts come from each
response's `usage`.

The server's tokenizer is not at hand, so `count_tokens` is an estimate meant never to count
too few: one token per three ASCII characters and one per other character (Qwen, Llama and
Mistral tokenizers give about four ASCII characters, or one to two CJK characters, a token).
An overestimate only makes long articles go map-reduce a little earlier.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..errors import LingosumError
from ..text.sentences import split_sentences
from .base import Generation, GenerationRequest

ASCII_CHARS_PER_TOKEN = 3


class OpenAICompatBackend:
    follows_instructions = True

    def __init__(
        self,
        model: str,
        *,
        base_url: str,
        api_key: str | None,
        context_tokens: int,
        concurrency: int,
        timeout_s: float,
        max_retries: int,
    ) -> None:
        import openai

        self._model = model
        self._context_tokens = context_tokens
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "none",  # servers without keys ignore it; the client wants one
            timeout=timeout_s,
            max_retries=max_retries,
        )
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="lingosum-openai")
        self._lock = threading.Lock()
        self._in_flight = 0
        self.most_in_flight = 0  # the most calls this backend has had in flight at once

    @property
    def name(self) -> str:
        return f"openai:{self._model}"

    @property
    def context_tokens(self) -> int:
        return self._context_tokens

    def count_tokens(self, text: str) -> int:
        ascii_chars = sum(ch.isascii() for ch in text)
        return math.ceil(ascii_chars / ASCII_CHARS_PER_TOKEN) + len(text) - ascii_chars

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return list(self._pool.map(self._generate_one, requests))

    def _generate_one(self, request: GenerationRequest) -> Generation:
        import openai

        messages: Any = [{"role": m.role, "content": m.content} for m in request.messages]
        with self._lock:
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            response = self._client.chat.completions.create(
                model=self._model,
                messages=messages,
                max_tokens=request.max_new_tokens,
                temperature=0.0,
                seed=0,
            )
        except openai.APIError as error:
            raise LingosumError(
                "model_server_error",
                f"The model server failed: {type(error).__name__}: {error}"[:500],
                status=502,
            ) from error
        finally:
            with self._lock:
                self._in_flight -= 1
        choice = response.choices[0]
        text = _first_sentences((choice.message.content or "").strip(), request.max_sentences)
        usage = response.usage
        return Generation(
            text=text,
            hit_token_limit=choice.finish_reason == "length",
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._client.close()


def _first_sentences(text: str, count: int | None) -> str:
    """The text up to the end of its `count`th sentence: the embedded backend stops
    generating there, which a server cannot be told to do."""
    sentences = split_sentences(text)
    if not count or len(sentences) <= count:
        return text
    end = 0
    for sentence in sentences[:count]:
        end = text.index(sentence, end) + len(sentence)
    return text[:end]
