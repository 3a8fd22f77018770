"""The `<lingosum-summary>` component on the demo page, in Chromium, on a fake model that
writes a word every few milliseconds: each state a user sees, and the events a CMS reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from service.settings import Settings
from tests.api.live import live_server
from tests.api.support import create_key, scripted
from tests.browser import chromium, wait_until_filled
from tests.fakes import StreamingBackend

PORT = 8173


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_text_chars": 20_000, "max_pending_chars": 50_000})


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def open_demo(page: Any) -> None:
    page.goto(f"http://127.0.0.1:{PORT}/")
    page.evaluate(
        """() => {
          window.heard = [];
          for (const name of ["lingosum:result", "lingosum:insert"])
            document.addEventListener(name, (e) => window.heard.push([name, e.detail]));
          window.seen = [];  // [status, the text of a streaming draft] at every change
          const root = document.querySelector("lingosum-summary").shadowRoot;
          new MutationObserver(() => {
            const draft = root.querySelector(".text.draft");
            window.seen.push([root.querySelector("[part=status]").textContent,
                              draft && draft.textContent]);
          }).observe(root, {subtree: true, childList: true, characterData: true});
        }"""
    )
    page.click("#load-sample")
    wait_until_filled(page, "#body")


def pane(page: Any, target: str) -> Any:
    return page.locator(f'lingosum-summary section[data-target="{target}"]')


def test_drafts_stream_in_then_both_final_summaries_and_the_result_event(
    settings: Settings, page: Any
) -> None:
    with live_server(settings, StreamingBackend(scripted, delay=0.05), PORT):
        open_demo(page)
        summarize = page.get_by_role("button", name="Summarize")
        summarize.focus()
        page.keyboard.press("Enter")  # keyboard usable
        for target in ("en", "zh"):
            pane(page, target).get_by_text("Final", exact=True).wait_for()
        page.get_by_role("button", name="Regenerate").wait_for()
        [(name, result)] = page.evaluate("window.heard")
        seen = page.evaluate("window.seen")
    streaming = [i for i, (status, draft) in enumerate(seen) if draft and "Writing" in status]
    done = next(i for i, (status, _) in enumerate(seen) if "Done" in status)
    assert streaming and streaming[0] < done  # a draft streamed in before the run ended
    assert name == "lingosum:result"
    assert set(result["summaries"]) == {"en", "zh"}
    for target in ("en", "zh"):
        shown = pane(page, target).locator("[part=text]").inner_text()
        assert shown == result["summaries"][target]["text"]
    assert page.locator("lingosum-summary [part=status]").get_attribute("aria-live") == "polite"
    assert "English" in page.locator("lingosum-summary [part=status]").inner_text()
    assert page.locator("#timings tr").count() == len(result["route"])  # stage timings shown


def test_insert_fires_its_event_and_an_edited_story_is_stale(settings: Settings, page: Any) -> None:
    with live_server(settings, StreamingBackend(scripted), PORT):
        open_demo(page)
        page.get_by_role("button", name="Summarize").click()
        pane(page, "zh").get_by_text("Final", exact=True).wait_for()
        stale = page.locator("lingosum-summary [part=stale]")
        assert not stale.is_visible()
        page.get_by_role("button", name="Insert the Chinese (Simplified) summary").click()
        page.fill("#standfirst-zh", page.input_value("#standfirst-zh"))  # unchanged
        page.locator("#body").press("End")
        page.keyboard.type(" A late correction.")
        stale.wait_for()
        heard = page.evaluate("window.heard")
    inserted = [detail for name, detail in heard if name == "lingosum:insert"]
    final_zh = next(detail for name, detail in heard if name == "lingosum:result")["summaries"][
        "zh"
    ]
    assert inserted == [{"target": "zh", "text": final_zh["text"]}]
    assert page.input_value("#standfirst-zh") == final_zh["text"]
    assert "stale" in page.locator("lingosum-summary [part=status]").inner_text()


def test_401_in_words_then_a_key_then_429_with_the_retry_time(
    settings: Settings, page: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    key = create_key(settings.data_dir, capsys, "desk", "--rpm", "1")
    with live_server(settings, StreamingBackend(scripted), PORT):
        open_demo(page)
        error = page.locator("lingosum-summary [part=error]")
        page.get_by_role("button", name="Summarize").click()
        error.wait_for()
        assert error.inner_text().startswith("Not signed in to the summary service (401).")
        assert page.locator("#access").get_attribute("open") is not None  # the key field opened
        page.fill("#api-key", key)
        page.get_by_role("button", name="Summarize").click()
        pane(page, "zh").get_by_text("Final", exact=True).wait_for()
        assert not error.is_visible()
        page.get_by_role("button", name="Regenerate").click()
        error.wait_for()
        text = error.inner_text()
    assert text.startswith("Too many requests (429): try again in ")
    seconds = int(text.removeprefix("Too many requests (429): try again in ").split()[0])
    assert 0 < seconds <= 60
