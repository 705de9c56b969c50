"""Drift overview: every input and output field of a pipeline's inference logs — each index of a tensor field
separately — scored over the same windows against one baseline period, with the V1 or the V2 rules.

The time axis is sorted once; the windows' row ranges and bincount keys are computed once and shared by every
field (``WindowRows.with_values``). Each field then costs one baseline summary and one binning pass, scored by
the engines' own batch scoring (V1 ``WindowScorer.score``, V2 ``WindowBatch.score``): no other copy of the math.

    cols = log_columns(logs)                       # {"in.tensor.0": values, ..., "out.variable.0": values}
    ov = score_overview(times, cols, OverviewSettings(baseline_start=..., baseline_end=..., width="1 hour"))
    ov.score          # (fields, windows) scores, NaN for an empty window or a field that failed
    ov.status         # (fields, windows) "Ok" | "Warning" | "Alert" | "NoData"
    ov.ranked()       # which fields drifted most, when, how far over the alert threshold
    ov.result(key, i) # V1: window i of a field as an AssayResult dict; V2: (WindowScoresV2, i)
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import v2
from .durations import parse_duration
from .scorer import WindowScorer, result_records
from .summarizer import Summarizer
from .summary import basic_stats, summarize
from .windows import times_to_ns, to_timestamp

VERSIONS = ("V1", "V2")
STATUS_RANK = {"NoData": -1, "Ok": 0, "Warning": 1, "Alert": 2}


def field_label(key: str) -> str:
    """``"out.variable.0"`` -> ``"output variable 0"`` (the V1 iopath)."""
    prefix, rest = key.split(".", 1)
    name, _, index = rest.rpartition(".")
    return f"{'input' if prefix == 'in' else 'output'} {name} {index}"


def log_columns(logs: pd.DataFrame, max_index: int | None = None) -> dict[str, np.ndarray]:
    """Every numeric ``in.*`` / ``out.*`` column of a logs frame as float64 arrays keyed ``"in.<field>.<i>"``:
    a tensor column gives one array per index (ragged rows padded with NaN); outputs first, as the builder
    lists them. ``max_index`` caps the indices taken per tensor field."""
    out: dict[str, np.ndarray] = {}
    cols = [c for c in logs.columns if str(c).partition(".")[0] in ("in", "out") and str(c).partition(".")[2]]
    for col in sorted(cols, key=lambda c: (not str(c).startswith("out."), str(c))):
        matrix = _as_matrix(logs[col])
        if matrix is None:
            continue
        for i in range(matrix.shape[1] if max_index is None else min(matrix.shape[1], max_index)):
            out[f"{col}.{i}"] = np.ascontiguousarray(matrix[:, i])
    return out


def _as_matrix(column: pd.Series) -> np.ndarray | None:
    """(rows, width) float64 of a scalar or list column; None when it is not numeric."""
    raw = column.to_numpy()
    if raw.dtype.kind in "iuf":
        return raw.astype(np.float64).reshape(-1, 1)
    if raw.dtype.kind != "O" or not raw.size:
        return None
    items = raw.tolist()
    first = next((r for r in items if r is not None), None)
    try:
        if isinstance(first, list | tuple | np.ndarray):
            width = max(len(r) if r is not None else 0 for r in items)
            if all(r is not None and len(r) == width for r in items):
                matrix = np.array(items, dtype=np.float64)
            else:
                matrix = np.full((len(items), width), np.nan)
                for j, r in enumerate(items):
                    if r is not None:
                        matrix[j, :len(r)] = np.asarray(r, dtype=np.float64)
        else:
            matrix = np.array([np.nan if r is None else r for r in items], dtype=np.float64).reshape(-1, 1)
    except (TypeError, ValueError):
        return None
    return matrix if matrix.ndim == 2 else None


@dataclasses.dataclass(frozen=True)
class OverviewSettings:
    """One baseline period, one window grid, one summarizer and thresholds for every field.

    Windows start at ``window_start`` (default: the baseline end), ``width`` wide every ``interval`` (default:
    the width), up to the window holding the last logged row (``until`` stops earlier). V1 counts a row at t
    in [start, end), V2 in (start, end]; the baseline is the rows in [baseline_start, baseline_end).
    """

    baseline_start: Any
    baseline_end: Any
    width: str = "1 hour"
    interval: str | None = None
    window_start: Any = None
    until: Any = None
    bin_mode: str = "Quantile"
    num_bins: int = 5
    aggregation: str = "Density"
    metric: str = "PSI"
    warning_threshold: float | None = None
    alert_threshold: float | None = 0.25
    version: str = "V1"

    def __post_init__(self) -> None:
        if self.version not in VERSIONS:
            raise ValueError(f"version must be 'V1' or 'V2', got {self.version!r}")
        if self.bin_mode not in ("Quantile", "Equal"):
            raise ValueError(f"the overview bins every field by 'Quantile' or 'Equal', got {self.bin_mode!r}")
        if self.baseline_end_ts <= self.baseline_start_ts:
            raise ValueError("baseline_end must be after baseline_start")
        self.summarizer()  # validates bins, aggregation, metric
        for name in ("warning_threshold", "alert_threshold"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not np.isfinite(float(value)) or value < 0):
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")

    @property
    def baseline_start_ts(self) -> pd.Timestamp:
        return to_timestamp(self.baseline_start, "baseline_start")

    @property
    def baseline_end_ts(self) -> pd.Timestamp:
        return to_timestamp(self.baseline_end, "baseline_end")

    @property
    def first_window(self) -> pd.Timestamp:
        return to_timestamp(self.window_start, "window_start") if self.window_start is not None else self.baseline_end_ts

    def width_delta(self) -> pd.Timedelta:
        return pd.Timedelta(parse_duration(self.width, "width"))

    def interval_delta(self) -> pd.Timedelta:
        return pd.Timedelta(parse_duration(self.interval, "interval")) if self.interval else self.width_delta()

    def summarizer(self) -> Summarizer:
        """The V1 summarizer (validated)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Summarizer(self.bin_mode, self.num_bins, self.aggregation, self.metric)

    def summarizer_v2(self) -> v2.UnivariateContinuous:
        return v2.UnivariateContinuous(v2.BinMode(self.bin_mode, self.num_bins), self.aggregation, self.metric)

    def thresholds(self) -> v2.Thresholds:
        return v2.Thresholds(self.warning_threshold, self.alert_threshold)

    def replace(self, **changes: Any) -> OverviewSettings:
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass
class Overview:
    """Scores of every field (rows, in ``keys`` order) over every window (columns)."""

    settings: OverviewSettings
    keys: list[str]
    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex
    score: np.ndarray               # (F, W)
    status: np.ndarray              # (F, W) object
    scored: dict[str, Any]          # key -> WindowScores (V1) | WindowScoresV2 (V2)
    baselines: dict[str, Any]       # key -> Summary dict (V1) | SeriesSummary (V2)
    errors: dict[str, str]          # key -> why the field could not be scored
    notes: dict[str, list[str]]     # key -> the engine's warnings about its baseline
    rows: dict[str, Any]            # key -> the field's WindowScorer / WindowBatch (rows for drill-down)
    elapsed: float = 0.0            # seconds spent scoring

    @property
    def labels(self) -> list[str]:
        return [field_label(k) for k in self.keys]

    def frame(self) -> pd.DataFrame:
        """One row per (field, window): field, window_start, window_end, score, status."""
        f, w = self.score.shape
        return pd.DataFrame({"field": np.repeat(self.keys, w), "window_start": np.tile(self.starts, f),
                             "window_end": np.tile(self.ends, f), "score": self.score.ravel(),
                             "status": self.status.ravel()})

    def ranked(self) -> pd.DataFrame:
        """Fields by their highest score: when it happened, worst status, how many Alert/Warning windows, when
        the first alert came and how far the peak is over the alert threshold (``over_alert`` = peak − alert)."""
        alert = self.settings.alert_threshold
        rows = []
        for i, key in enumerate(self.keys):
            s = self.score[i]
            st = self.status[i]
            scored = ~np.isnan(s)
            peak = int(np.nanargmax(s)) if scored.any() else None
            alerts = np.flatnonzero(st == "Alert")
            rows.append({
                "field": key, "max_score": float(s[peak]) if peak is not None else np.nan,
                "worst_window": self.starts[peak] if peak is not None else pd.NaT,
                "status": max(st, key=lambda x: STATUS_RANK.get(x, -1)) if len(st) else "NoData",
                "alerts": int(alerts.size), "warnings": int(np.count_nonzero(st == "Warning")),
                "first_alert": self.starts[alerts[0]] if alerts.size else pd.NaT,
                "over_alert": (float(s[peak]) - alert) if peak is not None and alert is not None else np.nan,
                "error": self.errors.get(key, ""),
            })
        df = pd.DataFrame(rows, columns=["field", "max_score", "worst_window", "status", "alerts", "warnings",
                                         "first_alert", "over_alert", "error"])
        return df.sort_values("max_score", ascending=False, na_position="last", kind="stable").reset_index(drop=True)

    def index_of(self, key: str) -> int:
        try:
            return self.keys.index(key)
        except ValueError:
            raise ValueError(f"no field {key!r} in the overview (fields: {', '.join(self.keys)})") from None

    def result(self, key: str, window: int) -> Any:
        """Window ``window`` of field ``key``: V1 an AssayResult-shaped dict (baseline, window summary with
        statistics, per-bin scores); V2 ``(WindowScoresV2, window)`` (plots turn it into a result)."""
        self.index_of(key)
        if key in self.errors:
            raise ValueError(f"field {key} was not scored: {self.errors[key]}")
        if not 0 <= window < len(self.starts):
            raise ValueError(f"window must be 0..{len(self.starts) - 1}, got {window}")
        ws = self.scored[key]
        if self.settings.version == "V2":
            return ws, window
        one = slice(window, window + 1)
        part = dataclasses.replace(ws, starts=ws.starts[one], ends=ws.ends[one], count=ws.count[one],
                                   bin_counts=ws.bin_counts[one], aggregated=ws.aggregated[one],
                                   scores=ws.scores[one], score=ws.score[one], status=ws.status[one],
                                   bin_index=None if ws.bin_index is None else ws.bin_index[one])
        rows = self.rows[key]
        stats = basic_stats(rows.values[rows.lo[window]:rows.hi[window]])
        return result_records(part, [stats], include_empty=True)[0]


def _sorted_axis(times: Any, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    ns = times_to_ns(times, "times")
    if ns.size != n:
        raise ValueError(f"times and the field columns must have the same length ({ns.size} != {n})")
    if ns.size > 1 and np.any(ns[1:] < ns[:-1]):
        order = np.argsort(ns, kind="stable")
        return ns[order], order
    return ns, None


def _column(values: Any, key: str, order: np.ndarray | None) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"field {key} must be 1-D, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"field {key} contains infinite values")
    return arr if order is None else arr[order]


def is_float32_output(key: str, values: np.ndarray) -> bool:
    """V2 keeps float32 statistics for logged float32 outputs: an output whose numbers round-trip float32."""
    if not key.startswith("out."):
        return False
    finite = values[~np.isnan(values)]
    return bool(finite.size) and bool(np.all(finite.astype(np.float32).astype(np.float64) == finite))


def score_overview(times: Any, columns: Mapping[str, Any], settings: OverviewSettings) -> Overview:
    """Score every column of ``columns`` (keys ``"in.<field>.<i>"`` / ``"out.<field>.<i>"``, values aligned with
    ``times``: epoch ms, datetimes or ISO strings) over the same windows against the same baseline period."""
    import time

    started = time.perf_counter()
    if not columns:
        raise ValueError("there is no numeric input or output field to score")
    keys = list(columns)
    ns, order = _sorted_axis(times, len(np.asarray(columns[keys[0]])))
    s = settings
    b_lo, b_hi = np.searchsorted(ns, [s.baseline_start_ts.value, s.baseline_end_ts.value], side="left")
    if b_hi <= b_lo:
        raise ValueError(f"no logged rows in the baseline period [{s.baseline_start_ts}, {s.baseline_end_ts})")
    last = pd.Timestamp(int(ns[-1]), unit="ns", tz="UTC")
    until = to_timestamp(s.until, "until") if s.until is not None else last + s.width_delta()
    axis = ns.view("datetime64[ns]")
    empty = np.zeros(ns.size)
    if s.version == "V1":
        template: Any = WindowScorer(axis, empty, start=s.first_window, width=s.width_delta().to_pytimedelta(),
                                     interval=s.interval_delta().to_pytimedelta(), until=until)
    else:
        windows = v2.grid(s.first_window, s.width_delta().to_pytimedelta(), s.interval_delta().to_pytimedelta(),
                          min(until, last + s.width_delta()))
        template = v2.WindowBatch(axis, empty, windows, float32=False)
    n_windows = len(template.starts)
    score = np.full((len(keys), n_windows), np.nan)
    status = np.full((len(keys), n_windows), "NoData", dtype=object)
    ov = Overview(s, keys, template.starts, template.ends, score, status, {}, {}, {}, {}, {})
    summ = s.summarizer() if s.version == "V1" else s.summarizer_v2()
    for i, key in enumerate(keys):
        try:
            vals = _column(columns[key], key, order)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if s.version == "V1":
                    base = summarize(vals[b_lo:b_hi], summ, start=s.baseline_start_ts, end=s.baseline_end_ts)
                    rows = template.with_values(vals)
                    scored = rows.score(summ, base, s.warning_threshold, s.alert_threshold)
                else:
                    f32 = is_float32_output(key, vals)
                    base = v2.summarize(vals[b_lo:b_hi], summ.bin_mode, summ.aggregation, name=key,
                                        start=s.baseline_start_ts, end=s.baseline_end_ts, float32=f32)
                    rows = template.with_column(vals, f32)
                    scored = rows.score(base, summ, s.thresholds())
        except ValueError as exc:
            ov.errors[key] = str(exc)
            continue
        if caught:
            ov.notes[key] = [str(w.message) for w in caught]
        ov.baselines[key], ov.scored[key], ov.rows[key] = base, scored, rows
        score[i], status[i] = scored.score, scored.status
    ov.elapsed = time.perf_counter() - started
    return ov
