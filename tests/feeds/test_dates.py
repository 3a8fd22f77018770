"""Dates in words of other languages, which feedparser leaves unread."""

from __future__ import annotations

import pytest

from service.feeds.dates import LocalizedDates


@pytest.mark.parametrize(
    ("text", "language", "iso"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", "pt-BR", "2018-09-24T22:42:40+00:00"),
        ("Seg, 24 Set 2018 19:42:40 -0300", None, "2018-09-24T22:42:40+00:00"),
        ("Di, 05 Mär 2024 08:30:00 +0100", "de", "2024-03-05T07:30:00+00:00"),
        ("Lun, 15 Ene 2024 12:00:00 GMT", "xx-unknown", "2024-01-15T12:00:00+00:00"),
    ],
)
def test_localized_dates(text: str, language: str | None, iso: str) -> None:
    assert LocalizedDates(language).iso(text) == iso


@pytest.mark.parametrize("text", ["not a date at all", "hace 2 horas", "yesterday"])
def test_no_date_or_a_relative_one_gives_none(text: str) -> None:
    assert LocalizedDates(None).iso(text) is None


def test_a_wrong_feed_language_does_not_hide_the_date() -> None:
    assert LocalizedDates("de").iso("Seg, 24 Set 2018 19:42:40 -0300") == (
        "2018-09-24T22:42:40+00:00"
    )
