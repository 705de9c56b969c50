"""Summaries (assay-math §2, §5): the dict shape ``/v1/api/assays/summarize`` returns."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from .binning import bin_counts
from .edges import baseline_edge_names, compute_edges, edges_to_list, finite_edges, window_edge_names
from .summarizer import Summarizer
from .validate import as_values

STAT_KEYS = ("count", "min", "max", "mean", "median", "std")


def basic_stats(values: np.ndarray) -> dict[str, Any]:
    """count (NaN included), min, max, mean, median, population std of the non-NaN values.

    All-NaN (or empty) input gives zeros, as the server does.
    """
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return {"count": int(values.size), "min": 0.0, "max": 0.0, "mean": 0.0, "median": 0.0, "std": 0.0}
    return {"count": int(values.size), "min": float(finite.min()), "max": float(finite.max()),
            "mean": float(np.mean(finite)), "median": float(np.median(finite)), "std": float(np.std(finite))}


def aggregate(counts: np.ndarray, total: int | np.ndarray, aggregation: str) -> np.ndarray:
    """Density (c / N) or Cumulative (running sum of densities); works on (K,) or (W, K) counts."""
    total = np.asarray(total)
    dens = counts / (total[..., None] if total.ndim else total)
    if aggregation == "Cumulative":
        return np.cumsum(dens, axis=-1)
    return dens


def to_iso(value: Any) -> str | None:
    """RFC 3339 UTC with microseconds and ``Z`` (as the server prints), or None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = pd.Timestamp(value)
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _summary(stats: dict[str, Any], edges: list, names: list[str], agg: list[float], aggregation: str,
             start: Any, end: Any) -> dict[str, Any]:
    return {**stats, "edges": edges, "edge_names": names, "aggregated_values": agg, "aggregation": aggregation,
            "start": to_iso(start), "end": to_iso(end)}


def summarize(values: Any, summarizer: Summarizer | dict | None = None, start: Any = None,
              end: Any = None) -> dict[str, Any]:
    """Baseline Summary of ``values`` (NaN allowed, counted in bin 0); edges from the non-NaN values."""
    summ = Summarizer.from_dict(summarizer)
    vals = as_values(values, "values")
    finite = vals[~np.isnan(vals)]
    if finite.size == 0:
        raise ValueError("values must contain at least one non-NaN number for a baseline")
    edges = compute_edges(finite, summ)
    if summ.aggregation == "Edges":
        agg = [float(e) for e in edges]
    else:
        agg = aggregate(bin_counts(vals, edges), vals.size, summ.aggregation).tolist()
    return _summary(basic_stats(vals), edges_to_list(edges), baseline_edge_names(edges, summ), agg,
                    summ.aggregation, start, end)


def window_aggregate(vals: np.ndarray, edges: np.ndarray, summ: Summarizer) -> list[float]:
    """A window's aggregated values: baseline-edge bins, or (Edges) its own edges under the same mode."""
    if summ.aggregation != "Edges":
        return aggregate(bin_counts(vals, edges), vals.size, summ.aggregation).tolist()
    finite = vals[~np.isnan(vals)]
    if finite.size == 0:
        return [0.0] * edges.size
    return [float(e) for e in compute_edges(finite, summ)]


def summarize_window(values: Any, baseline: dict[str, Any], summarizer: Summarizer | dict | None = None,
                     start: Any = None, end: Any = None) -> dict[str, Any]:
    """Window Summary: its own stats, the baseline's edges (copied) and ``e_<fmt>`` names."""
    summ = Summarizer.from_dict(summarizer)
    vals = as_values(values, "values")
    edges = baseline_edges(baseline, summ)
    return _summary(basic_stats(vals), edges_to_list(edges), window_edge_names(baseline["edges"]),
                    window_aggregate(vals, edges, summ), summ.aggregation, start, end)


def baseline_edges(baseline: dict[str, Any], summ: Summarizer) -> np.ndarray:
    """The finite edges of a baseline summary, checked against the summarizer's bin count."""
    if not isinstance(baseline, dict) or "edges" not in baseline:
        raise ValueError("baseline must be a Summary dict with 'edges'")
    edges = finite_edges(baseline["edges"])
    if edges.size != summ.num_bins + 1:
        raise ValueError(f"baseline has {edges.size - 1} bins but the summarizer's num_bins is {summ.num_bins}")
    return edges


def window_summary_from_counts(stats: dict[str, Any], counts: np.ndarray, baseline: dict[str, Any],
                               aggregation: str, start: Any, end: Any,
                               agg: list[float] | None = None) -> dict[str, Any]:
    """A window Summary from precomputed stats and bin counts (the vectorised path)."""
    if agg is None:
        agg = aggregate(counts, max(int(counts.sum()), 1), aggregation).tolist()
    edges = list(baseline["edges"])
    return _summary(stats, [None if e is None or isinstance(e, str) else float(e) for e in edges],
                    window_edge_names(edges), agg, aggregation, start, end)


def as_datetime(value: Any) -> _dt.datetime | None:
    """A UTC datetime from a datetime, Timestamp or ISO string."""
    return None if value is None else pd.Timestamp(to_iso(value)).to_pydatetime()
