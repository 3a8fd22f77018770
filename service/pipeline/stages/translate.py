"""The translate stage: whole texts, articles in sentence groups, and single terms when a
Chinese summary needs repair."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ...backends import Backend, GenerationRequest
from ...checks.glossary import Glossary, prompt_lines, with_renderings
from ...checks.numbers import amounts_in_target_units
from ...text.languages import is_chinese
from ...text.sentences import split_sentences
from ..chunking import chunk_text
from ..prompts import PromptBook
from .model_requests import StageOutput, build_request, clean_output

_TERM_TOKENS = 24
# An article is translated in groups of whole sentences of about this many tokens, all in
# one batch: a small model translating a whole article in one answer drops and merges parts.
ARTICLE_GROUP_TOKENS = 256


@dataclass(frozen=True)
class TranslateItem:
    text: str
    source: str
    target: str
    terms: Glossary = ()  # glossary entries whose source term the article writes


class Translator:
    def __init__(self, backend: Backend, prompts: PromptBook, *, mask_words: bool = False) -> None:
        """`mask_words`: ask the backend to keep the model from beginning a lowercase
        Latin-script word when it writes Chinese (GenerationRequest.no_lowercase_words)."""
        self.backend = backend
        self._prompts = prompts
        self._mask_words = mask_words

    def run(self, items: Sequence[TranslateItem]) -> list[StageOutput]:
        generations = self.backend.generate([self._request(item) for item in items])
        return [StageOutput.of(clean_output(g.text), g) for g in generations]

    def run_articles(self, items: Sequence[TranslateItem]) -> list[StageOutput]:
        """Each article translated in sentence groups (one batch for all), the groups' answers
        joined in order, one line each."""
        groups = [self._groups(item.text) for item in items]
        pieces = [replace(item, text=g) for item, gs in zip(items, groups, strict=True) for g in gs]
        generations = iter(self.backend.generate([self._request(p) for p in pieces]))
        outputs = []
        for gs in groups:
            done = [next(generations) for _ in gs]
            text = "\n".join(t for t in (clean_output(g.text) for g in done) if t)
            outputs.append(StageOutput.of(text, done[-1], earlier=done[:-1]))
        return outputs

    def _groups(self, text: str) -> list[str]:
        """Runs of whole sentences within the group budget; a line break ends a sentence."""
        if self.backend.count_tokens(text) <= ARTICLE_GROUP_TOKENS:
            return [text]
        lines = [s for line in text.splitlines() for s in split_sentences(line) if s.strip()]
        return chunk_text("\n".join(lines), self.backend.count_tokens, ARTICLE_GROUP_TOKENS)

    def translate_terms(self, terms: Sequence[tuple[str, str]]) -> list[StageOutput]:
        """Chinese renderings of English terms, each given with the sentence it stands in."""
        if not self.backend.follows_instructions:
            return self.run([TranslateItem(t, "en", "zh-Hans") for t, _ in terms])
        requests = [
            self._masked(
                build_request(
                    self.backend,
                    self._prompts,
                    "translate_terms",
                    text=term,
                    source="en",
                    target="zh-Hans",
                    max_new_tokens=_TERM_TOKENS,
                    context_sentence=context,
                )
            )
            for term, context in terms
        ]
        return [StageOutput.of(clean_output(g.text), g) for g in self.backend.generate(requests)]

    def _request(self, item: TranslateItem) -> GenerationRequest:
        text = amounts_in_target_units(item.text, item.source, item.target)
        text = with_renderings(text, item.terms, item.target)
        budget = 2 * self.backend.count_tokens(text) + 64
        request = build_request(
            self.backend,
            self._prompts,
            "translate",
            text=text,
            source=item.source,
            target=item.target,
            max_new_tokens=budget,
            glossary=prompt_lines(item.terms, item.target),
        )
        return self._masked(request)

    def _masked(self, request: GenerationRequest) -> GenerationRequest:
        if not (self._mask_words and is_chinese(request.target)):
            return request
        return replace(request, no_lowercase_words=True)
