"""A group of work items through the result cache and the engine: hits come from the cache,
misses become Documents, and each engine result becomes an Outcome to store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import LingosumError
from ..pipeline.documents import Document, Options, WorkItem
from ..pipeline.engine import DocumentResult
from ..pipeline.response import result_to_json
from .cache_key import cache_key
from .store import Outcome

CacheLookup = Callable[[Sequence[str]], dict[str, dict[str, Any]]]


@dataclass
class GroupPlan:
    options: Options
    hits: list[Outcome] = field(default_factory=list)
    misses: list[tuple[WorkItem, str]] = field(default_factory=list)  # each with its cache key

    @property
    def documents(self) -> list[Document]:
        return [Document.of(item, self.options) for item, _ in self.misses]

    def outcomes(self, results: Sequence[DocumentResult | LingosumError]) -> list[Outcome]:
        """The hits, then one outcome per miss from the engine's results (in the same order)."""
        return self.hits + [
            outcome_of(item, key, result, self.options)
            for (item, key), result in zip(self.misses, results, strict=True)
        ]


def plan_group(
    items: Sequence[WorkItem], options: Options, fingerprint: str, lookup: CacheLookup
) -> GroupPlan:
    keys = [cache_key(fingerprint, item, options) for item in items]
    found = lookup(keys)
    plan = GroupPlan(options)
    for item, key in zip(items, keys, strict=True):
        if key in found:
            plan.hits.append(Outcome(item.index, _as_requested(found[key], options), cached=True))
        else:
            plan.misses.append((item, key))
    return plan


def outcome_of(
    item: WorkItem, key: str, result: DocumentResult | LingosumError, options: Options
) -> Outcome:
    if isinstance(result, LingosumError):
        return Outcome(item.index, error=result)
    by_code = result_to_json(result, {code: code for code in options.targets.values()})
    return Outcome(item.index, _as_requested(by_code, options), cache_entry=(key, by_code))


def _as_requested(by_code: dict[str, Any], options: Options) -> dict[str, Any]:
    """A cached result (summaries keyed by catalogue code) keyed as this job asked ("zh")."""
    summaries = by_code["summaries"]
    return {**by_code, "summaries": {k: summaries[c] for k, c in options.targets.items()}}
