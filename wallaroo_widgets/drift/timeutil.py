"""Times in one place: reading any time as UTC, and the ISO 8601 spellings the wire uses.

It lives in ``drift`` because the engine needs it and drift imports nothing of the package; every other layer
may import drift (tests/test_layering.py), so client, plots, panels and the sandbox use it too.

Naive values are UTC everywhere. The spellings (each kept exactly as its wire expects):

* :func:`iso_z` — ``2024-07-29T19:48:46.944191Z``: microseconds and ``Z``; V1 assay summaries and results.
* :func:`iso_trimmed` — ``2024-07-29T19:48:46.9Z``: ``Z`` and the fraction's trailing zeros dropped; how
  Wallaroo prints its own V2 timestamps.
* :func:`iso_offset` — ``2024-07-29T19:48:46.944191+00:00``: Python's ``isoformat`` of an aware datetime (the
  offset kept); request bodies the client sends, rows the sandbox stores.
* :func:`iso_short_z` — ``isoformat`` with ``+00:00`` written ``Z`` (``2024-07-29T19:48:46Z``, no fraction when
  it is zero); the assay builder's bodies.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

import numpy as np
import pandas as pd

UTC = _dt.timezone.utc
#: what nanosecond timestamps (the windows' unit) can hold
RANGE_TEXT = "years 1678-2261"


class TimeError(ValueError):
    """A value that is not a time (``out_of_range`` False) or lies outside nanosecond timestamps (True)."""

    def __init__(self, message: str, *, out_of_range: bool = False) -> None:
        super().__init__(message)
        self.out_of_range = out_of_range


def now() -> _dt.datetime:
    """The current time, aware UTC."""
    return _dt.datetime.now(UTC)


def as_utc(ts: pd.Timestamp) -> pd.Timestamp:
    """``ts`` in UTC (a naive one is taken as UTC)."""
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def aware(value: _dt.datetime) -> _dt.datetime:
    """``value`` with its offset, or as UTC when it is naive."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_utc(value: Any, *, epoch_ms: bool = False, ns: bool = False) -> pd.Timestamp:
    """A UTC Timestamp from a datetime, Timestamp, numpy datetime64 or ISO string (any fraction digits, ``Z``
    or an offset); with ``epoch_ms`` also from a number of epoch milliseconds; with ``ns`` as a nanosecond
    timestamp (the windows' unit). :class:`TimeError` when it is none of these or out of range."""
    try:
        if isinstance(value, bool) or value is None:
            raise ValueError("not a time")
        if isinstance(value, int | float | np.integer | np.floating):
            if not epoch_ms or not np.isfinite(value):
                raise ValueError("not a time")
            ts = pd.Timestamp(int(value), unit="ms")
        else:
            ts = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TimeError(str(exc) or "not a time") from None
    if ts is pd.NaT:
        raise TimeError("not a time")
    if not ns:
        return as_utc(ts)
    try:
        ts = as_utc(ts)
        ts.as_unit("ns").value  # noqa: B018 - raises outside the nanosecond range
    except (OverflowError, ValueError):
        raise TimeError(f"out of range ({RANGE_TEXT})", out_of_range=True) from None
    return ts.as_unit("ns")


def epoch_ms(value: Any) -> int:
    """Epoch milliseconds (floored) of anything :func:`parse_utc` reads; an int is milliseconds already."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    return int(parse_utc(value, ns=True).value // 1_000_000)


def try_utc(value: Any) -> pd.Timestamp | None:
    """:func:`parse_utc` (epoch milliseconds allowed), or None when ``value`` is not a time."""
    try:
        return parse_utc(value, epoch_ms=True)
    except TimeError:
        return None


def iso_z(value: Any) -> str | None:
    """RFC 3339 UTC with microseconds and ``Z`` (as the V1 server prints), or None."""
    if value is None:
        return None
    return as_utc(pd.Timestamp(value)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_z_many(index: pd.DatetimeIndex) -> list[str]:
    """:func:`iso_z` of every timestamp at once (a naive index counts as UTC)."""
    if not len(index):
        return []
    us = index.as_unit("us").asi8  # epoch microseconds, whatever the index's unit
    return [f"{s}Z" for s in np.datetime_as_string(us.astype("datetime64[us]"), unit="us")]


def iso_trimmed(value: Any) -> str | None:
    """UTC ``Z`` form with the fraction's trailing zeros dropped (Wallaroo's own V2 timestamps), or None."""
    if value is None:
        return None
    if not isinstance(value, _dt.datetime):
        value = pd.Timestamp(value).to_pydatetime()
    return _trimmed(value)


@functools.lru_cache(maxsize=8192)
def _trimmed(value: _dt.datetime) -> str:
    """Cached: a run's results repeat their window bounds and stamps."""
    offset = value.utcoffset()
    naive = _dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond)
    text = (naive - offset if offset else naive).isoformat()
    return (text.rstrip("0") if "." in text else text) + "Z"


def iso_offset(value: Any) -> str | None:
    """Python ``isoformat`` with the offset (naive datetimes as UTC, a date as its UTC midnight); strings are
    passed through as given; None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        return aware(value).isoformat()
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=UTC).isoformat()
    raise TypeError(f"expected a datetime or RFC 3339 string, got {type(value).__name__}")


def iso_short_z(ts: pd.Timestamp | None) -> str | None:
    """``ts.isoformat()`` with ``+00:00`` written ``Z`` (a UTC Timestamp), or None."""
    return None if ts is None else ts.isoformat().replace("+00:00", "Z")
