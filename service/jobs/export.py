"""Summarized items as JSON Lines or Markdown, the output of `lingosum feed`."""

from __future__ import annotations

import json
from typing import Any

from ..pipeline.documents import RejectedItem, WorkItem
from .store import Outcome


def item_json(item: WorkItem | RejectedItem, outcome: Outcome) -> dict[str, Any]:
    """One line of output: id, title, link, and the summaries or the error."""
    line: dict[str, Any] = {
        "id": item.id,
        "title": getattr(item, "title", None),
        "link": getattr(item, "link", None),
    }
    if outcome.result is not None:
        line["summaries"] = outcome.result["summaries"]  # as in POST /v1/summarize
        line["cached"] = outcome.cached
    elif outcome.error is not None:
        line["error"] = {"code": outcome.error.code, "message": outcome.error.message}
    return line


def jsonl(line: dict[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False) + "\n"


def markdown(line: dict[str, Any]) -> str:
    title = line["title"] or line["id"]
    heading = f"## [{title}]({line['link']})" if line["link"] else f"## {title}"
    parts = [heading, ""]
    if "error" in line:
        parts += [f"*Not summarized: {line['error']['message']}*", ""]
    for key, summary in line.get("summaries", {}).items():
        parts += [f"**{key}**: {summary['text']}", ""]
    return "\n".join(parts) + "\n"
