"""A plugin's chat turns read as a lingosum request: the article, its title, and the length.

The last user turn with text is the article. A wrapper a plugin puts around it is removed:
WordPress's `<content>…</content>` (its `<additional-context>` may give `Title: …`),
ClassifAI's triple quotes, or a leading line that ends with a colon ("Summarize this:").
Every other turn (system prompts included) is read only for a length, mapped to the nearest
preset: a word count ("in 55 words", "25-80 words": the upper bound), a Chinese character
count ("100字"), a sentence count ("one sentence", "2-3 sentences"), or a word such as
"brief" or "detailed". Any other instruction is ignored: the reply is always a summary.
A token cap (`max_tokens`, Ollama's `num_predict`) below a preset's budget picks a shorter one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import LingosumError
from ..pipeline.stages.summarize import LENGTHS, Length

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "a single": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_NUMBER = r"(\d+|a single|single|one|two|three|four|five|six|seven|eight|nine|ten|an?)"
_RANGE = rf"(?:{_NUMBER}\s*(?:-|–|to|or)\s*)?{_NUMBER}"
_WORDS = re.compile(rf"\b{_RANGE}[\s-]+words?\b", re.IGNORECASE)
_CHARS = re.compile(rf"{_RANGE}\s*(?:个)?(?:汉字|字|(?:chinese\s+)?characters?\b)", re.IGNORECASE)
_SENTENCES = re.compile(rf"\b{_RANGE}[\s-]+sentences?\b|(一|两|二|三|四|五|六)句", re.IGNORECASE)
_SHORT = re.compile(r"\b(brief|briefly|short|shortly|concise|tl;?dr|one-liner)\b|简短|简要")
_LONG = re.compile(r"\b(detailed|in detail|in-depth|in depth|thorough|comprehensive)\b|详细")
_CHINESE_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}

_CONTENT = re.compile(r"<content>(.*?)</content>", re.DOTALL | re.IGNORECASE)
_CONTEXT = re.compile(r"<additional-context>(.*?)</additional-context>", re.DOTALL | re.I)
_TITLE = re.compile(r"^\s*title\s*:\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE)
_QUOTED = re.compile(r'"""(.*?)"""', re.DOTALL)
_PRESETS: tuple[Length, ...] = ("short", "medium", "long")  # shortest first
_LEAD_IN_CHARS = 300  # a first line this short that ends in a colon introduces the article


@dataclass(frozen=True)
class Turn:
    role: str  # "system", "developer", "user", "assistant", ...
    text: str


@dataclass(frozen=True)
class Ask:
    """What a plugin's request asks of lingosum."""

    article: str
    title: str | None
    length: Length


def read_prompt(
    turns: Sequence[Turn], max_tokens: int | None = None, default: Length = "medium"
) -> Ask:
    """400 `invalid_request` when no user turn has text."""
    users = [n for n, turn in enumerate(turns) if turn.role == "user" and turn.text.strip()]
    if not users:
        raise LingosumError(
            "invalid_request", "messages: give the article as the text of a user message.", 400
        )
    article, title, lead_in = _unwrap(turns[users[-1]].text)
    instructions = [t.text for n, t in enumerate(turns) if n != users[-1]] + [lead_in]
    length = asked_length("\n".join(instructions)) or default
    return Ask(article, title, _within(length, max_tokens))


def asked_length(instructions: str) -> Length | None:
    """The preset nearest to a length the instructions ask for, or None where they ask none."""
    for pattern, measure in ((_WORDS, "words"), (_CHARS, "chars"), (_SENTENCES, "sentences")):
        match = pattern.search(instructions)
        if match:
            return _nearest(measure, _count(match))
    if _SHORT.search(instructions):
        return "short"
    if _LONG.search(instructions):
        return "long"
    return None


def _count(match: re.Match[str]) -> int:
    """The upper bound of "25-80", "2 to 3", "one", or a Chinese numeral."""
    given = [g for g in match.groups() if g]
    last = given[-1].lower()
    if last in _CHINESE_NUMBERS:
        return _CHINESE_NUMBERS[last]
    return int(last) if last.isdigit() else _NUMBER_WORDS[last]


def _nearest(measure: str, count: int) -> Length:
    """The nearest preset; on a tie, the shorter."""
    return min(_PRESETS, key=lambda name: abs(getattr(LENGTHS[name], measure) - count))


def _within(length: Length, max_tokens: int | None) -> Length:
    """The longest preset up to `length` whose token budget fits the cap (else the shortest)."""
    if max_tokens is None:
        return length
    allowed = _PRESETS[: _PRESETS.index(length) + 1]
    fitting = [name for name in allowed if LENGTHS[name].max_new_tokens <= max_tokens]
    return fitting[-1] if fitting else _PRESETS[0]


def _unwrap(message: str) -> tuple[str, str | None, str]:
    """The article, the title a wrapper gave, and the text around the article."""
    content = _CONTENT.search(message)
    if content:
        context = _CONTEXT.search(message)
        title = _TITLE.search(context.group(1)) if context else None
        rest = _CONTENT.sub(" ", _CONTEXT.sub(" ", message))
        return content.group(1).strip(), title.group(1) if title else None, rest
    quoted = _QUOTED.search(message)
    if quoted and quoted.group(1).strip():
        return quoted.group(1).strip(), None, _QUOTED.sub(" ", message)
    first, _, rest = message.strip().partition("\n")
    if rest.strip() and len(first) <= _LEAD_IN_CHARS and first.rstrip().endswith((":", "：")):
        return rest.strip(), None, first
    return message.strip(), None, ""
