"""Bin edges (assay-math §3): ``[e0, e1, ..., en, None]`` with None = +inf, and their names."""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .summarizer import Summarizer


def closest_observation_index(n_obs: int | np.ndarray, p: np.ndarray) -> np.ndarray:
    """0-based order-statistic index of Hyndman-Fan type 3 (numpy ``method="closest_observation"``).

    1-based rule: h = N·p − 0.5, j = ⌊h⌋, g = h − j, k = j if (g = 0 and j even) else j + 1, clamped to
    [1, N]. Computed with numpy's own float arithmetic (N·p − 1 − 0.5 in 0-based form).
    """
    index = n_obs * np.asarray(p, dtype=np.float64) - 1 - 0.5
    prev = np.floor(index)
    gamma = index - prev
    k = np.where((gamma == 0) & (prev % 2 == 1), prev, prev + 1)
    return np.clip(k, 0, n_obs - 1).astype(np.int64)


def select(finite: np.ndarray, ks: Sequence[int] | np.ndarray) -> np.ndarray:
    """A copy of ``finite`` in which position k holds the k-th smallest value for every k in ``ks``.

    Recursive single-kth partitions (numpy's multi-kth ``partition`` is several times slower).
    """
    part = np.array(finite, dtype=np.float64, copy=True)
    _select(part, np.unique(np.asarray(ks, dtype=np.int64)), 0, part.size)
    return part


def _select(part: np.ndarray, ks: np.ndarray, lo: int, hi: int) -> None:
    if not ks.size:
        return
    mid = int(ks[ks.size // 2])
    part[lo:hi].partition(mid - lo)
    _select(part, ks[ks < mid], lo, mid)
    _select(part, ks[ks > mid], mid + 1, hi)


def counts_from_selection(part: np.ndarray, ks: np.ndarray, selected: Sequence[int]) -> np.ndarray:
    """Counts of the values ≤ each ``part[k]`` (k in ``ks``, ascending), read off a ``select()`` result.

    ``part`` is partitioned at every position in ``selected`` (⊇ ks), so #(x ≤ part[k]) is k + 1 plus the
    values equal to part[k] after k, which all lie before the next selected position holding a larger value.
    """
    sel = np.unique(np.asarray(selected, dtype=np.int64))
    out = np.empty(len(ks), dtype=np.int64)
    for i, k in enumerate(ks):
        e = part[k]
        j = int(np.searchsorted(sel, k, side="right"))
        while j < sel.size and part[sel[j]] == e:
            j += 1
        stop = int(sel[j]) if j < sel.size else part.size
        out[i] = k + 1 + int(np.count_nonzero(part[k + 1:stop] == e))
    return out


def quantile_ks(n_obs: int, num_bins: int) -> np.ndarray:
    """0-based positions of Q(1/n) … Q(n/n)."""
    return closest_observation_index(n_obs, np.arange(1, num_bins + 1) / num_bins)


def quantile_edges(finite: np.ndarray, num_bins: int, selected: np.ndarray | None = None) -> np.ndarray:
    """``[min, Q(1/n), ..., Q(n/n) = max]`` with closest-observation quantiles of the non-NaN values.

    ``selected``: a ``select()`` result that already covers the quantile positions.
    """
    ks = quantile_ks(finite.size, num_bins)
    part = selected if selected is not None else select(finite, ks)
    return np.concatenate([[finite.min()], part[ks]])


def equal_edges(lo: float | np.ndarray, hi: float | np.ndarray, num_bins: int) -> np.ndarray:
    """``e_i = min + i·(max − min)/n``, with the last edge exactly ``max``; (W,) lo/hi give (W, n + 1)."""
    lo_, hi_ = np.asarray(lo, dtype=np.float64)[..., None], np.asarray(hi, dtype=np.float64)[..., None]
    step = (hi_ - lo_) / num_bins
    edges = lo_ + np.arange(num_bins + 1) * step
    edges[..., -1] = hi_[..., 0]
    return edges


def provided_edges(edges: Sequence[float], num_bins: int, lo: float | np.ndarray) -> np.ndarray:
    """n + 1 values: the first is e0; n values: e0 = baseline min (never above e1); (W,) lo gives (W, n + 1)."""
    given = np.sort(np.asarray(edges, dtype=np.float64))
    lo_ = np.asarray(lo, dtype=np.float64)
    if given.size == num_bins + 1:
        return np.broadcast_to(given, (*lo_.shape, given.size)).copy()
    return np.concatenate([np.minimum(lo_, given[0])[..., None], np.broadcast_to(given, (*lo_.shape, given.size))],
                          axis=-1)


def compute_edges(finite: np.ndarray, summ: Summarizer, selected: np.ndarray | None = None) -> np.ndarray:
    """The n + 1 finite edges e0..en of a baseline (non-NaN values, non-empty)."""
    if summ.bin_mode == "Provided":
        assert summ.provided_edges is not None
        return provided_edges(summ.provided_edges, summ.num_bins, float(finite.min()))
    if summ.bin_mode == "Equal":
        return equal_edges(float(finite.min()), float(finite.max()), summ.num_bins)
    return quantile_edges(finite, summ.num_bins, selected)


def fmt_edge(x: float) -> str:
    """Rust ``{:.2e}`` style: ``2.64e-4``, ``1.00e0``, ``1.25e2``."""
    if not math.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "NaN")
    mantissa, exp = f"{x:.2e}".split("e")
    return f"{mantissa}e{int(exp)}"


def quantile_names(num_bins: int) -> list[str]:
    """``q_<100·i/n>`` for the regular bins i = 1…n (rounded to an int when n does not divide 100)."""
    return [f"q_{round(100 * i / num_bins)}" for i in range(1, num_bins + 1)]


def baseline_edge_names(edges: Sequence[float], summ: Summarizer) -> list[str]:
    """Names of a baseline summary's K bins (``q_20``…, ``p_<fmt>`` for Equal, ``e_<fmt>`` for Provided)."""
    n = summ.num_bins
    if summ.bin_mode == "Quantile":
        inner = quantile_names(n)
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


def edge_values(edges: Sequence[Any]) -> list[float | None]:
    """A summary's edge list as floats, None for +inf (None / "INFINITY" / "inf"); ValueError for others."""
    out: list[float | None] = []
    for e in edges:
        if e is None or (isinstance(e, str) and e.strip().upper() in {"INFINITY", "INF", "+INF"}):
            out.append(None)
        elif isinstance(e, bool) or not isinstance(e, numbers.Real):
            raise ValueError(f"baseline edges must be numbers (None or 'INFINITY' for +inf), got {e!r}")
        else:
            out.append(float(e))
    return out


def finite_edges(edges: Sequence[Any]) -> np.ndarray:
    """e0..en from a summary's edge list (accepts trailing None / "INFINITY" / inf; server or local)."""
    arr = np.asarray([e for e in edge_values(edges) if e is not None], dtype=np.float64)
    arr = arr[arr != np.inf]
    if np.isnan(arr).any():
        raise ValueError("baseline edges must not contain NaN")
    if arr.size == 0:
        raise ValueError("baseline edges must contain at least one finite value")
    if np.any(np.diff(arr) < 0):
        raise ValueError("baseline edges must be sorted ascending")
    return arr


def window_edges(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, summ: Summarizer,
                 max_pad: float = 4.0) -> np.ndarray | None:
    """Every window's own edges (``compute_edges`` of its non-NaN values ``values[lo:hi]``) as a (W, n + 1)
    matrix, zeros for windows without a number (Edges aggregation).

    The windows are copied into one NaN-padded (W, longest) array and sorted along rows (NaN sort last), so
    the order statistics of all windows come from one C-level sort. Returns None when padding would exceed
    ``max_pad`` × the values copied (very unequal windows): the caller then goes window by window.
    """
    counts = (hi - lo).astype(np.int64)
    width = int(counts.max()) if counts.size else 0
    if counts.size and counts.size * width > max_pad * max(int(counts.sum()), 1):
        return None
    rows = np.repeat(np.arange(counts.size), counts)
    cols = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    grid = np.full((counts.size, max(width, 1)), np.nan)
    grid[rows, cols] = values[np.repeat(lo, counts) + cols]
    finite = np.count_nonzero(~np.isnan(grid), axis=1)
    has = finite > 0
    m = np.maximum(finite, 1)
    n = summ.num_bins
    if summ.bin_mode == "Quantile":
        grid.sort(axis=1)
        ks = closest_observation_index(m[:, None], np.arange(1, n + 1) / n)
        out = np.concatenate([grid[:, :1], np.take_along_axis(grid, ks, axis=1)], axis=1)
    else:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: zeros below
            lo_v, hi_v = np.nanmin(grid, axis=1), np.nanmax(grid, axis=1)
        if summ.bin_mode == "Equal":
            out = equal_edges(lo_v, hi_v, n)
        else:
            assert summ.provided_edges is not None
            out = provided_edges(summ.provided_edges, n, lo_v)
    out[~has] = 0.0
    return out
