"""Items summarized in this process, in groups, through the same result cache as the jobs.

The `lingosum feed` command uses it: no server, no job rows, only cache reads and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from ..errors import LingosumError
from ..pipeline.documents import Document, Options, RejectedItem, WorkItem
from ..pipeline.engine import DocumentResult
from .outcomes import plan_group
from .store import JobStore, Outcome

Summarize = Callable[[Sequence[Document]], list[DocumentResult | LingosumError]]


def summarize_inline(
    summarize: Summarize,
    store: JobStore,
    fingerprint: str,
    items: Sequence[WorkItem | RejectedItem],
    options: Options,
    group_size: int,
) -> Iterator[tuple[WorkItem | RejectedItem, Outcome]]:
    """Each item with its outcome, in the items' order, one group at a time.

    `summarize` is only called for items the cache does not have.
    """
    for start in range(0, len(items), group_size):
        group = items[start : start + group_size]
        accepted = [item for item in group if isinstance(item, WorkItem)]
        plan = plan_group(accepted, options, fingerprint, store.cached)
        results = summarize(plan.documents) if plan.misses else []
        outcomes = {outcome.index: outcome for outcome in plan.outcomes(results)}
        for outcome in outcomes.values():
            if outcome.cache_entry is not None:
                store.put_cache(*outcome.cache_entry)
        for item in group:
            if isinstance(item, RejectedItem):
                yield item, Outcome(item.index, error=item.error)
            else:
                yield item, outcomes[item.index]
