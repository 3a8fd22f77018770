"""The finalize stage: normalize each summary and check it against its source article.

- whole sentences only: a fragment cut off by the token limit is dropped;
- Chinese is Simplified (or Traditional on request, through OpenCC), and English words
  other than names and acronyms are translated in place;
- every number must be stated by the article; a sentence with an unsupported number is
  dropped, and what cannot be repaired is reported under `checks`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..chinese import stray_english_words, to_simplified, to_traditional
from ..languages import is_chinese
from ..numbers import unsupported_numbers
from ..text import drop_unfinished_sentence, is_complete, join_sentences, split_sentences
from .requests import clean_output
from .translate import Translator


@dataclass(frozen=True)
class FinalizeItem:
    text: str
    language: str  # en, zh-Hans or zh-Hant
    article: str
    article_language: str


@dataclass
class Finalized:
    text: str
    language: str
    unsupported_numbers: list[str] = field(default_factory=list)
    stray_english: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Finalizer:
    name = "opencc+checks"

    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    def run(self, items: Sequence[FinalizeItem]) -> list[Finalized]:
        results = [self._normalize(item) for item in items]
        self._repair_english(items, results)
        for item, result in zip(items, results, strict=True):
            self._check_numbers(item, result)  # in Simplified, which the number readers know
            if item.language == "zh-Hant":
                result.text = to_traditional(result.text)
        return results

    def _normalize(self, item: FinalizeItem) -> Finalized:
        text = drop_unfinished_sentence(clean_output(item.text))
        result = Finalized(text, item.language)
        if not text:
            result.warnings.append("The model returned an empty summary.")
        elif not is_complete(text):
            result.text += "。" if is_chinese(item.language) else "."
            result.warnings.append("The summary was cut by the length limit and closed early.")
        if is_chinese(item.language):
            result.text = to_simplified(result.text)
        return result

    def _repair_english(self, items: Sequence[FinalizeItem], results: list[Finalized]) -> None:
        """Translate stray English words in Chinese summaries, all in one batch."""
        wanted: list[tuple[int, str, str]] = []
        for index, (item, result) in enumerate(zip(items, results, strict=True)):
            if is_chinese(item.language):
                for word in stray_english_words(result.text, item.article):
                    wanted.append((index, word, _sentence_with(result.text, word)))
        if not wanted:
            return
        renderings = self._translator.translate_terms([(w, ctx) for _, w, ctx in wanted])
        for (index, word, _), chinese in zip(wanted, renderings, strict=True):
            if chinese and not re.search(r"[A-Za-z]", chinese):
                standalone = rf"\s*(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])\s*"
                results[index].text = re.sub(standalone, chinese, results[index].text)
                results[index].warnings.append(f"Translated stray English {word!r} as {chinese!r}.")
        for item, result in zip(items, results, strict=True):
            if is_chinese(item.language):
                result.stray_english = stray_english_words(result.text, item.article)

    @staticmethod
    def _check_numbers(item: FinalizeItem, result: Finalized) -> None:
        kept: list[tuple[str, list[str]]] = []
        dropped: list[tuple[str, list[str]]] = []
        for sentence in split_sentences(result.text):
            bad = unsupported_numbers(sentence, item.article, item.article_language)
            (dropped if bad else kept).append((sentence, bad))
        if dropped and kept:
            result.text = join_sentences([s for s, _ in kept])
            for sentence, bad in dropped:
                result.warnings.append(
                    "Dropped a sentence with numbers the article does not state "
                    f"({', '.join(bad)}): {sentence}"
                )
        elif dropped:
            result.unsupported_numbers = [n for _, bad in dropped for n in bad]


def _sentence_with(text: str, word: str) -> str:
    return next((s for s in split_sentences(text) if word in s), text)
