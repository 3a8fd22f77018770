"""The finalize stage: normalize each summary and check it against its source article.

- whole sentences only: a fragment cut off by the token limit is dropped;
- Chinese is Simplified (or Traditional on request, through OpenCC), and English words
  other than names and acronyms left in a Chinese summary are translated in place, and a name
  begun in Chinese and finished in letters (阿rita) is written as the article writes it;
  Chinese, Japanese or Korean words left in an English summary are mostly names, which a
  small model renders wrongly out of context, so they are reported, not replaced;
- every number must be stated by the article, and a translated summary's numbers also by the
  summary it translates (24% in English stays 24% in Chinese); a sentence with an
  unsupported number is dropped, and what cannot be repaired is reported under `checks`;
- names the article never writes are reported under `checks` (for English summaries of Latin-script
  and Chinese articles), and so are the names of an English summary that its Chinese
  translation does not render;
- the glossary's renderings replace the wrong forms of its terms (`checks.glossary`);
- meta openings, fragments and repeated sentences are cut or dropped (`checks.style`), and a
  name that a Chinese summary writes two ways ("Arita" and 阿拉蒂) is reported there too.
Each repair is counted by kind in `Finalized.repairs`.

English words left in a Chinese summary are translated by the translator model; those calls
are reported as a `finalize` entry of the route, beside the entry for the checks themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...checks.chinese_names import ChineseReading
from ...checks.facts import ArticleFacts
from ...checks.glossary import GlossaryEntry, enforce, renders_name
from ...checks.name_forms import NAME_TWO_WAYS, names_written_two_ways
from ...checks.names import name_runs, names_not_rendered
from ...checks.problems import drop_unsupported_numbers, unsupported_names
from ...checks.stray_words import (
    restore_half_transliterated,
    restore_name_fragments,
    stray_english_words,
)
from ...checks.style import tidy
from ...text.chinese import to_simplified, to_traditional
from ...text.languages import is_chinese
from ...text.scripts import HAN, is_latin_script
from ...text.sentences import cjk_words, drop_unfinished_sentence, is_complete, split_sentences
from .model_requests import RouteEntry, StageOutput, clean_output, timed
from .translate import Translator

STAGE = "finalize"
# Kinds of repair, beside those of `checks.style`, as `Finalized.repairs` counts them.
GLOSSARY = "glossary"
LEFTOVER_WORD = "leftover_word"  # an English word in a Chinese summary, translated
NAME_FRAGMENT = "name_fragment"  # 阿rita written as the article's Arita


@dataclass(frozen=True)
class FinalizeItem:
    text: str
    language: str  # en, zh-Hans or zh-Hant
    article: ArticleFacts
    translated_from: str | None = None  # the summary this one is a translation of


@dataclass
class Finalized:
    text: str
    language: str
    unsupported_numbers: list[str] = field(default_factory=list)
    unsupported_names: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)  # entries not honoured
    unsupported_sentences: list[str] = field(default_factory=list)  # see `stages.support`
    style: list[str] = field(default_factory=list)  # "fault: sentence", not repaired
    repairs: list[str] = field(default_factory=list)  # the kind of each repair made
    warnings: list[str] = field(default_factory=list)
    calls: list[RouteEntry] = field(default_factory=list)  # the model calls made for it


class Finalizer:
    name = "opencc+checks"

    def __init__(self, translator: Translator) -> None:
        self._translator = translator
        self.model_ms = 0.0  # time spent in model calls, which the route reports on their own

    def run(self, items: Sequence[FinalizeItem]) -> list[Finalized]:
        results = [self._normalize(item) for item in items]
        self._repair_untranslated(items, results)
        for item, result in zip(items, results, strict=True):
            self._check_facts(item, result)  # in Simplified, which the number readers know
            self._tidy(item, result)
            if item.language == "zh-Hant":
                result.text = to_traditional(result.text)
        return results

    def _normalize(self, item: FinalizeItem) -> Finalized:
        text = drop_unfinished_sentence(clean_output(item.text))
        result = Finalized(text, item.language)
        if not text:
            result.warnings.append("The model returned an empty summary.")
        elif not is_complete(text):
            result.text = text.rstrip(":：") + ("。" if is_chinese(item.language) else ".")
            result.warnings.append("The summary was cut by the length limit and closed early.")
        if is_chinese(item.language):
            result.text = to_simplified(result.text)
        self._apply_glossary(item, result)
        return result

    @staticmethod
    def _tidy(item: FinalizeItem, result: Finalized) -> None:
        tidied = tidy(result.text, item.language)
        result.text = tidied.text
        result.style = tidied.problems
        result.repairs += tidied.repairs
        result.warnings += tidied.warnings
        if is_chinese(item.language):
            runs = item.article.name_runs + name_runs(item.translated_from or "")
            result.style += [
                f"{NAME_TWO_WAYS}: {name}" for name in names_written_two_ways(result.text, runs)
            ]

    @staticmethod
    def _apply_glossary(item: FinalizeItem, result: Finalized) -> None:
        checked = enforce(result.text, item.article.terms, item.language, item.translated_from)
        result.text = checked.text
        result.glossary = checked.not_honoured
        result.repairs += [GLOSSARY] * len(checked.repaired)
        result.warnings += [
            f"Wrote {wrong!r} as the glossary's {rendering!r}."
            for wrong, rendering in checked.repaired
        ]
        result.warnings += [
            f"The summary does not write {entry.source!r} as the glossary's "
            f"{entry.rendering(item.language)!r}."
            for entry in checked.not_honoured
        ]

    def _repair_untranslated(self, items: Sequence[FinalizeItem], results: list[Finalized]) -> None:
        """Translate English words left in Chinese summaries, all in one batch."""
        for item, result in zip(items, results, strict=True):
            if is_chinese(item.language):
                result.text, restored = restore_name_fragments(
                    result.text, item.article.latin_names
                )
                result.text, halves = restore_half_transliterated(
                    result.text, item.article.name_runs
                )
                restored += halves
                result.warnings += [
                    f"Wrote {span!r} as the name {name!r}." for span, name in restored
                ]
                result.repairs += [NAME_FRAGMENT] * len(restored)
        wanted = [
            (index, word, _sentence_with(result.text, word))
            for index, (item, result) in enumerate(zip(items, results, strict=True))
            if is_chinese(item.language)
            for word in _untranslated(result.text, item)
        ]
        if wanted:
            self._translate_terms(wanted, items, results)
        for item, result in zip(items, results, strict=True):
            result.untranslated = _untranslated(result.text, item)
            if result.untranslated and not is_chinese(item.language):
                result.warnings.append(f"Left untranslated: {', '.join(result.untranslated)}.")

    def _translate_terms(
        self,
        wanted: list[tuple[int, str, str]],
        items: Sequence[FinalizeItem],
        results: list[Finalized],
    ) -> None:
        """Translate each (result index, word, its sentence) and put the rendering in place;
        the call is reported on each result it served."""
        with timed() as elapsed:
            renderings = self._translator.translate_terms([(w, c) for _, w, c in wanted])
        spent: dict[int, list[StageOutput]] = {}
        for (index, word, _), rendering in zip(wanted, renderings, strict=True):
            spent.setdefault(index, []).append(rendering)
            if rendering.text and not _untranslated(rendering.text, items[index]):
                results[index].text = _replace_word(results[index].text, word, rendering.text)
                results[index].repairs.append(LEFTOVER_WORD)
                results[index].warnings.append(
                    f"Translated the leftover word {word!r} as {rendering.text!r}."
                )
        timing = (elapsed(), len(spent))
        self.model_ms += timing[0]
        model = self._translator.backend.name
        for index, outputs in spent.items():
            results[index].calls.append(
                RouteEntry.of_call(STAGE, model, ("en", "zh-Hans"), timing, outputs)
            )

    @staticmethod
    def _check_facts(item: FinalizeItem, result: Finalized) -> None:
        result.text, warnings, unsupported = drop_unsupported_numbers(
            result.text, item.article, item.translated_from
        )
        result.warnings += warnings
        result.unsupported_numbers = unsupported
        result.unsupported_names = (
            unsupported_names(result.text, item.article) if is_latin_script(result.text) else []
        )
        if item.translated_from and is_chinese(item.language):
            lost = [
                name
                for name in names_not_rendered(item.translated_from, ChineseReading.of(result.text))
                if not any(renders_name(entry, name, result.text) for entry in item.article.terms)
            ]
            if lost:
                result.unsupported_names += lost
                result.warnings.append(
                    f"The translation does not render the name{'s' if len(lost) > 1 else ''} "
                    f"{', '.join(lost)} of the summary it translates."
                )


def _untranslated(text: str, item: FinalizeItem) -> list[str]:
    if is_chinese(item.language):
        return stray_english_words(text, item.article.latin_names, item.article.text)
    return cjk_words(text)


def _replace_word(text: str, word: str, rendering: str) -> str:
    """Put `rendering` in place of `word`, and of a word half glued on by a hyphen
    (未来-oriented)."""
    return re.sub(
        rf"\s*(?:(?<=[{HAN}])-|(?<![A-Za-z0-9_-])){re.escape(word)}(?![A-Za-z0-9_-])\s*",
        rendering,
        text,
    )


def _sentence_with(text: str, word: str) -> str:
    return next((s for s in split_sentences(text) if word in s), text)
