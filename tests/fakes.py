"""Test doubles: a scripted model backend that implements `service.backends.base.Backend`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from service.backends.base import Backend, Generation, GenerationRequest
from service.errors import LingosumError
from service.pipeline.prompts import REQUIRED, SUPPORT

Responder = Callable[[GenerationRequest], str]

# Minimal prompt templates whose user turn names the task and target, so a fake can tell
# requests apart without depending on the wording of the real prompts in `prompts/`.


def write_prompts(folder: Path) -> Path:
    """Write a minimal template for every prompt the service needs into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in REQUIRED + SUPPORT:
        task, language = name.split(".")
        if task == "revise":  # a follow-up turn: no system message, and no new text
            body = f"---\ntask={task} target={language}\n{{problems}}"
        elif task.startswith("support"):  # the article, then the sentences asked about
            asked = "{sentence}" if task == "support" else "{numbered}"
            body = f"fake system prompt\n---\ntask={task} target={language}\n{{text}}\n{asked}"
        else:
            body = f"fake system prompt\n---\ntask={task} target={language}\n{{text}}"
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    return folder


def task_of(request: GenerationRequest) -> str:
    """The task a request was built for, read from the fake templates' user turn.

    Backends that do not follow instructions get no messages; their requests say "raw".
    """
    if not request.messages:
        return "raw"
    user = request.messages[-1].content
    return user.split("task=", 1)[1].split()[0] if "task=" in user else "unknown"


class FakeBackend:
    """A Backend whose outputs come from `respond(request)`; it records every batch it gets."""

    def __init__(
        self,
        respond: Responder,
        *,
        name: str = "fake",
        follows_instructions: bool = True,
        context_tokens: int = 2048,
        hit_token_limit: bool = False,
        fail_when: Callable[[Sequence[GenerationRequest]], bool] | None = None,
    ) -> None:
        self._respond = respond
        self._name = name
        self._follows_instructions = follows_instructions
        self._context_tokens = context_tokens
        self._hit_token_limit = hit_token_limit
        self._fail_when = fail_when
        self.batches: list[list[GenerationRequest]] = []
        self.closed = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def follows_instructions(self) -> bool:
        return self._follows_instructions

    @property
    def context_tokens(self) -> int:
        return self._context_tokens

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + sum(not ch.isascii() for ch in text)

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self.batches.append(list(requests))
        if self._fail_when is not None and self._fail_when(requests):
            raise LingosumError("backend_failed", "The fake backend was told to fail.", 500)
        return [
            Generation(self._respond(r), self._hit_token_limit, self.count_tokens(r.text), 1)
            for r in requests
        ]

    def close(self) -> None:
        self.closed += 1

    # What the tests assert on.
    @property
    def requests(self) -> list[GenerationRequest]:
        return [r for batch in self.batches for r in batch]

    @property
    def batch_sizes(self) -> list[int]:
        return [len(batch) for batch in self.batches]

    def batches_for(self, task: str) -> list[list[GenerationRequest]]:
        return [b for b in self.batches if b and task_of(b[0]) == task]


def _conforms(backend: FakeBackend) -> Backend:
    return backend  # mypy checks that FakeBackend implements the Backend protocol


class StreamingBackend(FakeBackend):
    """Writes each answer a word at a time, `delay` seconds apart, telling the request's
    progress as it goes, and stops early once the request is cancelled (as llama.cpp does)."""

    def __init__(self, respond: Responder, *, delay: float = 0.0, **options: object) -> None:
        super().__init__(respond, **options)  # type: ignore[arg-type]
        self.delay = delay
        self.cancelled_calls = 0

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self.batches.append(list(requests))
        return [self._one(request) for request in requests]

    def _one(self, request: GenerationRequest) -> Generation:
        words, written = self._respond(request).split(" "), ""
        for word in words:
            time.sleep(self.delay)
            if request.progress and request.progress.cancelled():
                self.cancelled_calls += 1
                break
            written = f"{written} {word}" if written else word
            if request.progress and request.progress.on_text:
                request.progress.on_text(written)
        return Generation(written, False, self.count_tokens(request.text), len(words))
