"""Feed dates as ISO 8601 in UTC, including the localized ones feedparser cannot read."""

from __future__ import annotations

import calendar
import time
from datetime import datetime, timezone

_DATEPARSER_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # never "2 hours ago": unstable
}


def iso_from_struct(moment: time.struct_time) -> str:
    """feedparser's parsed dates are UTC struct_times."""
    return datetime.fromtimestamp(calendar.timegm(moment), tz=timezone.utc).isoformat()


def iso_from_text(text: str) -> str | None:
    """A date in words of any language ('Seg, 24 Set 2018 19:42:40 -0300'), or None."""
    import dateparser  # imported on first use: it loads its language data slowly

    moment: datetime | None = dateparser.parse(text, settings=_DATEPARSER_SETTINGS)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()
