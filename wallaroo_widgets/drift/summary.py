"""Summaries (docs/spec/assay-math.md §2, §5): the dict shape ``/v1/api/assays/summarize`` returns."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .binning import bin_counts, counts_partitioned
from .diagnostics import baseline_findings
from .edges import (
    baseline_edge_names,
    compute_edges,
    counts_from_selection,
    edges_to_list,
    finite_edges,
    quantile_ks,
    select,
    window_edge_names,
)
from .summarizer import DriftWarning, Summarizer
from .timeutil import iso_z
from .types import wire
from .validate import as_values

STAT_KEYS = ("count", "min", "max", "mean", "median", "std")


def non_nan(values: np.ndarray) -> np.ndarray:
    """The non-NaN values (no copy when there is no NaN)."""
    nan = np.isnan(values)
    return values[~nan] if nan.any() else values


def basic_stats(values: np.ndarray, finite: np.ndarray | None = None,
                selected: np.ndarray | None = None) -> dict[str, Any]:
    """count (NaN included), min, max, mean, median, population std of the non-NaN values.

    All-NaN (or empty) input gives zeros, as the server does. ``finite`` (the non-NaN values) and
    ``selected`` (a ``select()`` copy partitioned at N // 2) reuse a caller's work; ``selected`` is then used
    as scratch space and overwritten.
    """
    finite = non_nan(values) if finite is None else finite
    m = finite.size
    if m == 0:
        return {"count": int(values.size), "min": 0.0, "max": 0.0, "mean": 0.0, "median": 0.0, "std": 0.0}
    h = m // 2
    part = selected if selected is not None else select(finite, [h])
    # even N: the lower middle value is the largest of the lower half (np.median's mean of the two)
    median = float(part[h] if m % 2 else (part[:h].max() + part[h]) / 2)
    mean = np.mean(finite)
    return {"count": int(values.size), "min": float(finite.min()), "max": float(finite.max()),
            "mean": float(mean), "median": median, "std": population_std(finite, mean, part)}


def population_std(finite: np.ndarray, mean: float, scratch: np.ndarray) -> float:
    """``np.std(finite)`` bit for bit (same subtract, square, pairwise sum), computed in ``scratch``."""
    np.subtract(finite, mean, out=scratch)
    np.multiply(scratch, scratch, out=scratch)
    return float(np.sqrt(np.add.reduce(scratch) / finite.size))


def aggregate(counts: np.ndarray, total: int | np.ndarray, aggregation: str) -> np.ndarray:
    """Density (c / N) or Cumulative (running sum of densities); works on (K,) or (W, K) counts."""
    total = np.asarray(total)
    dens = counts / (total[..., None] if total.ndim else total)
    if aggregation == "Cumulative":
        return np.cumsum(dens, axis=-1)
    return dens


def _summary(stats: dict[str, Any], edges: list, names: list[str], agg: list[float], aggregation: str,
             start: Any, end: Any) -> dict[str, Any]:
    return {**stats, "edges": edges, "edge_names": names, "aggregated_values": agg, "aggregation": aggregation,
            "start": iso_z(start), "end": iso_z(end)}


def summarize(values: Any, summarizer: Summarizer | dict | None = None, start: Any = None,
              end: Any = None) -> dict[str, Any]:
    """Baseline Summary of ``values`` (NaN allowed, counted in bin 0); edges from the non-NaN values."""
    summ = Summarizer.from_dict(summarizer)
    vals = as_values(values, "values")
    finite = non_nan(vals)
    if finite.size == 0:
        raise ValueError("values must contain at least one non-NaN number for a baseline")
    ks = [finite.size // 2]
    if summ.bin_mode == "Quantile":
        ks = [*ks, *quantile_ks(finite.size, summ.num_bins).tolist()]
    selected = select(finite, ks)  # one selection pass serves the median and the quantile edges
    edges = compute_edges(finite, summ, selected)
    if summ.aggregation == "Edges":
        agg = [float(e) for e in edges]
    else:
        if summ.bin_mode == "Quantile":  # counts read off the selection: no binning pass
            qk = quantile_ks(finite.size, summ.num_bins)
            le = counts_from_selection(selected, qk, ks)
            counts = np.concatenate([[vals.size - finite.size, le[0]], np.diff(le), [finite.size - le[-1]]])
        else:
            counts = bin_counts(vals, edges)
        agg = aggregate(counts, vals.size, summ.aggregation).tolist()
    for finding in baseline_findings(vals.size, finite.size, edges, summ):
        if finding.level == "warning":
            warnings.warn(finding.message, DriftWarning, stacklevel=2)
    return _summary(basic_stats(vals, finite, selected), edges_to_list(edges), baseline_edge_names(edges, summ),
                    agg, summ.aggregation, start, end)


def window_aggregate(vals: np.ndarray, edges: np.ndarray, summ: Summarizer) -> list[float]:
    """A window's aggregated values: baseline-edge bins, or (Edges) its own edges under the same mode."""
    if summ.aggregation != "Edges":
        return aggregate(bin_counts(vals, edges), vals.size, summ.aggregation).tolist()
    finite = non_nan(vals)
    if finite.size == 0:
        return [0.0] * edges.size
    return [float(e) for e in compute_edges(finite, summ)]


def summarize_window(values: Any, baseline: Any, summarizer: Summarizer | dict | None = None,
                     start: Any = None, end: Any = None) -> dict[str, Any]:
    """Window Summary: its own stats, the baseline's (a Summary, typed or its dict) edges (copied) and
    ``e_<fmt>`` names."""
    baseline = wire(baseline)
    summ = Summarizer.from_dict(summarizer)
    vals = as_values(values, "values")
    edges = baseline_edges(baseline, summ)
    finite = non_nan(vals)
    if summ.aggregation == "Edges" or finite.size == 0:
        agg = window_aggregate(vals, edges, summ)
        stats = basic_stats(vals, finite)
    else:  # one partition at the median serves the median and halves the binning work
        part = select(finite, [finite.size // 2])
        counts = counts_partitioned(part, finite.size // 2, edges, vals.size)
        agg = aggregate(counts, vals.size, summ.aggregation).tolist()
        stats = basic_stats(vals, finite, part)
    return _summary(stats, edges_to_list(edges), window_edge_names(baseline["edges"]), agg, summ.aggregation,
                    start, end)


def baseline_edges(baseline: Any, summ: Summarizer) -> np.ndarray:
    """The finite edges of a baseline summary (typed or its dict), checked against the summarizer's bin count."""
    baseline = wire(baseline)
    if not isinstance(baseline, dict) or "edges" not in baseline:
        raise ValueError("baseline must be a Summary dict with 'edges'")
    edges = finite_edges(baseline["edges"])
    if edges.size != summ.num_bins + 1:
        raise ValueError(f"baseline has {edges.size - 1} bins but the summarizer's num_bins is {summ.num_bins}")
    return edges
