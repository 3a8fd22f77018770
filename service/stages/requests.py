"""Building model requests the same way for every stage, and refusing what cannot fit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..backends import Backend, ChatMessage, Generation, GenerationRequest
from ..errors import LingosumError
from ..languages import KNOWN_LANGUAGES
from ..prompts import PromptBook

TEMPLATE_OVERHEAD_TOKENS = 256
_PREAMBLE = re.compile(
    r"^\s*(?:\*\*)?(?:summary|translation|english summary|chinese summary|摘要|翻译|译文|总结)"
    r"(?:\*\*)?\s*[:：]\s*",
    re.IGNORECASE,
)
_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")  # "U. S." -> "U.S."
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)


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
        spent = [*earlier, generation]
        prefills = [g.prefill_ms for g in spent]
        return cls(
            text,
            sum(g.prompt_tokens for g in spent),
            sum(g.completion_tokens for g in spent),
            None if None in prefills else round(sum(p or 0.0 for p in prefills), 1),
            chunks,
        )


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
