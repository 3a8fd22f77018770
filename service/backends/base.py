"""The one interface every model backend implements, and the values that cross it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ChatMessage:
    role: str
    content: str


@dataclass(frozen=True)
class Progress:
    """How a caller follows one generation as it runs. A backend that streams calls
    `on_text` (where the caller gave one) with the text generated so far; one that can stop
    early polls `cancelled` and then returns what it has. Either may be ignored: the caller
    still gets the result."""

    on_text: Callable[[str], None] | None
    cancelled: Callable[[], bool]


@dataclass(frozen=True)
class GenerationRequest:
    """One generation. Chat models read `messages`; seq2seq models read `text` alone,
    with `source` and `target` selecting the language pair where the model needs one."""

    messages: tuple[ChatMessage, ...]
    text: str
    source: str
    target: str
    max_new_tokens: int
    max_sentences: int | None = None  # a backend may stop once this many sentences are done
    # A backend that can may keep the model from beginning a lowercase Latin-script word
    # (see latin_words); for translations into Chinese.
    no_lowercase_words: bool = False
    progress: Progress | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Generation:
    text: str
    hit_token_limit: bool
    prompt_tokens: int
    completion_tokens: int
    prefill_ms: float | None = None  # time to the first token's scores, where measured


class Backend(Protocol):
    """A loaded model that turns a batch of requests into a batch of generations."""

    @property
    def name(self) -> str:
        """What the response's route reports as the model."""
        ...

    @property
    def follows_instructions(self) -> bool:
        """True for chat models, which can summarize from and into many languages."""
        ...

    @property
    def context_tokens(self) -> int:
        """How many tokens fit in one prompt plus its generation."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]: ...

    def close(self) -> None: ...


class Delegating:
    """A Backend that passes everything to `backend`; a subclass overrides `generate` to watch
    or steer the calls."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @property
    def name(self) -> str:
        return self.backend.name

    @property
    def follows_instructions(self) -> bool:
        return self.backend.follows_instructions

    @property
    def context_tokens(self) -> int:
        return self.backend.context_tokens

    def count_tokens(self, text: str) -> int:
        return self.backend.count_tokens(text)

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return self.backend.generate(requests)

    def close(self) -> None:
        self.backend.close()
