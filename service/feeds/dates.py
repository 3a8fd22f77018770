"""Feed dates as ISO 8601 in UTC, including the localized ones feedparser cannot read."""

from __future__ import annotations

import calendar
import functools
import threading
import time
from datetime import datetime, timezone
from typing import Any

_DATEPARSER_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # never "2 hours ago": unstable
}
_lock = threading.Lock()  # a dateparser parser remembers the locales it last matched


def iso_from_struct(moment: time.struct_time) -> str:
    """feedparser's parsed dates are UTC struct_times."""
    return datetime.fromtimestamp(calendar.timegm(moment), tz=timezone.utc).isoformat()


class LocalizedDates:
    """Reads one feed's dates in words ('Seg, 24 Set 2018 19:42:40 -0300') with dateparser.

    The feed's language is tried first; without one, the language found for the first date is
    tried first for the rest (a search through every language takes a tenth of a second).
    """

    def __init__(self, language: str | None) -> None:
        self._language = _language_code(language)

    def iso(self, text: str) -> str | None:
        with _lock:
            moment, _ = _parse(text, self._language) if self._language else (None, None)
            if moment is None:
                moment, found = _parse(text, None)
                self._language = self._language or _language_code(found)
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat()


def _language_code(language: str | None) -> str | None:
    return (language.split("-")[0].strip().lower() or None) if language else None


def _parse(text: str, language: str | None) -> tuple[datetime | None, str | None]:
    try:
        data = _parser(language).get_date_data(text)
    except ValueError:  # a language dateparser does not know
        return None, None
    return data.date_obj, data.locale


@functools.lru_cache(maxsize=64)
def _parser(language: str | None) -> Any:
    # Built once and kept: a new parser loads its language data again (seconds without a hint).
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[language] if language else None, settings=_DATEPARSER_SETTINGS)
