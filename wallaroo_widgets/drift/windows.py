"""Window planning (assay-math §9): window k = [start + k·interval, start + k·interval + width)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from .durations import parse_duration
from .timeutil import TimeError, parse_utc

MAX_WINDOWS = 1_000_000


def to_timestamp(value: Any, name: str) -> pd.Timestamp:
    """A UTC Timestamp from a datetime, Timestamp, ISO string or epoch milliseconds (errors name ``name``)."""
    if value is None:
        raise ValueError(f"{name} is required")
    try:
        return parse_utc(value, epoch_ms=True)
    except TimeError as exc:
        raise ValueError(f"{name} {value!r} is not a date/time: {exc}") from None


def times_to_ns(times: Any, name: str = "times") -> np.ndarray:
    """int64 epoch nanoseconds from epoch milliseconds, datetimes, Timestamps or ISO strings."""
    if isinstance(times, str | bytes) or times is None:
        raise ValueError(f"{name} must be an array of times")
    fast = _datetime_ns(times, name)
    if fast is not None:
        return fast
    if isinstance(times, pd.Series | pd.Index):
        arr = times.to_numpy()
    else:
        arr = np.asarray(times)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64) * 1_000_000
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise ValueError(f"{name} must not contain NaN")
        return np.round(arr * 1_000_000).astype(np.int64)
    try:
        idx = pd.to_datetime(pd.Series(times) if not isinstance(times, pd.Series) else times, utc=True,
                             format="mixed")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be epoch milliseconds or date/times: {exc}") from None
    if idx.isna().any():
        raise ValueError(f"{name} must not contain missing times")
    return idx.dt.as_unit("ns").astype("int64").to_numpy()


def _datetime_ns(times: Any, name: str) -> np.ndarray | None:
    """Epoch ns of datetime64 data (tz-aware or naive = UTC, any unit) as an int64 view, no Python objects;
    None for anything else (lists, object arrays, strings, numbers)."""
    dtype = getattr(times, "dtype", None)
    if isinstance(dtype, pd.DatetimeTZDtype):  # tz_convert(None): the UTC instants, no Python objects
        data = pd.DatetimeIndex(times).tz_convert(None).to_numpy()
    elif isinstance(dtype, np.dtype) and dtype.kind == "M":
        data = times.to_numpy() if isinstance(times, pd.Series | pd.Index) else np.asarray(times)
    else:
        return None
    if data.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {data.shape}")
    if np.isnat(data).any():
        raise ValueError(f"{name} must not contain missing times")
    unit, _ = np.datetime_data(data.dtype)
    ints = data.view(np.int64)
    scale = _NS_PER.get(unit)
    if scale is None:
        return None  # generic or calendar units (Y, M: no fixed span): the general path
    if scale == 1:
        return ints.copy()
    limit = np.iinfo(np.int64).max // scale
    if ints.size and (ints.max() > limit or ints.min() < -limit):
        raise ValueError(f"{name} are out of range for nanosecond times (years 1678-2261)")
    return ints * scale


_NS_PER = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000,
           "h": 3_600_000_000_000, "D": 86_400_000_000_000, "W": 7 * 86_400_000_000_000}


def _ns(delta: _dt.timedelta) -> int:
    return int(pd.Timedelta(delta).value)


def plan_windows(start: Any, width: str | _dt.timedelta, interval: str | _dt.timedelta | None = None,
                 until: Any = None, last_time: Any = None, run_until: Any = None) -> pd.DatetimeIndex:
    """Starts (UTC) of the windows whose end ≤ min(``run_until``, ``until``) (assay-math §9 choice).

    ``until`` is the clock (default: now); ``run_until`` the assay's own end (None: no end).
    ``last_time`` optionally stops the plan after the window holding it (later windows are empty).
    """
    t0 = to_timestamp(start, "start")
    w = _ns(parse_duration(width, "width"))
    step = _ns(parse_duration(interval, "interval")) if interval is not None else w
    end = to_timestamp(until, "until") if until is not None else pd.Timestamp.now(tz="UTC")
    if run_until is not None:
        end = min(end, to_timestamp(run_until, "run_until"))
    span = end.value - t0.value - w
    if span < 0:
        return pd.DatetimeIndex([], tz="UTC")
    count = span // step + 1
    if last_time is not None:
        count = min(count, max(0, (to_timestamp(last_time, "last_time").value - t0.value) // step + 1))
    if count > MAX_WINDOWS:
        raise ValueError(f"the plan has {count} windows (more than {MAX_WINDOWS}); widen interval or set until")
    return pd.DatetimeIndex(pd.to_datetime(t0.value + np.arange(count, dtype=np.int64) * step, unit="ns", utc=True))


def common_interval(starts_ns: np.ndarray) -> int | None:
    """The most common spacing (ns) of the distinct window starts, the smallest on ties; None under 2 starts."""
    distinct = np.unique(np.asarray(starts_ns, dtype=np.int64))
    if distinct.size < 2:
        return None
    steps, counts = np.unique(np.diff(distinct), return_counts=True)
    return int(steps[np.argmax(counts)])


def missing_after(starts_ns: np.ndarray, interval: int) -> np.ndarray:
    """How many windows of spacing ``interval`` fit between each start and the next one (0 when adjacent).

    Rounded (round(gap / interval) − 1), so a few ns of jitter never counts as a missing window.
    """
    gaps = np.diff(np.asarray(starts_ns, dtype=np.int64))
    return np.maximum(np.rint(gaps / interval).astype(np.int64) - 1, 0)
