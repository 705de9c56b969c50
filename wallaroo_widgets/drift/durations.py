"""Wallaroo duration strings ("24 hours", "1 minute", "7 days", "500 ms") as ``datetime.timedelta``."""

from __future__ import annotations

import datetime as _dt
import re

_UNITS = {
    "ms": "milliseconds", "msec": "milliseconds", "msecs": "milliseconds",
    "millisecond": "milliseconds", "milliseconds": "milliseconds",
    "s": "seconds", "sec": "seconds", "secs": "seconds", "second": "seconds", "seconds": "seconds",
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks",
}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")


def parse_duration(text: str | _dt.timedelta, name: str = "duration") -> _dt.timedelta:
    """Parse ``"<number> <unit>"`` (units ms, second, minute, hour, day, week; singular, plural or short).

    A ``timedelta`` passes through. Raises ``ValueError`` naming ``name`` on anything else or a
    non-positive duration.
    """
    if isinstance(text, _dt.timedelta):
        delta = text
    else:
        if not isinstance(text, str):
            raise ValueError(f"{name} must be a duration string such as '24 hours', got {text!r}")
        match = _PATTERN.match(text)
        unit = _UNITS.get(match.group(2).lower()) if match else None
        if match is None or unit is None:
            raise ValueError(f"{name} {text!r} is not a duration such as '1 minute', '24 hours' or '7 days'")
        delta = _dt.timedelta(**{unit: float(match.group(1))})
    if delta <= _dt.timedelta(0):
        raise ValueError(f"{name} must be positive, got {text!r}")
    return delta
