"""Right-closed binning with the baseline edges (assay-math §4).

Bin 0: x < e0 or NaN; bin 1: e0 ≤ x ≤ e1; bin i: e(i−1) < x ≤ e(i); bin n + 1: x > en.
"""

from __future__ import annotations

import numpy as np

SMALL_EDGES = 100  # up to this many edges, n comparison passes into an int8 beat np.searchsorted


def bin_indices(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin number (0..n+1) of every value, given the n + 1 finite edges e0..en.

    Bin = 1 + #(regular right edges strictly below x), then 0 where x < e0 or x is NaN.
    """
    if edges.size <= SMALL_EDGES:
        idx = np.ones(values.shape, dtype=np.int8)
        mask = np.empty(values.shape, dtype=bool)
        for e in edges[1:]:
            np.greater(values, e, out=mask)
            idx += mask
    else:
        idx = np.searchsorted(edges[1:], values, side="left")
        idx += 1
        mask = np.empty(values.shape, dtype=bool)
    np.greater_equal(values, edges[0], out=mask)
    np.logical_not(mask, out=mask)
    idx[mask] = 0  # below the baseline min, or NaN
    return idx


def bin_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin (length n + 2); NaN counted in bin 0.

    From cumulative counts #(x ≤ e_i), #(x < e0) and #NaN: one comparison pass per edge, no index array.
    """
    buf = np.empty(values.shape, dtype=bool)

    def count(op, value) -> int:
        op(values, value, out=buf)
        return int(np.count_nonzero(buf))

    le = np.array([count(np.less_equal, e) for e in edges[1:]], dtype=np.int64)
    below = count(np.less, edges[0])
    np.isnan(values, out=buf)
    nan = int(np.count_nonzero(buf))
    return np.concatenate([[below + nan, le[0] - below], np.diff(le), [values.size - nan - le[-1]]])


def counts_partitioned(part: np.ndarray, h: int, edges: np.ndarray, n_values: int) -> np.ndarray:
    """``bin_counts`` of non-NaN values ``part`` partitioned at position ``h`` (left ≤ part[h] ≤ right), with
    ``n_values − part.size`` NaN in bin 0. Each edge is compared with one side only."""
    pivot, left, right = part[h], part[:h], part[h + 1:]
    buf_l, buf_r = np.empty(left.shape, dtype=bool), np.empty(right.shape, dtype=bool)

    def count(op, e) -> int:
        if op(pivot, e):  # the pivot and everything left of it qualify; count on the right
            op(right, e, out=buf_r)
            return h + 1 + int(np.count_nonzero(buf_r))
        op(left, e, out=buf_l)  # nothing right of the pivot qualifies
        return int(np.count_nonzero(buf_l))

    le = np.array([count(np.less_equal, e) for e in edges[1:]], dtype=np.int64)
    below = count(np.less, edges[0])
    nan = n_values - part.size
    return np.concatenate([[below + nan, le[0] - below], np.diff(le), [part.size - le[-1]]])


def segment_keys(bounds: np.ndarray, k: int) -> np.ndarray:
    """``segment number · k`` of every row in bounds[0]:bounds[-1] (the bincount key before the bin is added);
    depends only on the row ranges, so fields sharing one time axis share it."""
    seg = np.repeat(np.arange(bounds.size - 1, dtype=np.intp), np.diff(bounds))
    seg *= k
    return seg


def segment_counts(values: np.ndarray, edges: np.ndarray, bounds: np.ndarray,
                   keys: np.ndarray | None = None) -> np.ndarray:
    """Cumulative bin counts at row positions ``bounds`` (sorted): shape (len(bounds), K), counted from bounds[0].

    Rows ``bounds[s]:bounds[s+1]`` form segment s; one binning pass and one ``bincount`` over all rows.
    Counts of any row range [bounds[a], bounds[b]) are ``out[b] - out[a]``. ``keys``: ``segment_keys(bounds,
    K)`` computed once for many value columns over the same rows.
    """
    k = edges.size + 1
    lo, hi = int(bounds[0]), int(bounds[-1])
    if keys is None:
        key = segment_keys(bounds, k)
        key += bin_indices(values[lo:hi], edges)
    else:  # one pass writes a new key array; the shared keys stay untouched
        key = np.add(keys, bin_indices(values[lo:hi], edges))
    counts = np.bincount(key, minlength=(bounds.size - 1) * k).reshape(bounds.size - 1, k)
    out = np.zeros((bounds.size, k), dtype=np.int64)
    np.cumsum(counts, axis=0, out=out[1:])
    return out
