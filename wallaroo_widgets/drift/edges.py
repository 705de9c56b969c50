"""Bin edges (assay-math §3): ``[e0, e1, ..., en, None]`` with None = +inf, and their names."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .summarizer import Summarizer


def closest_observation_index(n_obs: int, p: np.ndarray) -> np.ndarray:
    """0-based order-statistic index of Hyndman-Fan type 3 (numpy ``method="closest_observation"``).

    1-based rule: h = N·p − 0.5, j = ⌊h⌋, g = h − j, k = j if (g = 0 and j even) else j + 1, clamped to
    [1, N]. Computed with numpy's own float arithmetic (N·p − 1 − 0.5 in 0-based form).
    """
    index = n_obs * np.asarray(p, dtype=np.float64) - 1 - 0.5
    prev = np.floor(index)
    gamma = index - prev
    k = np.where((gamma == 0) & (prev % 2 == 1), prev, prev + 1)
    return np.clip(k, 0, n_obs - 1).astype(np.int64)


def order_statistics(finite: np.ndarray, ks: Sequence[int] | np.ndarray) -> np.ndarray:
    """The values at sorted positions ``ks`` (0-based) without a full sort."""
    ks = np.asarray(ks, dtype=np.int64)
    if finite.size == 0 or ks.size == 0:
        return np.empty(0)
    uniq = np.unique(ks)
    part = np.partition(finite, uniq)
    return part[ks]


def quantile_edges(finite: np.ndarray, num_bins: int) -> np.ndarray:
    """``[min, Q(1/n), ..., Q(n/n) = max]`` with closest-observation quantiles of the non-NaN values."""
    p = np.arange(1, num_bins + 1) / num_bins
    ks = closest_observation_index(finite.size, p)
    stats = order_statistics(finite, np.concatenate([[0], ks]))
    return stats


def equal_edges(lo: float, hi: float, num_bins: int) -> np.ndarray:
    """``e_i = min + i·(max − min)/n``, with the last edge exactly ``max``."""
    step = (hi - lo) / num_bins
    edges = lo + np.arange(num_bins + 1) * step
    edges[-1] = hi
    return edges


def provided_edges(edges: Sequence[float], num_bins: int, lo: float) -> np.ndarray:
    """n + 1 values: the first is e0; n values: e0 = baseline min (never above e1)."""
    given = np.sort(np.asarray(edges, dtype=np.float64))
    if given.size == num_bins + 1:
        return given
    return np.concatenate([[min(lo, given[0])], given])


def compute_edges(finite: np.ndarray, summ: Summarizer) -> np.ndarray:
    """The n + 1 finite edges e0..en of a baseline (non-NaN values, non-empty)."""
    if summ.bin_mode == "Provided":
        assert summ.provided_edges is not None
        return provided_edges(summ.provided_edges, summ.num_bins, float(finite.min()))
    if summ.bin_mode == "Equal":
        return equal_edges(float(finite.min()), float(finite.max()), summ.num_bins)
    return quantile_edges(finite, summ.num_bins)


def fmt_edge(x: float) -> str:
    """Rust ``{:.2e}`` style: ``2.64e-4``, ``1.00e0``, ``1.25e2``."""
    if not math.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "NaN")
    mantissa, exp = f"{x:.2e}".split("e")
    return f"{mantissa}e{int(exp)}"


def baseline_edge_names(edges: Sequence[float], summ: Summarizer) -> list[str]:
    """Names of a baseline summary's K bins (``q_20``…, ``p_<fmt>`` for Equal, ``e_<fmt>`` for Provided)."""
    n = summ.num_bins
    if summ.bin_mode == "Quantile":
        inner = [f"q_{round(100 * i / n)}" for i in range(1, n + 1)]
    else:
        prefix = "p" if summ.bin_mode == "Equal" else "e"
        inner = [f"{prefix}_{fmt_edge(float(e))}" for e in edges[1:n + 1]]
    return ["left_outlier", *inner, "right_outlier"]


def window_edge_names(edges: Sequence[Any]) -> list[str]:
    """Names of a window summary's bins: ``e_<fmt>`` of the baseline's regular right edges."""
    inner = [f"e_{fmt_edge(float(e))}" for e in edges[1:-1]]
    return ["left_outlier", *inner, "right_outlier"]


def edges_to_list(finite_edges: np.ndarray) -> list[float | None]:
    """JSON edge list: the finite edges followed by None (+inf)."""
    return [float(e) for e in finite_edges] + [None]


def finite_edges(edges: Sequence[Any]) -> np.ndarray:
    """e0..en from a summary's edge list (accepts trailing None / "INFINITY" / inf; server or local)."""
    out = []
    for e in edges:
        if e is None or (isinstance(e, str) and e.strip().upper() in {"INFINITY", "INF", "+INF"}):
            continue
        out.append(float(e))
    arr = np.asarray(out, dtype=np.float64)
    arr = arr[arr != np.inf]
    if np.isnan(arr).any():
        raise ValueError("baseline edges must not contain NaN")
    if arr.size == 0:
        raise ValueError("baseline edges must contain at least one finite value")
    if np.any(np.diff(arr) < 0):
        raise ValueError("baseline edges must be sorted ascending")
    return arr
