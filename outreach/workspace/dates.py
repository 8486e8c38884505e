"""The days outreach accepts on its command line.

A date is written YYYY-MM-DD. The documents and the calendar count a few days on from
the date given (the day to call back, the day a thank-you is due, the end of an
all-day event), so the last days of the calendar are refused with a clear message
rather than failing half-way.
"""

from __future__ import annotations

import datetime as dt
import re

#: The latest day any command takes: what is counted from it stays inside the calendar.
LATEST = dt.date(9998, 12, 31)
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` as a date; ValueError with a message a person reads otherwise."""
    try:
        if not _ISO.fullmatch(text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD") from None
    if day > LATEST:
        raise ValueError(f"{text} is too far ahead: outreach takes dates up to "
                         f"{LATEST.isoformat()}")
    return day
