"""Vectorised multi-window scoring: edges once, one binning pass over all rows, cached for re-scoring.

``WindowScorer`` keeps the time-sorted values, each window's row range and its statistics, and the bin
counts per edge set, so a change of metric, weights, thresholds or aggregation re-scores without touching
the rows, and a change of bins re-bins them in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import time
from typing import Any

import numpy as np
import pandas as pd

from .binning import segment_counts, segment_keys
from .durations import parse_duration
from .edges import window_edge_names, window_edges
from .metrics import score_matrix, status_array, uses_textbook
from .summarizer import Summarizer
from .summary import (
    aggregate,
    baseline_edges,
    basic_stats,
    summarize,
    window_aggregate,
)
from .timeutil import iso_z, iso_z_many
from .types import Summary, wire
from .validate import as_number, as_values
from .windows import plan_windows, times_to_ns, to_timestamp

NO_DATA = "NoData"
TEXTBOOK = "textbook"  # "psi_variant" of results computed with textbook_psi=True


@dataclasses.dataclass
class WindowArrays:
    """The per-window arrays of a scoring run, V1 and V2 alike (one row per planned window)."""

    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex
    count: np.ndarray            # (W,) values per window (NaN included)
    bin_counts: np.ndarray       # (W, K)
    aggregated: np.ndarray       # (W, K) window aggregated values
    scores: np.ndarray           # (W, K) per-bin scores (NaN rows for empty windows)
    score: np.ndarray            # (W,)
    bin_index: np.ndarray | None  # (W,) MaxDiff only, -1 for empty windows
    status: np.ndarray           # (W,) "Ok" | "Warning" | "Alert" | "NoData"


@dataclasses.dataclass
class WindowScores(WindowArrays):
    """Array form of a V1 scoring run (empty windows have NaN scores)."""

    baseline: dict[str, Any]
    summarizer: Summarizer
    warning_threshold: float | None
    alert_threshold: float | None
    textbook_psi: bool = False

    @property
    def outlier_share(self) -> np.ndarray:
        """Share of each window's score from the two outlier bins (as ``drift.outlier_share``): of the summed
        per-bin scores, MaxDiff 1 or 0 by bin_index; NaN for Edges (no outlier bins); 0 for empty windows."""
        if self.summarizer.aggregation == "Edges":
            return np.full(self.score.shape, np.nan)
        if self.bin_index is not None:
            return np.isin(self.bin_index, (0, self.scores.shape[1] - 1)).astype(np.float64)
        total = self.scores.sum(axis=1)
        part = self.scores[:, 0] + self.scores[:, -1]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, part / total, 0.0)

    def frame(self) -> pd.DataFrame:
        """window_start, window_end, count, score, status, bin_index, outlier_share."""
        return pd.DataFrame({"window_start": self.starts, "window_end": self.ends, "count": self.count,
                             "score": self.score, "status": self.status,
                             "bin_index": self.bin_index if self.bin_index is not None else None,
                             "outlier_share": self.outlier_share})


class WindowRows:
    """Time-sorted rows and each window's row range, prepared once; per-edge-set bin counts (one binning pass
    over all rows, cached) and per-window statistics. Shared by the V1 ``WindowScorer`` and the V2 engine.

    ``side``: "left" counts a row at time t in windows [start, end) (V1), "right" in (start, end] (V2 runs).
    """

    def __init__(self, times_ns: np.ndarray, values: np.ndarray, starts: pd.DatetimeIndex, ends: pd.DatetimeIndex,
                 side: str = "left") -> None:
        self.times_ns, self.values = times_ns, values
        self.starts, self.ends = starts, ends
        lo = np.searchsorted(times_ns, starts.asi8, side=side)
        hi = np.searchsorted(times_ns, ends.asi8, side=side)
        self.bounds = np.unique(np.concatenate([lo, hi]))  # rows outside every window are never binned
        self._lo, self._hi = np.searchsorted(self.bounds, lo), np.searchsorted(self.bounds, hi)
        self.lo, self.hi = lo, hi
        self.count = hi - lo
        self._keys: dict[int, np.ndarray] = {}  # segment_keys per bin count: shared by with_values copies
        self._reset()

    def _reset(self) -> None:
        """Forget what depends on the values (subclasses add their caches)."""
        self._stats: list[dict[str, Any]] | None = None
        self._counts: dict[bytes, np.ndarray] = {}

    def with_values(self, values: np.ndarray):  # noqa: ANN201 - same class as self
        """The same times and windows over another column of values (float64, in this object's row order):
        row ranges and segment keys are shared, so many fields of one log are binned without redoing them."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.values = values
        new._reset()
        return new

    def __len__(self) -> int:
        return len(self.starts)

    def window_stats(self) -> list[dict[str, Any]]:
        """count/min/max/mean/median/std of every window (computed once)."""
        if self._stats is None:
            self._stats = [basic_stats(self.values[a:b]) for a, b in zip(self.lo, self.hi, strict=True)]
        return self._stats

    def bin_counts(self, edges: np.ndarray) -> np.ndarray:
        """(W, K) bin counts of every window for these edges: one binning pass, cached per edge set."""
        key = edges.tobytes()
        if not len(self):
            return np.zeros((0, edges.size + 1), dtype=np.int64)
        if key not in self._counts:
            k = edges.size + 1
            if k not in self._keys:
                self._keys[k] = segment_keys(self.bounds, k)
            cum = segment_counts(self.values, edges, self.bounds, self._keys[k])
            self._counts[key] = cum[self._hi] - cum[self._lo]
        return self._counts[key]


def sorted_rows(times: Any, values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validated epoch-ns times and float64 values, sorted by time (stable)."""
    vals = as_values(values, "values", allow_empty=True)
    ns = times_to_ns(times, "times")
    if ns.size != vals.size:
        raise ValueError(f"times and values must have the same length ({ns.size} != {vals.size})")
    if ns.size > 1 and np.any(ns[1:] < ns[:-1]):
        order = np.argsort(ns, kind="stable")
        ns, vals = ns[order], vals[order]
    return ns, vals


class WindowScorer(WindowRows):
    """Rows and windows prepared once; ``score()`` / ``results()`` for any summarizer and thresholds."""

    def __init__(self, times: Any, values: Any, *, start: Any = None, width: str | _dt.timedelta = "24 hours",
                 interval: str | _dt.timedelta | None = None, until: Any = None,
                 baseline_values: Any = None, include_empty: bool = False, run_until: Any = None) -> None:
        ns, vals = sorted_rows(times, values)
        if start is None:
            if not ns.size:
                raise ValueError("start is required when there are no values")
            start = pd.Timestamp(int(ns[0]), unit="ns", tz="UTC")
        last = None if include_empty or not ns.size else pd.Timestamp(int(ns[-1]), unit="ns", tz="UTC")
        if ns.size or include_empty:
            starts = plan_windows(start, width, interval, until, last_time=last, run_until=run_until)
        else:  # no rows: every window would be empty
            starts = pd.DatetimeIndex([], tz="UTC")
        w = pd.Timedelta(parse_duration(width, "width"))
        super().__init__(ns, vals, starts, starts + w)
        self.include_empty = include_empty
        self.baseline_values = None if baseline_values is None else as_values(baseline_values, "baseline_values")

    def _reset(self) -> None:
        super()._reset()
        self._baselines: dict[tuple, dict[str, Any]] = {}
        self._edge_aggs: dict[tuple, np.ndarray] = {}

    # -- cached pieces -------------------------------------------------------------------------------
    def baseline_summary(self, summ: Summarizer) -> dict[str, Any]:
        """Summary of ``baseline_values`` for this summarizer (cached on the settings that shape it)."""
        if self.baseline_values is None:
            raise ValueError("baseline is required (pass a Summary or give the scorer baseline_values)")
        key = (summ.bin_mode, summ.num_bins, summ.provided_edges, summ.aggregation)
        if key not in self._baselines:
            self._baselines[key] = summarize(self.baseline_values, summ)
        return self._baselines[key]

    def _edges_aggregated(self, edges: np.ndarray, summ: Summarizer) -> np.ndarray:
        key = (summ.bin_mode, summ.num_bins, summ.provided_edges, edges.tobytes())
        if key not in self._edge_aggs:
            agg = window_edges(self.values, self.lo, self.hi, summ)  # vectorised; None: very unequal windows
            if agg is None:
                rows = [window_aggregate(self.values[a:b], edges, summ) for a, b in zip(self.lo, self.hi, strict=True)]
                agg = np.asarray(rows, dtype=np.float64).reshape(len(rows), edges.size)
            self._edge_aggs[key] = agg
        return self._edge_aggs[key]

    # -- scoring -------------------------------------------------------------------------------------
    def score(self, summarizer: Summarizer | dict | None = None, baseline: Summary | dict[str, Any] | None = None,
              warning_threshold: float | None = None, alert_threshold: float | None = 0.25,
              textbook_psi: bool = False) -> WindowScores:
        """Score every planned window (arrays; no per-window dicts)."""
        summ = Summarizer.from_dict(summarizer)
        warn = as_number(warning_threshold, "warning_threshold", optional=True)
        alert = as_number(alert_threshold, "alert_threshold", optional=True)
        base = wire(baseline) if baseline is not None else self.baseline_summary(summ)
        edges = baseline_edges(base, summ)
        counts = self.bin_counts(edges)
        if summ.aggregation == "Edges":
            agg = self._edges_aggregated(edges, summ)
        else:
            agg = aggregate(counts, np.maximum(self.count, 1), summ.aggregation)
        b = as_values(base.get("aggregated_values"), "baseline aggregated_values", allow_nan=False)
        s, total, idx = score_matrix(b, agg, summ, textbook_psi)
        empty = self.count == 0
        if empty.any():
            s, total = s.copy(), total.copy()
            s[empty], total[empty] = np.nan, np.nan
            if idx is not None:
                idx = np.where(empty, -1, idx)
        return WindowScores(self.starts, self.ends, self.count, counts, agg, s, total, idx,
                            status_array(total, warn, alert), base, summ, warn, alert,
                            uses_textbook(summ, textbook_psi))

    def results(self, summarizer: Summarizer | dict | None = None, baseline: Summary | dict[str, Any] | None = None,
                warning_threshold: float | None = None, alert_threshold: float | None = 0.25,
                include_empty: bool | None = None, textbook_psi: bool = False) -> list[dict[str, Any]]:
        """V1 AssayResult-shaped dicts (server-only fields None); empty windows only with include_empty."""
        started = time.perf_counter()
        ws = self.score(summarizer, baseline, warning_threshold, alert_threshold, textbook_psi)
        return result_records(ws, self.window_stats(), self.include_empty if include_empty is None else include_empty,
                              started)


def result_records(ws: WindowScores, stats: list[dict[str, Any]], include_empty: bool,
                   started: float | None = None) -> list[dict[str, Any]]:
    """Turn a WindowScores into AssayResult dicts.

    Everything shared by the windows (edge list and names, summarizer echo) and every per-window array
    (ISO times, aggregated values, scores) is converted once per call, not once per window.
    """
    summ_dict = ws.summarizer.to_dict()
    analyzed = iso_z(pd.Timestamp.now(tz="UTC"))
    elapsed = int(round((time.perf_counter() - started) * 1000)) if started is not None else 0
    raw_edges = list(ws.baseline["edges"])
    edges = [None if e is None or isinstance(e, str) else float(e) for e in raw_edges]
    names = window_edge_names(raw_edges)
    aggregation = ws.summarizer.aggregation
    starts, ends = iso_z_many(ws.starts), iso_z_many(ws.ends)
    agg, scores, total = ws.aggregated.tolist(), ws.scores.tolist(), ws.score.tolist()
    status = ws.status.tolist()
    bin_index = ws.bin_index.tolist() if ws.bin_index is not None else None
    empty = (ws.count == 0).tolist()
    out = []
    for i in range(len(starts)):
        if empty[i] and not include_empty:
            continue
        window = {**stats[i], "edges": list(edges), "edge_names": list(names), "aggregated_values": agg[i],
                  "aggregation": aggregation, "start": starts[i], "end": ends[i]}
        out.append({
            "id": None, "assay_id": None, "window_start": starts[i], "analyzed_at": analyzed,
            "elapsed_millis": elapsed, "pipeline_id": None, "workspace_id": None, "workspace_name": None,
            "baseline_summary": ws.baseline, "window_summary": window,
            "warning_threshold": ws.warning_threshold, "alert_threshold": ws.alert_threshold,
            "score": None if empty[i] else total[i],
            "scores": None if empty[i] else scores[i],
            "bin_index": None if empty[i] or bin_index is None else bin_index[i],
            "summarizer": summ_dict, "status": NO_DATA if empty[i] else status[i], "created_at": None,
        })
        if ws.textbook_psi:  # never Wallaroo's numbers: say so in the record itself
            out[-1]["psi_variant"] = TEXTBOOK
    return out


def score_windows(times: Any, values: Any, base: dict[str, Any], summarizer: Summarizer | dict | None = None, *,
                  start: Any = None, width: str | _dt.timedelta = "24 hours",
                  interval: str | _dt.timedelta | None = None, until: Any = None,
                  warning_threshold: float | None = None, alert_threshold: float | None = 0.25,
                  include_empty: bool = False, textbook_psi: bool = False,
                  run_until: Any = None) -> list[dict[str, Any]]:
    """Score every window of ``values`` against the baseline Summary ``base`` (vectorised).

    ``start`` defaults to the baseline's ``end``, else the first time; windows end ≤ min(``run_until``,
    ``until``), ``until`` defaulting to now.
    """
    base = wire(base)
    if start is None and isinstance(base, dict) and base.get("end"):
        start = to_timestamp(base["end"], "start")
    scorer = WindowScorer(times, values, start=start, width=width, interval=interval, until=until,
                          include_empty=include_empty, run_until=run_until)
    return scorer.results(summarizer, base, warning_threshold, alert_threshold, include_empty, textbook_psi)
