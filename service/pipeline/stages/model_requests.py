"""Model calls the same way for every stage: requests built and refused when they cannot fit,
answers cleaned, and each call recorded for the route."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from ...backends import Backend, ChatMessage, Generation, GenerationRequest
from ...errors import LingosumError
from ...text.languages import KNOWN_LANGUAGES
from ..prompts import PromptBook

TEMPLATE_OVERHEAD_TOKENS = 256
_PREAMBLE = re.compile(
    r"^\s*(?:\*\*)?(?:summary|translation|english summary|chinese summary|摘要|翻译|译文|总结)"
    r"(?:\*\*)?\s*[:：]\s*",
    re.IGNORECASE,
)
_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")  # "U. S." -> "U.S."
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)


class _Cost(Protocol):
    @property
    def prompt_tokens(self) -> int: ...
    @property
    def completion_tokens(self) -> int: ...
    @property
    def prefill_ms(self) -> float | None: ...


def _total(costs: Sequence[_Cost]) -> tuple[int, int, float | None]:
    """Tokens read, tokens written, and prefill time (None when any part went unmeasured)."""
    prefills = [c.prefill_ms for c in costs]
    return (
        sum(c.prompt_tokens for c in costs),
        sum(c.completion_tokens for c in costs),
        None if None in prefills else round(sum(p or 0.0 for p in prefills), 1),
    )


@dataclass(frozen=True)
class StageOutput:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefill_ms: float | None = None
    chunks: int = 1  # how many pieces a long text was cut into

    @classmethod
    def of(
        cls,
        text: str,
        generation: Generation,
        *,
        earlier: Sequence[Generation] = (),
        chunks: int = 1,
    ) -> StageOutput:
        """The stage's final text, with the counts and timing of every generation behind it."""
        return cls(text, *_total([*earlier, generation]), chunks)


@dataclass(frozen=True)
class RouteEntry:
    """One stage's work on one document, as the response's route reports it; a stage that calls
    a model reports the model, the tokens it read and wrote, and how long the call took."""

    stage: str
    model: str
    source: str | None
    target: str | None
    ms: float
    batch_size: int = 1  # documents that shared the call
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefill_ms: float | None = None  # of the whole model call, where the backend measures it

    @classmethod
    def of_call(
        cls,
        stage: str,
        model: str,
        languages: tuple[str | None, str | None],
        timing: tuple[float, int],
        outputs: Sequence[StageOutput],
    ) -> RouteEntry:
        """The entry of a model call that made `outputs` for one document; `timing` is the
        call's milliseconds and how many documents shared it."""
        (source, target), (ms, batch_size) = languages, timing
        prompt_tokens, completion_tokens, prefill_ms = _total(outputs)
        return cls(
            stage,
            model,
            source,
            target,
            ms,
            batch_size,
            prompt_tokens,
            completion_tokens,
            prefill_ms,
        )


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    """Milliseconds since the block began, rounded to a tenth: `with timed() as elapsed:`."""
    started = time.perf_counter()
    yield lambda: round((time.perf_counter() - started) * 1000, 1)


def language_name(code: str) -> str:
    return KNOWN_LANGUAGES[code].name if code in KNOWN_LANGUAGES else code


def build_request(
    backend: Backend,
    prompts: PromptBook,
    task: str,
    *,
    text: str,
    source: str,
    target: str,
    max_new_tokens: int,
    max_sentences: int | None = None,
    **fields: object,
) -> GenerationRequest:
    """A request for `backend`: chat messages from the task's template, plus the bare text."""
    needed = backend.count_tokens(text) + TEMPLATE_OVERHEAD_TOKENS + max_new_tokens
    if needed > backend.context_tokens:
        raise LingosumError(
            "text_too_long",
            f"The text needs about {needed} tokens for {task}, more than the "
            f"{backend.context_tokens}-token context of {backend.name}.",
            status=413,
        )
    messages: tuple[ChatMessage, ...] = ()
    if backend.follows_instructions:
        template = prompts.get(task, target)
        messages = template.render(text=text, source_name=language_name(source), **fields)
    return GenerationRequest(messages, text, source, target, max_new_tokens, max_sentences)


def clean_output(text: str) -> str:
    """Strip what models wrap around an answer: a 'Summary:' label, bullets, quotes, blank lines."""
    text = _SPACED_INITIALS.sub(r"\1.", _PREAMBLE.sub("", text.strip()))
    text = _BULLET.sub("", text)
    text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    if len(text) > 1 and text[0] in '"“「' and text[-1] in '"”」':
        text = text[1:-1].strip()
    return text
