"""`lingosum feed`: read a feed, summarize its items in this process (through the result
cache), show progress on stderr and write one record per item as it finishes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import LingosumError
from ..pipeline.documents import Document, Options
from ..pipeline.engine import DocumentResult, Engine
from ..pipeline.stages.summarize import Length
from ..settings import Settings
from .cache_key import model_fingerprint
from .export import item_json, jsonl, markdown
from .feed_input import feed_items
from .inline import summarize_inline
from .manager import open_store


def run_feed(
    source: str,
    settings: Settings,
    targets: list[str],
    length: Length,
    output_format: str,
    out: TextIO,
) -> int:
    """Item errors are written as records; the run itself succeeds (0) unless it cannot start."""
    options = Options.parse(targets, length)
    path = Path(source)
    described, items = feed_items(path.read_bytes() if path.is_file() else source, settings)
    if output_format == "md" and described.get("feed_title"):
        out.write(f"# {described['feed_title']}\n\n")
    engine = Engine(settings)
    store = open_store(settings)
    counts = {"summarized": 0, "from the cache": 0, "failed": 0}

    def summarize(documents: Sequence[Document]) -> list[DocumentResult | LingosumError]:
        if not engine.ready:  # loaded on first need: a feed answered from the cache never is
            engine.start()
        return engine.summarize(documents)

    try:
        fingerprint = model_fingerprint(settings)
        with _progress_bar() as progress:
            task = progress.add_task("summarizing", total=len(items))
            for item, outcome in summarize_inline(
                summarize, store, fingerprint, items, options, settings.job_group
            ):
                line = item_json(item, outcome)
                out.write(markdown(line) if output_format == "md" else jsonl(line))
                out.flush()
                counts["failed" if outcome.error else "summarized"] += 1
                counts["from the cache"] += outcome.cached
                progress.advance(task)
            progress.console.print(", ".join(f"{n} {what}" for what, n in counts.items()))
    finally:
        engine.close()
        store.close()
    return 0


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
