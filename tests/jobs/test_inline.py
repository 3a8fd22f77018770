"""Items summarized in-process (the `lingosum feed` path): order, cache, errors, output."""

from __future__ import annotations

import json
from pathlib import Path

from service.errors import LingosumError
from service.jobs.cache_key import model_fingerprint
from service.jobs.export import item_json, jsonl, markdown
from service.jobs.inline import summarize_inline
from service.jobs.store import JobStore
from service.pipeline.documents import Options, RejectedItem, WorkItem
from service.pipeline.engine import Engine
from service.settings import Settings
from tests.fakes import FakeBackend, task_of, write_prompts

OPTIONS = Options.parse(["en", "zh"], "short")


def respond(request):  # type: ignore[no-untyped-def]
    return "A bridge opened." if task_of(request) in ("summarize", "revise") else "一座桥开通了。"


def feed_items() -> list[WorkItem | RejectedItem]:
    return [
        WorkItem(0, "a", "The harbor bridge opened on Tuesday.", "Bridge", None, "https://n/a"),
        RejectedItem(1, "b", LingosumError("invalid_request", "text: text is empty", 422)),
        WorkItem(2, "c", "The second harbor bridge opened on Friday.", None, None, None),
    ]


def run(tmp_path: Path, backend: FakeBackend) -> list[dict[str, object]]:
    settings = Settings(prompts_dir=write_prompts(tmp_path / "prompts"), warmup=False)
    engine = Engine(settings, summarizer=backend, translator=backend)
    engine.start()
    store = JobStore.open(tmp_path / "data")
    try:
        pairs = summarize_inline(
            engine.summarize, store, model_fingerprint(settings), feed_items(), OPTIONS, 2
        )
        return [item_json(item, outcome) for item, outcome in pairs]
    finally:
        store.close()


def test_items_come_back_in_order_with_their_errors_and_go_through_the_cache(
    tmp_path: Path,
) -> None:
    backend = FakeBackend(respond)
    lines = run(tmp_path, backend)

    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert lines[0]["title"] == "Bridge" and lines[0]["link"] == "https://n/a"
    assert lines[0]["summaries"]["zh"]["text"] == "一座桥开通了。"  # type: ignore[index]
    assert lines[1]["error"] == {"code": "invalid_request", "message": "text: text is empty"}
    assert [line.get("cached") for line in lines] == [False, None, False]
    calls = len(backend.requests)

    again = run(tmp_path, backend)
    assert [line.get("cached") for line in again] == [True, None, True]
    assert len(backend.requests) == calls
    assert [line.get("summaries") for line in again] == [line.get("summaries") for line in lines]


def test_jsonl_and_markdown_records(tmp_path: Path) -> None:
    lines = run(tmp_path, FakeBackend(respond))

    assert json.loads(jsonl(lines[0])) == lines[0]
    assert jsonl(lines[0]).count("\n") == 1
    assert markdown(lines[0]).startswith("## [Bridge](https://n/a)\n")
    assert "**zh**: 一座桥开通了。" in markdown(lines[0])
    assert "*Not summarized: text: text is empty*" in markdown(lines[1])
    assert markdown(lines[2]).startswith("## c\n")
