"""What a summary states that its article does not: numbers in any language, and the names of a
Latin-script summary where its article is in Latin script or Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from ..text.scripts import is_latin_script
from ..text.sentences import join_sentences, split_sentences
from .facts import ArticleFacts
from .names import names_missing_from, names_not_rendered
from .numbers import numbers_outside, source_numbers


@dataclass(frozen=True)
class Problems:
    numbers: list[str]
    names: list[str]

    def __bool__(self) -> bool:
        return bool(self.numbers or self.names)

    def __len__(self) -> int:
        return len(self.numbers) + len(self.names)

    def describe(self) -> str:
        """'the number 42 and the name Rex Tillerson', for a prompt or a warning."""
        parts = [
            f"the {kind}{'s' if len(items) > 1 else ''} {', '.join(items)}"
            for kind, items in (("number", self.numbers), ("name", self.names))
            if items
        ]
        return " and ".join(parts)


def check(summary: str, article: ArticleFacts) -> Problems:
    names = unsupported_names(summary, article) if is_latin_script(summary) else []
    return Problems(numbers_outside(summary, article.numbers), names)


def unsupported_names(summary: str, article: ArticleFacts) -> list[str]:
    """Names in `summary` that the article does not write, in order, each once; the English
    renderings its glossary entries give count as written."""
    if article.is_chinese:
        names = names_not_rendered(summary, article.chinese)
    elif article.latin_script:
        names = names_missing_from(summary, article.names, translated=article.language != "en")
    else:
        return []
    given = {word for entry in article.terms for word in (entry.en or "").split()}
    return [name for name in names if not set(name.split()) <= given]


def drop_unsupported_numbers(
    text: str, article: ArticleFacts, translated_from: str | None = None
) -> tuple[str, list[str], list[str]]:
    """Drop the sentences whose numbers the article (and `translated_from`) does not state.

    Returns the text, a warning per dropped sentence, and the unsupported numbers left
    when every sentence has one (the text is then kept whole, to be reported).
    """
    sources = [article.numbers]
    if translated_from is not None:
        sources.append(source_numbers(translated_from))
    kept: list[str] = []
    dropped: list[tuple[str, list[str]]] = []
    for sentence in split_sentences(text):
        bad = list(dict.fromkeys(n for s in sources for n in numbers_outside(sentence, s)))
        if bad:
            dropped.append((sentence, bad))
        else:
            kept.append(sentence)
    if not dropped:
        return text, [], []
    if not kept:
        return text, [], [number for _, bad in dropped for number in bad]
    what = "the article or the summary it translates" if translated_from else "the article"
    warnings = [
        f"Dropped a sentence with numbers {what} does not state ({', '.join(bad)}): {sentence}"
        for sentence, bad in dropped
    ]
    return join_sentences(kept), warnings, []
