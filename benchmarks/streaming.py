"""Streamed against plain summaries of the sample article over HTTP, on a real `lingosum serve`:
time to the first `delta`, to the first final `summary`, and to `done`, beside the plain
request's total in the same run.

    .venv/bin/python -m benchmarks.streaming [--runs N] [--screenshot docs/demo.png]

With --screenshot it then summarizes the sample on the demo page in Chromium (/usr/bin/chromium)
and saves a screenshot of the result.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from httpx_sse import connect_sse

from .server import Server

_MARKS = {"delta": "first_delta", "summary": "first_summary"}
SAMPLE = Path(__file__).resolve().parent.parent / "service/api/static/demo/sample-article.en.txt"


def streamed(server: Server, body: dict[str, Any]) -> dict[str, float]:
    marks: dict[str, float] = {}
    started = time.perf_counter()
    with connect_sse(server.client, "POST", "/v1/summarize", json=body) as source:
        for event in source.iter_sse():
            name = _MARKS.get(event.event, event.event)
            marks.setdefault(name, round(time.perf_counter() - started, 2))
            if event.event == "done":
                route = json.loads(event.data)["route"]
                marks["prefill"] = round(route[1]["prefill_ms"] / 1000, 2)  # the summarize call
    return marks


def plain(server: Server, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    server.client.post("/v1/summarize", json=body).raise_for_status()
    return round(time.perf_counter() - started, 2)


def screenshot(server: Server, path: Path) -> None:
    from tests.browser import chromium

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
        page.goto(f"{server.client.base_url}/")
        page.click("#load-sample")
        page.wait_for_function("document.querySelector('#body').value.length > 0")
        page.get_by_role("button", name="Summarize").click()
        page.locator("#timings-card").wait_for(timeout=900_000)
        page.get_by_role("button", name="Insert the English summary").click()
        page.screenshot(path=str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    body = {"text": SAMPLE.read_text(encoding="utf-8")}
    server = Server.start()
    try:
        for run in range(args.runs):
            marks = streamed(server, body)
            total = plain(server, body)
            print(json.dumps({"run": run + 1, "streamed": marks, "plain_total": total}), flush=True)
        if args.screenshot:
            screenshot(server, args.screenshot)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
