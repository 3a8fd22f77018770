"""The support check on fresh English summaries: each sentence is put to the summarizer as a
yes/no question about its article, and a sentence the article does not state is dropped before
any translation carries it on.

The question's prompt opens as the summary's did (the same system message, then the article),
so llama.cpp, which keeps the prompt it processed last, reads only the question. That holds
when the check follows the summary's own call: the engine runs it right after the summarize
step. In a batch of documents only the last one's article is still processed; the others are
read again. When every sentence is unsupported and the article is in English, the article's
opening sentences stand in for the summary, as the guard does for numbers; otherwise such a
summary is kept and its sentences are reported. An answer that is neither yes nor no keeps
the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ...backends import GenerationRequest
from ...text.sentences import join_sentences, split_sentences
from .model_requests import RouteEntry, StageOutput, timed
from .summarize import SummarizeItem, Summarizer, lead_sentences

STAGE = "support"
REPAIR = "unsupported_sentence"  # a sentence dropped, as `Finalized.repairs` counts it
Mode = Literal["sentence", "list"]  # one question per sentence, or one listing them all
_ANSWER_TOKENS = 3
_LISTED = re.compile(r"^\W*(\d+)\W+(yes|no)\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class SupportItem:
    asked: SummarizeItem  # what the summarizer was given
    summary: str


@dataclass
class Supported:
    text: str
    verdicts: list[bool | None]  # per sentence of the summary checked; [] where none was asked
    unsupported: list[str] = field(default_factory=list)  # kept, as no sentence was supported
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    calls: list[RouteEntry] = field(default_factory=list)


class SupportCheck:
    def __init__(self, summarizer: Summarizer, mode: Mode = "sentence") -> None:
        self._summarizer = summarizer
        self.mode = mode

    def run(self, items: Sequence[SupportItem]) -> list[Supported]:
        verdicts, calls = self.verdicts(items)
        return [
            _repaired(item, found, call)
            for item, found, call in zip(items, verdicts, calls, strict=True)
        ]

    def verdicts(
        self, items: Sequence[SupportItem]
    ) -> tuple[list[list[bool | None]], list[RouteEntry | None]]:
        """Each summary's verdict per sentence (True: the article states it), and the route
        entry of its questions; no verdicts where the article did not fit one pass or the
        model takes no instructions."""
        asked: list[tuple[int, list[str], GenerationRequest]] = []
        for index, item in enumerate(items):
            sentences = split_sentences(item.summary)
            if not sentences or not self._askable(item):
                continue
            if self.mode == "list":
                asked.append((index, sentences, self._list_question(item.asked, sentences)))
            else:
                asked += [
                    (index, [sentence], self._question(item.asked, sentence))
                    for sentence in sentences
                ]
        verdicts: list[list[bool | None]] = [[] for _ in items]
        outputs: dict[int, list[StageOutput]] = {}
        timing = (0.0, 0)
        if asked:
            backend = self._summarizer.backend
            with timed() as elapsed:
                generations = backend.generate([request for _, _, request in asked])
            for (index, sentences, _), generation in zip(asked, generations, strict=True):
                verdicts[index] += _read_answer(generation.text, len(sentences))
                outputs.setdefault(index, []).append(StageOutput.of(generation.text, generation))
            timing = (elapsed(), len(outputs))
        calls: list[RouteEntry | None] = [None] * len(items)
        for index, spent in outputs.items():
            languages = (items[index].asked.source, items[index].asked.target)
            model = self._summarizer.backend.name
            calls[index] = RouteEntry.of_call(STAGE, model, languages, timing, spent)
        return verdicts, calls

    def _askable(self, item: SupportItem) -> bool:
        return self._summarizer.backend.follows_instructions and self._summarizer.fits_one_pass(
            item.asked
        )

    def _question(self, item: SummarizeItem, sentence: str) -> GenerationRequest:
        request = self._summarizer.question(item, "support", sentence=sentence)
        return replace(request, max_new_tokens=_ANSWER_TOKENS, max_sentences=None)

    def _list_question(self, item: SummarizeItem, sentences: list[str]) -> GenerationRequest:
        numbered = "\n".join(f"{n}. {sentence}" for n, sentence in enumerate(sentences, 1))
        request = self._summarizer.question(item, "support_list", numbered=numbered)
        tokens = (_ANSWER_TOKENS + 3) * len(sentences)
        return replace(request, max_new_tokens=tokens, max_sentences=None)


def _read_answer(text: str, sentences: int) -> list[bool | None]:
    """The verdicts an answer gives: one word for one sentence, else a line "n: Yes" each."""
    if sentences == 1 and not _LISTED.search(text):
        word = re.match(r"\W*(yes|no)\b", text, re.IGNORECASE)
        return [word.group(1).lower() == "yes" if word else None]
    found: dict[int, bool] = {}
    for number, answer in _LISTED.findall(text):
        found.setdefault(int(number), answer.lower() == "yes")
    return [found.get(n) for n in range(1, sentences + 1)]


def _repaired(item: SupportItem, verdicts: list[bool | None], call: RouteEntry | None) -> Supported:
    result = Supported(item.summary, verdicts, calls=[call] if call else [])
    if not verdicts:
        return result
    sentences = split_sentences(item.summary)
    kept = [s for s, verdict in zip(sentences, verdicts, strict=True) if verdict is not False]
    dropped = [s for s, verdict in zip(sentences, verdicts, strict=True) if verdict is False]
    if not dropped:
        return result
    if kept:
        result.text = join_sentences(kept)
        result.repairs += [REPAIR] * len(dropped)
        result.warnings += [
            f"Dropped a sentence the article does not support: {sentence}" for sentence in dropped
        ]
    elif item.asked.source == item.asked.target:
        result.text = lead_sentences(item.asked.text, item.asked.length)
        result.repairs += [REPAIR] * len(dropped)
        result.warnings.append(
            "The article supports no sentence of the summary; its opening sentences stand in "
            "for it."
        )
    else:
        result.unsupported = dropped
        result.warnings.append("The article supports no sentence of the summary.")
    return result
