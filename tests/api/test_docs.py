"""/docs and /redoc render in Chromium with every request off the server refused."""

from __future__ import annotations

from typing import Any

from service.settings import Settings
from tests.api.live import live_server
from tests.api.support import scripted
from tests.browser import chromium
from tests.fakes import FakeBackend

PORT = 8174
ORIGIN = f"http://127.0.0.1:{PORT}"


def test_docs_and_redoc_render_their_operations_without_internet(settings: Settings) -> None:
    elsewhere: list[str] = []

    def offline(route: Any) -> None:
        if route.request.url.startswith(ORIGIN):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    with live_server(settings, FakeBackend(scripted), PORT), chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.route("**/*", offline)
        page.goto(f"{ORIGIN}/docs")
        page.locator(".opblock-summary-path", has_text="/v1/summarize").first.wait_for()
        operations = page.locator(".opblock").count()
        page.goto(f"{ORIGIN}/redoc")
        page.get_by_text("Summarize one article into English and/or Chinese").first.wait_for()
    assert operations >= 10
    assert elsewhere == []
