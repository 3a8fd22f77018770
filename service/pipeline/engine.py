"""The summarization engine: detect, plan, run the model steps in batches (the guard checks
each fresh summary), finalize.

It knows nothing of HTTP. Documents go in as a batch; model steps that share a stage,
language pair and model run as one model call across documents, so batch work makes
fewer, larger calls. Each document gets its own result or its own error. Each summary is
finalized as soon as the step that writes it is done, so that a `Follower` of a single
document hears of it before the next step runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..backends import Backend, ChatMessage, GenerationRequest, ModelSpec, load_backend
from ..checks.chinese_names import load_dictionary
from ..checks.facts import ArticleFacts
from ..checks.glossary import entries_in
from ..errors import LingosumError
from ..settings import Settings
from ..text.languages import is_chinese
from .documents import Document
from .drafts import DraftTap, Follower
from .plan import (
    ARTICLE,
    ARTICLE_EN,
    SOURCE_ROUTES,
    ZH,
    Models,
    SourceRoute,
    Step,
    plan_route,
    summary_slot,
)
from .prompts import PromptBook
from .stages.detect import Detection, LanguageDetector
from .stages.finalize import Finalized, FinalizeItem, Finalizer
from .stages.guard import GuardItem, SummaryGuard
from .stages.model_requests import RouteEntry, StageOutput, timed
from .stages.summarize import SummarizeItem, Summarizer
from .stages.support import SupportCheck, SupportItem
from .stages.translate import TranslateItem, Translator

log = logging.getLogger(__name__)


@dataclass
class DocumentResult:
    source_language: str
    language_confidence: float
    language_detected: bool
    summaries: dict[str, Finalized]
    route: list[RouteEntry] = field(default_factory=list)
    pipeline_warnings: list[str] = field(default_factory=list)
    chunks: int = 1  # more than one: the article was summarized map-reduce

    @property
    def warnings(self) -> list[str]:
        finalize = [w for summary in self.summaries.values() for w in summary.warnings]
        return self.pipeline_warnings + finalize


@dataclass
class _Work:
    document: Document
    steps: list[Step]
    slots: dict[str, str]
    route: list[RouteEntry]
    warnings: list[str] = field(default_factory=list)
    detection: Detection | None = None
    facts: ArticleFacts | None = None  # read once the language is known
    summaries: dict[str, Finalized] = field(default_factory=dict)
    repairs: dict[str, list[str]] = field(default_factory=dict)  # the guard's, by slot
    unsupported: dict[str, list[str]] = field(default_factory=dict)  # sentences, by slot
    error: LingosumError | None = None
    done: int = 0
    chunks: int = 1

    @property
    def article(self) -> ArticleFacts:
        assert self.facts is not None  # set with the detection, before any step runs
        return self.facts


class Engine:
    """Built from settings; `start()` loads and warms the models, `close()` frees them."""

    def __init__(
        self,
        settings: Settings,
        *,
        summarizer: Backend | None = None,
        translator: Backend | None = None,
    ) -> None:
        self.settings = settings
        self.detector = LanguageDetector()
        self._prompts = PromptBook(settings.prompts_dir, support=settings.support_check != "off")
        self._given = (summarizer, translator)
        self._summarizer: Summarizer | None = None
        self._translator: Translator | None = None
        self._support: SupportCheck | None = None
        self._taps: list[DraftTap] = []
        # Each source language's route to English (see plan.SOURCE_ROUTES); the eval sets it.
        self.source_routes: dict[str, SourceRoute] = dict(SOURCE_ROUTES)

    @property
    def ready(self) -> bool:
        return self._summarizer is not None

    def start(self) -> None:
        self.detector.detect(["Loading the language profiles."])
        load_dictionary()
        summarizer_backend, translator_backend = self._given
        if summarizer_backend is None:
            summarizer_backend = load_backend(
                ModelSpec.parse(self.settings.summarizer_model), self.settings
            )
        if translator_backend is None:
            same = self.settings.translator_model == self.settings.summarizer_model
            translator_backend = (
                summarizer_backend
                if same
                else load_backend(ModelSpec.parse(self.settings.translator_model), self.settings)
            )
        if self.settings.warmup:
            for backend in {id(b): b for b in (summarizer_backend, translator_backend)}.values():
                _warm_up(backend)
        taps = {id(b): DraftTap(b) for b in (summarizer_backend, translator_backend)}
        self._taps = list(taps.values())
        self._translator = Translator(
            taps[id(translator_backend)], self._prompts, mask_words=self.settings.zh_word_mask
        )
        self._summarizer = Summarizer(
            taps[id(summarizer_backend)], self._prompts, self.settings.chunk_tokens
        )
        if self.settings.support_check != "off":
            self._support = SupportCheck(self._summarizer, self.settings.support_check)

    def close(self) -> None:
        backends = {id(s.backend): s.backend for s in (self._summarizer, self._translator) if s}
        for backend in backends.values():
            backend.close()
        self._summarizer = self._translator = None

    def detect(self, texts: Sequence[str]) -> list[Detection]:
        return self.detector.detect(texts)

    def summarize(
        self,
        documents: Sequence[Document],
        follower: Follower | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[DocumentResult | LingosumError]:
        """Each document's result or error; a `follower` follows the one document given. Once
        `cancelled` (or the follower's own) says so, the model stops within about a token and
        the documents not done get the error `cancelled`."""
        summarizer, translator = self._stages()
        assert follower is None or len(documents) == 1
        works = [_Work(doc, [], {ARTICLE: doc.text}, []) for doc in documents]
        finalizing = _Finalizing(Finalizer(translator), follower)
        for tap in self._taps:
            tap.attach(follower, cancelled)
        try:
            self._detect_and_plan(works, summarizer, translator, follower)
            while pending := [w for w in works if w.error is None and w.done < len(w.steps)]:
                for steps, group in _group_by_next_step(pending).items():
                    with self._drafting(steps, group):
                        self._run_steps(steps, group, summarizer, translator)
                    for step in steps:
                        self._check_support(step, group)  # before a translation reads it
                        finalizing.run(step.writes, [w for w in group if w.error is None])
        finally:
            for tap in self._taps:
                tap.attach(None)
        return [self._result(work, finalizing) for work in works]

    @contextmanager
    def _drafting(self, steps: tuple[Step, ...], group: list[_Work]) -> Iterator[None]:
        """While `steps` run, their model calls are drafts of the summaries they write."""
        document = group[0].document
        drafting = (
            tuple(t for step in steps for t in _targets_of(step.writes, document))
            if len(group) == 1
            else ()
        )
        for tap in self._taps:
            tap.drafting = drafting
        try:
            yield
        finally:
            for tap in self._taps:
                tap.drafting = ()

    def _stages(self) -> tuple[Summarizer, Translator]:
        if self._summarizer is None or self._translator is None:
            raise LingosumError(
                "not_ready", "The models are still loading.", status=503, retry_after=5
            )
        return self._summarizer, self._translator

    def _detect_and_plan(
        self,
        works: list[_Work],
        summarizer: Summarizer,
        translator: Translator,
        follower: Follower | None,
    ) -> None:
        models = Models(
            summarizer=summarizer.backend.name,
            translator=translator.backend.name,
            summarizer_is_multilingual=summarizer.backend.follows_instructions,
        )
        for work in works:
            with timed() as elapsed:
                try:
                    known = follower.detection if follower else None
                    work.detection = known or self._source_of(work.document)
                except LingosumError as error:
                    work.error = error
                    continue
            work.route.append(
                RouteEntry("detect", self.detector.name, None, work.detection.language, elapsed())
            )
            source = _with_title(work.document)  # the summary may state what the title does
            work.facts = ArticleFacts(
                source, work.detection.language, entries_in(work.document.glossary, source)
            )
            work.steps = plan_route(
                work.detection.language,
                set(work.document.targets),
                models,
                self.settings.zh_route,
                self.source_routes,
                self.settings.zh_from,
            )

    def _source_of(self, document: Document) -> Detection:
        if document.source_language:
            return Detection(document.source_language, 1.0)
        return self.detector.detect([document.text])[0]

    def _run_steps(
        self,
        steps: tuple[Step, ...],
        group: list[_Work],
        summarizer: Summarizer,
        translator: Translator,
    ) -> None:
        try:
            done = (
                self._summarize(steps, group, summarizer)
                if steps[0].stage == "summarize"
                else [[one] for one in self._translate(steps[0], group, translator)]
            )
        except LingosumError as error:
            if len(group) == 1:
                group[0].error = error
                return
            for work in group:  # find which documents fail on their own
                self._run_steps(steps, [work], summarizer, translator)
            return
        for work, outputs in zip(group, done, strict=True):
            for step, (output, entries) in zip(steps, outputs, strict=True):
                work.chunks = max(work.chunks, output.chunks)
                work.slots[step.writes] = output.text
                work.route += entries
                work.done += 1

    @staticmethod
    def _summarize(
        steps: tuple[Step, ...], group: list[_Work], summarizer: Summarizer
    ) -> list[list[tuple[StageOutput, list[RouteEntry]]]]:
        """Each document's guarded summary of each step, with the route entries of the draft
        and of the guard's revision, where it asked for one. Steps planned beside each other
        run as one call per document: the backend shares only the prompt prefix common to a
        whole call, so a document's article is read once only in a call of its own."""
        calls = [group] if len(steps) == 1 else [[work] for work in group]
        flat: list[tuple[StageOutput, list[RouteEntry]]] = []  # work by work, step by step
        for works in calls:
            asked = [(step, work) for work in works for step in steps]
            items = [GuardItem(_asked(step, work), work.article) for step, work in asked]
            with timed() as elapsed:
                drafts = summarizer.run([item.asked for item in items])
            timing = (elapsed(), len(works))
            guarded = SummaryGuard(summarizer).run(items, drafts)
            for (step, work), draft, result in zip(asked, drafts, guarded, strict=True):
                work.warnings += result.warnings
                work.repairs[step.writes] = result.repairs
                entry = RouteEntry.of_call(
                    step.stage, step.model, (step.source, step.target), timing, [draft]
                )
                flat.append((result.output, [entry, *result.calls]))
        return [flat[i : i + len(steps)] for i in range(0, len(flat), len(steps))]

    def _check_support(self, step: Step, group: list[_Work]) -> None:
        """Drop the sentences of a fresh English summary that its article does not state."""
        if self._support is None or step.stage != "summarize" or step.target != "en":
            return
        works = [w for w in group if w.error is None]
        if not works:
            return
        try:
            checked = self._support.run(
                [SupportItem(_asked(step, w), w.slots[step.writes]) for w in works]
            )
        except LingosumError as error:
            for work in works:
                work.error = error
            return
        for work, result in zip(works, checked, strict=True):
            work.slots[step.writes] = result.text
            work.repairs.setdefault(step.writes, []).extend(result.repairs)
            work.unsupported[step.writes] = result.unsupported
            work.warnings += result.warnings
            work.route += result.calls

    @staticmethod
    def _translate(
        step: Step, group: list[_Work], translator: Translator
    ) -> list[tuple[StageOutput, list[RouteEntry]]]:
        items = [
            TranslateItem(
                _with_title(w.document) if step.reads == ARTICLE else w.slots[step.reads],
                step.source,
                step.target,
                w.article.terms,
            )
            for w in group
        ]
        with timed() as elapsed:
            outputs = (
                translator.run_articles(items) if step.reads == ARTICLE else translator.run(items)
            )
        timing = (elapsed(), len(group))
        languages = (step.source, step.target)
        return [
            (output, [RouteEntry.of_call(step.stage, step.model, languages, timing, [output])])
            for output in outputs
        ]

    @staticmethod
    def _result(work: _Work, finalizing: _Finalizing) -> DocumentResult | LingosumError:
        if work.error is not None or work.detection is None:
            return work.error or LingosumError("internal", "No result.", 500)
        summaries = {target: work.summaries[target] for target in work.document.targets}
        for summary in summaries.values():
            work.route += summary.calls
        work.route.append(
            RouteEntry("finalize", Finalizer.name, None, None, finalizing.ms, finalizing.items)
        )
        return DocumentResult(
            work.detection.language,
            work.detection.confidence,
            work.document.source_language is None,
            summaries,
            work.route,
            work.warnings,
            work.chunks,
        )


@dataclass
class _Finalizing:
    """Finalizes summaries as their steps write them; the route's `finalize` entry reports the
    time of all these runs but their model calls (reported on their own), and their items."""

    finalizer: Finalizer
    follower: Follower | None
    ms: float = 0.0
    items: int = 0

    def run(self, slot: str, works: list[_Work]) -> None:
        items = [
            (
                work,
                target,
                FinalizeItem(work.slots[slot], target, work.article, _translated_from(work, slot)),
            )
            for work in works
            for target in _targets_of(slot, work.document)
        ]
        if not items:
            return
        model_ms = self.finalizer.model_ms
        with timed() as elapsed:
            finalized = self.finalizer.run([item for _, _, item in items])
        self.ms = round(self.ms + elapsed() - (self.finalizer.model_ms - model_ms), 1)
        self.items += len(items)
        for (work, target, _), result in zip(items, finalized, strict=True):
            result.repairs[:0] = work.repairs.get(slot, [])
            result.unsupported_sentences = work.unsupported.get(slot, [])
            work.summaries[target] = result
            if self.follower is not None:
                self.follower.final(target, result)


def _asked(step: Step, work: _Work) -> SummarizeItem:
    """What the summarize `step` gives the summarizer for `work`."""
    return SummarizeItem(
        work.slots[step.reads],
        None if step.reads == ARTICLE_EN else work.document.title,  # translated in the article
        step.source,
        step.target,
        work.document.length,
        work.article.terms,
        step.beside,
    )


def _with_title(document: Document) -> str:
    title = (document.title or "").strip()
    return f"{title}\n\n{document.text}" if title else document.text


def _targets_of(slot: str, document: Document) -> tuple[str, ...]:
    """The document's targets whose summary is the text in `slot`."""
    return tuple(t for t in document.targets if summary_slot(ZH if is_chinese(t) else t) == slot)


def _translated_from(work: _Work, slot: str) -> str | None:
    step = next((s for s in work.steps if s.stage == "translate" and s.writes == slot), None)
    return work.slots[step.reads] if step else None


def _group_by_next_step(works: list[_Work]) -> dict[tuple[Step, ...], list[_Work]]:
    """The works by their next step, with the steps planned to run beside it."""
    groups: dict[tuple[Step, ...], list[_Work]] = {}
    for work in works:
        end = work.done + 1
        while end < len(work.steps) and work.steps[end].beside:
            end += 1
        groups.setdefault(tuple(work.steps[work.done : end]), []).append(work)
    return groups


def _warm_up(backend: Backend) -> None:
    started = time.perf_counter()
    backend.generate([GenerationRequest((ChatMessage("user", "Say OK."),), "OK", "en", "en", 4)])
    log.info("warmed up %s in %.1fs", backend.name, time.perf_counter() - started)
