"""V2 summaries and scores of one series (docs/assays-v2-math.md §2–§6).

Values: NaN counted in ``count`` and put in bin 0, excluded from the other statistics. float32 data (a
float32 array, or ``float32=True``) give float32 edges, ``std``, ``median``, ``min``, ``max`` and a float64
``mean``. Metrics are V1's formulas (``drift.metrics.score_arrays``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from ..metrics import score_arrays
from ..summary import basic_stats, non_nan
from ..validate import as_values
from . import wire
from .bins import compute_bins, count_bins
from .config import Thresholds, UnivariateContinuous
from .stats import partitioned, quantile_positions
from .types import BinMode, Bins, ScoreData, SeriesSummary, Statistics

F32 = np.float32


def is_float32(values: Any, float32: bool | None) -> bool:
    """``float32`` if given, else whether ``values`` is a float32 numpy array / Series."""
    if float32 is not None:
        return bool(float32)
    return getattr(values, "dtype", None) == np.float32


def statistics(stats: dict[str, Any], float32: bool) -> Statistics:
    """V1 ``basic_stats`` (population std, midpoint median, zeros when no number) in V2 dtypes."""
    def f(k: str) -> float:
        return float(F32(stats[k])) if float32 else float(stats[k])
    return Statistics(count=int(stats["count"]), max=f("max"), mean=float(stats["mean"]), median=f("median"),
                      min=f("min"), std=f("std"))


def aggregate(counts: np.ndarray, total: int | np.ndarray, aggregation: str) -> np.ndarray:
    """Density c/N (N with NaN; 0 for an empty window) or Cumulative (running sum); (K,) or (W, K)."""
    n = np.maximum(np.asarray(total), 1)
    dens = counts / (n[..., None] if n.ndim else n)
    return np.cumsum(dens, axis=-1) if aggregation == "Cumulative" else dens


def _time(value: Any, name: str) -> _dt.datetime | None:
    return wire.time(value, name, optional=True)


def summarize(values: Any, bin_mode: BinMode | Any = None, aggregation: str = "Density", *, name: str | None = None,
              start: Any = None, end: Any = None, float32: bool | None = None) -> SeriesSummary:
    """Baseline summary of ``values``: bins from the non-NaN values (``bin_mode`` a BinMode or its wire form;
    default Quantile 5), aggregated values, statistics."""
    mode = bin_mode if isinstance(bin_mode, BinMode) else BinMode() if bin_mode is None else BinMode.from_api(bin_mode)
    f32 = is_float32(values, float32)
    vals = as_values(values, "values", allow_empty=True)
    if f32:
        vals = vals.astype(F32).astype(np.float64)
    finite = non_nan(vals)
    part = None  # one partition serves the quantile edges and the median
    if finite.size and mode.kind in ("Quantile", "QuantileWithExplicitOutliers"):
        part = partitioned(finite, quantile_positions(finite.size, int(mode.n or 0)))
    bins = compute_bins(finite, mode, f32, part)
    agg = aggregated(vals, bins, aggregation, f32)
    stats = basic_stats(vals, finite, part)  # part is then scratch space
    return SeriesSummary(tuple(agg.tolist()), bins, statistics(stats, f32), aggregation, name,
                         _time(start, "start"), _time(end, "end"))


def aggregated(vals: np.ndarray, bins: Bins, aggregation: str, float32: bool) -> np.ndarray:
    """Aggregated values of ``vals`` in ``bins`` (Edges: the values' own finite edges under the same mode)."""
    if aggregation == "Edges":
        return edge_positions(vals, bins, float32)
    return aggregate(count_bins(vals, bins), vals.size, aggregation)


def edge_positions(vals: np.ndarray, bins: Bins, float32: bool) -> np.ndarray:
    """Edges aggregation (choice, as V1): the finite edges that ``bins.mode`` gives these values (zeros when
    there is no number); Provided: the given edges."""
    finite = non_nan(vals)
    size = len(bins.finite_edges)
    if not finite.size and bins.mode.kind != "Provided":
        return np.zeros(size)
    return np.asarray(compute_bins(finite, bins.mode, float32).finite_edges, dtype=np.float64)


def summarize_window(values: Any, baseline: SeriesSummary, aggregation: str | None = None, *,
                     name: str | None = None, start: Any = None, end: Any = None,
                     float32: bool | None = None) -> SeriesSummary:
    """A window summary: its own statistics, binned with (and repeating) the baseline's ``bins``."""
    f32 = is_float32(values, float32)
    vals = as_values(values, "values", allow_empty=True)
    if f32:
        vals = vals.astype(F32).astype(np.float64)
    how = aggregation or baseline.aggregation or "Density"
    agg = aggregated(vals, baseline.bins, how, f32)
    return SeriesSummary(tuple(agg.tolist()), baseline.bins, statistics(basic_stats(vals), f32), how, name,
                         _time(start, "start"), _time(end, "end"))


def baseline_values(baseline: SeriesSummary, aggregation: str) -> np.ndarray:
    """The baseline's aggregated values in ``aggregation`` (Density ⇄ Cumulative converted)."""
    b = np.asarray(baseline.aggregated_values, dtype=np.float64)
    have = baseline.aggregation or aggregation
    if have == aggregation or "Edges" in (have, aggregation):
        return b
    return np.cumsum(b) if aggregation == "Cumulative" else np.diff(b, prepend=0.0)


def weights(summarizer: UnivariateContinuous) -> np.ndarray | None:
    """Normalised bin weights (sum 1) or None."""
    if summarizer.bin_weights is None:
        return None
    w = np.asarray(summarizer.bin_weights, dtype=np.float64)
    return w / w.sum()


def score_matrix(b: np.ndarray, w: np.ndarray, summarizer: UnivariateContinuous
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(per-bin scores (W, K), score (W,), bin_index (W,) or None); K = 0 (mode "None") scores 0.0."""
    w = np.atleast_2d(np.asarray(w, dtype=np.float64))
    if b.size == 0:
        if w.shape[1]:
            raise ValueError(f"window has {w.shape[1]} aggregated values, baseline has 0")
        idx = np.zeros(w.shape[0], dtype=np.int64) if summarizer.metric == "MaxDiff" else None
        return np.zeros((w.shape[0], 0)), np.zeros(w.shape[0]), idx
    return score_arrays(b, w, summarizer.metric, summarizer.aggregation, weights(summarizer))


def score(baseline: SeriesSummary, window: SeriesSummary, summarizer: UnivariateContinuous) -> ScoreData:
    """``ScoreData`` of a window summary against the baseline (ValueError on a bin or weight mismatch)."""
    b = baseline_values(baseline, summarizer.aggregation)
    s, total, idx = score_matrix(b, np.asarray(window.aggregated_values)[None, :], summarizer)
    bin_index = None if idx is None or not s.shape[1] else int(idx[0])
    return ScoreData(float(total[0]), tuple(s[0].tolist()), bin_index)


def status(score: float, thresholds: Thresholds | None) -> str:
    """Ok / Warning / Alert (alert first, ≥; None thresholds skipped)."""
    return (thresholds or Thresholds()).status(score)
