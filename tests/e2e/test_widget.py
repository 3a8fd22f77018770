"""`<lingosum-summary>` in Chromium on a real `lingosum serve` and the real default model: the
demo page on the server's own origin (keys off on loopback), a CMS page on another origin with
a browser token (real CORS), one on an origin the key does not allow, and a streamed request
whose client goes away."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from tests.browser import chromium, wait_until_filled

from .conftest import SAMPLE_ARTICLE, running_server

pytestmark = pytest.mark.e2e

FRENCH = (
    "Le conseil municipal de Lyon a voté mardi un budget de 12 millions d'euros pour rénover "
    "trois écoles du quartier de la Guillotière. Les travaux commenceront en juin."
)
CMS_PORT, OTHER_PORT = 8181, 8182


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def test_the_demo_page_streams_a_draft_then_both_summaries(
    server: httpx.Client, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server.base_url}/")
    page.click("#load-sample")
    wait_until_filled(page, "#body")
    assert page.input_value("#body").strip() == SAMPLE_ARTICLE.read_text(encoding="utf-8").strip()
    clicked = time.monotonic()
    page.get_by_role("button", name="Summarize").click()
    draft = page.locator('lingosum-summary section[data-target="en"] .text.draft')
    draft.wait_for(timeout=600_000)
    first_draft = time.monotonic() - clicked
    assert draft.inner_text().strip()
    assert "Done" not in page.locator("lingosum-summary [part=status]").inner_text()
    for target in ("en", "zh"):
        pane = page.locator(f'lingosum-summary section[data-target="{target}"]')
        pane.get_by_text("Final", exact=True).wait_for(timeout=900_000)
    total = time.monotonic() - clicked
    english = page.locator('lingosum-summary section[data-target="en"] [part=text]').inner_text()
    chinese = page.locator('lingosum-summary section[data-target="zh"] [part=text]').inner_text()
    assert "Abe" in english and "Trump" in english
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    page.locator("#timings-card").wait_for()
    print(f"demo page: first draft after {first_draft:.1f} s, both final after {total:.1f} s")
    page.close()


class _CMS(BaseHTTPRequestHandler):
    """A CMS page with the component, and the back-end route that hands it a token."""

    lingosum = ""
    key = ""

    def do_GET(self) -> None:
        page = f"""<!doctype html><title>CMS</title>
<input id="headline" value="Lyon rénove trois écoles">
<textarea id="body">{FRENCH}</textarea>
<script src="{self.lingosum}/widget/lingosum-summary.js" defer></script>
<lingosum-summary source="#body" title-source="#headline" targets="en" length="short"
  token-url="/token"></lingosum-summary>"""
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def do_POST(self) -> None:
        origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        answer = httpx.post(
            f"{self.lingosum}/v1/tokens",
            json={"origin": origin, "ttl_s": 300},
            headers={"Authorization": f"Bearer {self.key}"},
        )
        self._send(answer.status_code, answer.content, "application/json")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def cms_page(port: int, lingosum: str, key: str) -> Iterator[str]:
    handler = type("Handler", (_CMS,), {"lingosum": lingosum, "key": key})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_cms_page_on_another_origin_with_a_token_and_one_the_key_does_not_allow(
    browser: Any, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "service.cli", "keys", "create", "cms"]
    command += ["--origin", f"http://127.0.0.1:{CMS_PORT}", "--data-dir", str(tmp_path)]
    key = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
    with running_server("--data-dir", str(tmp_path)) as server:
        lingosum = str(server.base_url).rstrip("/")
        with cms_page(CMS_PORT, lingosum, key) as cms, cms_page(OTHER_PORT, lingosum, key) as other:
            page = browser.new_page()
            page.goto(cms)
            page.get_by_role("button", name="Summarize").click()
            english = page.locator('lingosum-summary section[data-target="en"]')
            english.get_by_text("Final", exact=True).wait_for(timeout=600_000)
            assert "Lyon" in english.locator("[part=text]").inner_text()

            page.goto(other)
            page.get_by_role("button", name="Summarize").click()
            error = page.locator("lingosum-summary [part=error]")
            error.wait_for(timeout=60_000)
            refusal = error.inner_text()
            page.close()
    assert refusal.startswith("This page is not allowed to use the summary service (403).")
    assert f"http://127.0.0.1:{OTHER_PORT}" in refusal


def test_a_client_that_goes_away_frees_the_model_within_about_a_second(
    server: httpx.Client,
) -> None:
    article = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    with connect_sse(server, "POST", "/v1/summarize", json={"text": article}) as source:
        for event in source.iter_sse():
            if event.event == "detected":
                break
        time.sleep(2)  # the model is reading the article (it takes several seconds)
    gone = time.monotonic()
    short = {"text": FRENCH, "targets": ["en"], "length": "short"}
    heard: list[tuple[str, Any, float]] = []
    with connect_sse(server, "POST", "/v1/summarize", json=short) as source:
        for event in source.iter_sse():
            heard.append((event.event, json.loads(event.data), time.monotonic() - gone))
            if event.event in ("done", "error"):
                break
    names = [name for name, _, _ in heard]
    assert names[-1] == "done", heard
    # Its turn came once the abandoned run stopped: at once, or after queued {1} then {0}; its
    # first draft then came as soon as the model had read its own prompt. A model still busy
    # with the abandoned article would have held it back for minutes.
    turn = next((s for name, data, s in heard if name == "queued" and data["position"] == 0), 0.0)
    first_delta = next(s for name, _, s in heard if name == "delta")
    summarize = next(e for e in heard[-1][1]["route"] if e["stage"] == "summarize")
    reading = summarize["prefill_ms"] / 1000
    print(
        f"after the disconnect: turn at {turn:.2f} s, first delta at {first_delta:.2f} s, "
        f"of which {reading:.2f} s reading its prompt; events {names[:4]}"
    )
    assert turn < 2.5, heard
    assert first_delta - reading < 5, heard
