"""V2 windows on a run grid (docs/assays-v2-math.md §6).

Scheduled runs (choice for the [OPEN] ``first_run`` semantics): the first window **starts** at ``first_run``;
run k happens at t_k = first_run + width + k·frequency and covers (t_k − width, t_k]; no run after ``end``
or after "now" (a past ``first_run`` back-fills). Previews: windows [P + k·frequency, P + k·frequency + width]
with P = preview_start while the window end ≤ preview_end. Rows at time t belong to (start, end].
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from ..windows import MAX_WINDOWS, to_timestamp
from .config import RollingWindow, Scheduling


@dataclasses.dataclass(frozen=True)
class Windows:
    """Window bounds (UTC); a row at time t is in window i when starts[i] < t ≤ ends[i]."""

    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex

    def __len__(self) -> int:
        return len(self.starts)

    @classmethod
    def of(cls, starts: Any, ends: Any) -> Windows:
        """From any two sequences of times (ISO strings, datetimes, Timestamps)."""
        s = pd.DatetimeIndex([to_timestamp(v, "window start") for v in starts])
        e = pd.DatetimeIndex([to_timestamp(v, "window end") for v in ends])
        if len(s) != len(e):
            raise ValueError(f"window starts and ends differ in length ({len(s)} != {len(e)})")
        if np.any(e.asi8 <= s.asi8):
            raise ValueError("every window must end after it starts")
        return cls(s, e)


def _ns(delta: _dt.timedelta) -> int:
    return int(pd.Timedelta(delta).value)


def grid(first_start: Any, width: _dt.timedelta, step: _dt.timedelta, last_end: Any) -> Windows:
    """Windows [first_start + k·step, … + width] for k = 0, 1, … while the end ≤ ``last_end``."""
    t0 = to_timestamp(first_start, "first_start").value
    w, s = _ns(width), _ns(step)
    if w <= 0 or s <= 0:
        raise ValueError("window width and run frequency must be positive")
    span = to_timestamp(last_end, "last_end").value - t0 - w
    count = 0 if span < 0 else span // s + 1
    if count > MAX_WINDOWS:
        raise ValueError(f"{count} windows (more than {MAX_WINDOWS}); widen the frequency or shorten the range")
    starts = t0 + np.arange(count, dtype=np.int64) * s
    return Windows(pd.DatetimeIndex(pd.to_datetime(starts, unit="ns", utc=True)),
                   pd.DatetimeIndex(pd.to_datetime(starts + w, unit="ns", utc=True)))


def run_windows(scheduling: Scheduling, window: RollingWindow, now: Any, after: Any = None) -> Windows:
    """The scheduled runs due by ``now`` (and ``scheduling.end``): window ends t_k ≤ min(now, end);
    with ``after`` (the last executed run time) only the runs after it."""
    limit = to_timestamp(now, "now")
    if scheduling.end is not None:
        limit = min(limit, to_timestamp(scheduling.end, "end"))
    out = grid(scheduling.first_run, window.width, scheduling.frequency, limit)
    if after is not None and len(out):
        keep = out.ends.asi8 > to_timestamp(after, "after").value
        out = Windows(out.starts[keep], out.ends[keep])
    return out


def next_run(scheduling: Scheduling, window: RollingWindow, last_run: Any = None,
             active: bool = True) -> pd.Timestamp | None:
    """The next grid run time after ``last_run`` (the first one when there was none); None when inactive or
    when it would fall after ``end``."""
    if not active:
        return None
    first = to_timestamp(scheduling.first_run, "first_run") + pd.Timedelta(window.width)
    step = _ns(scheduling.frequency)
    if last_run is None:
        t = first
    else:
        done = to_timestamp(last_run, "last_run")
        k = max(0, (done.value - first.value) // step + 1)
        t = first + pd.Timedelta(k * step, unit="ns")
    if scheduling.end is not None and t > to_timestamp(scheduling.end, "end"):
        return None
    return t


def preview_windows(preview_start: Any, preview_end: Any, window: RollingWindow | _dt.timedelta,
                    frequency: _dt.timedelta | Scheduling | None = None) -> Windows:
    """Preview windows: [P + k·frequency, P + k·frequency + width] while the end ≤ ``preview_end``
    (frequency defaults to the width)."""
    width = window.width if isinstance(window, RollingWindow) else window
    step = frequency.frequency if isinstance(frequency, Scheduling) else frequency or width
    return grid(preview_start, width, step, preview_end)
