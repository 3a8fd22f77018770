"""Cutting a long article into chunks that each fit a token budget, at sentence boundaries."""

from __future__ import annotations

from collections.abc import Callable

from ..text.sentences import join_sentences, split_sentences

CountTokens = Callable[[str], int]


def chunk_text(text: str, count_tokens: CountTokens, budget: int) -> list[str]:
    """`text` whole when it fits; otherwise consecutive runs of whole sentences, each within
    `budget` tokens. A single sentence over budget is halved at a space until it fits."""
    if count_tokens(text) <= budget:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for sentence in _fitting_pieces(split_sentences(text), count_tokens, budget):
        size = count_tokens(sentence) + 1
        if current and used + size > budget:
            chunks.append(join_sentences(current))
            current, used = [], 0
        current.append(sentence)
        used += size
    if current:
        chunks.append(join_sentences(current))
    return chunks


def _fitting_pieces(sentences: list[str], count_tokens: CountTokens, budget: int) -> list[str]:
    pieces: list[str] = []
    pending = list(reversed(sentences))
    while pending:
        sentence = pending.pop()
        if count_tokens(sentence) + 1 <= budget or len(sentence) < 2:
            pieces.append(sentence)
            continue
        head, tail = _halve(sentence)
        pending += [tail, head]
    return pieces


def _halve(sentence: str) -> tuple[str, str]:
    middle = len(sentence) // 2
    space = sentence.rfind(" ", 0, middle)
    cut = space if space > len(sentence) // 4 else middle
    return sentence[:cut].strip(), sentence[cut:].strip()
