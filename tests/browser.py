"""Debian's Chromium driven by Playwright for Python (Playwright's own browser download is not
used). Missing Chromium skips the browser tests, unless LINGOSUM_REQUIRE_E2E=1 (CI) fails them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--headless",
]


@contextmanager
def chromium() -> Iterator[object]:
    """A Playwright `Browser` on /usr/bin/chromium."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("LINGOSUM_REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_filled(page: object, selector: str) -> None:
    """Wait until a form field has a value. Playwright's own matcher, not `wait_for_function`,
    whose string predicate is an eval that the demo page's CSP (no 'unsafe-eval') refuses."""
    from playwright.sync_api import expect

    expect(page.locator(selector)).not_to_have_value("")  # type: ignore[attr-defined]
