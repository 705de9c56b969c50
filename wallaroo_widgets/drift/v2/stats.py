"""V2 statistics fast: every window of a batch at once, and a baseline's quantile edges and median from one
partition (docs/assays-v2-math.md §2–§3). Same numbers, bit for bit, as the plain forms they replace:
``drift.summary.basic_stats`` per window and ``np.quantile(method="linear")`` (tests/drift/test_v2_fast.py).

Exact because every number comes from the same operation on the same data: order statistics (min, max,
median, quantile neighbours) are values of the data whichever way they are found (a zero min / max is taken
window by window, as its sign depends on the order); sums (mean, std) are numpy's pairwise ``add.reduce``
over each window's own contiguous slice, as ``np.mean`` / ``np.std`` do.
"""

from __future__ import annotations

import numpy as np

from .types import Statistics

F32 = np.float32


def _finite_ranges(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(non-NaN values, each window's range in them): no copy when there is no NaN."""
    nan = np.isnan(values)
    if not nan.any():
        return values, lo, hi
    pos = np.zeros(values.size + 1, dtype=np.int64)
    np.cumsum(~nan, out=pos[1:])
    return values[~nan], pos[lo], pos[hi]


def _extreme(ufunc: np.ufunc, fin: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``ufunc.reduce(fin[a:b])`` of every non-empty range (a, b) in one ``reduceat``: pairs (a, b − 1) give
    fin[a:b−1] (or fin[a] when b − 1 = a), combined with fin[b − 1]. The value is exact in any order; only the
    sign of a zero result depends on it (the caller redoes those windows as ``basic_stats`` does)."""
    last = hi - 1
    idx = np.empty(2 * lo.size, dtype=np.intp)
    idx[0::2], idx[1::2] = lo, last
    return ufunc(ufunc.reduceat(fin, idx)[0::2], fin[last])


def window_statistics(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, float32: bool) -> list[Statistics]:
    """V2 ``Statistics`` of every window ``values[lo[i]:hi[i]]`` (count with NaN; zeros without a number;
    float32: std, median, min, max rounded to float32). One partition per window for the median; min, max
    and the float conversions for all windows at once."""
    count = (hi - lo).tolist()
    fin, flo, fhi = _finite_ranges(values, np.asarray(lo, dtype=np.intp), np.asarray(hi, dtype=np.intp))
    m = fhi - flo
    has = m > 0
    w = len(count)
    mins, maxs = np.zeros(w), np.zeros(w)
    if has.any():
        mins[has] = _extreme(np.minimum, fin, flo[has], fhi[has])
        maxs[has] = _extreme(np.maximum, fin, flo[has], fhi[has])
        for i in np.flatnonzero(has & ((mins == 0) | (maxs == 0))).tolist():  # which zero depends on the order
            seg = fin[flo[i]:fhi[i]]
            mins[i], maxs[i] = seg.min(), seg.max()
    means, medians, stds = [0.0] * w, [0.0] * w, [0.0] * w
    add, sub, mul = np.add.reduce, np.subtract, np.multiply
    scratch = np.empty(int(m.max()) if w else 0)
    starts, stops = flo.tolist(), fhi.tolist()
    for i in np.flatnonzero(has).tolist():
        a, b = starts[i], stops[i]
        n = b - a
        h = n // 2
        seg, part = fin[a:b], scratch[:n]
        part[:] = seg
        part.partition(h)
        medians[i] = part[h] if n % 2 else (part[:h].max() + part[h]) / 2
        means[i] = mean = add(seg) / n  # np.mean: the pairwise sum over the slice, divided by the count
        sub(seg, mean, out=part)
        mul(part, part, out=part)
        stds[i] = add(part) / n
    medians, means, stds = np.array(medians), np.array(means), np.sqrt(np.array(stds))
    if float32:
        mins, maxs, medians, stds = (x.astype(F32).astype(np.float64) for x in (mins, maxs, medians, stds))
    return [Statistics(c, mx, mean, med, mn, sd) for c, mx, mean, med, mn, sd
            in zip(count, maxs.tolist(), means.tolist(), medians.tolist(), mins.tolist(), stds.tolist(), strict=True)]


def linear_quantiles(finite: np.ndarray, n: int, part: np.ndarray | None = None) -> np.ndarray:
    """Q(1/n) … Q((n−1)/n) of the non-NaN values: ``np.quantile(finite, p, method="linear")`` (Hyndman–Fan
    type 7), h = (N−1)·p, j = ⌊h⌋, Q = lerp(x[j], x[j+1], h − j), numpy's own steps on ``part``: a copy of
    ``finite`` partitioned at ``quantile_positions(finite.size, n)`` with no zero there (``partitioned``);
    without one, ``np.quantile`` itself."""
    if n < 2:
        return np.empty(0)
    p = np.arange(1, n) / n
    if part is None:
        return np.quantile(finite, p, method="linear")
    virtual = (finite.size - 1) * p
    prev, nxt = _neighbours(virtual, finite.size)
    gamma = virtual - np.where(virtual >= finite.size - 1, -1, prev)  # numpy's gamma uses its −1 index there
    a, b = part[prev], part[nxt]
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


def _neighbours(virtual: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """numpy's previous / next order-statistic positions (both the last one at or past the end)."""
    prev = np.floor(virtual).astype(np.intp)
    nxt = prev + 1
    above = virtual >= size - 1
    prev[above], nxt[above] = size - 1, size - 1
    return prev, nxt


def quantile_positions(size: int, n: int) -> np.ndarray:
    """Positions a partition needs for ``linear_quantiles(…, n)`` of ``size`` values."""
    if n < 2:
        return np.empty(0, dtype=np.intp)
    prev, nxt = _neighbours((size - 1) * (np.arange(1, n) / n), size)
    return np.concatenate([prev, nxt])


def partitioned(finite: np.ndarray, positions: np.ndarray) -> np.ndarray | None:
    """A copy of ``finite`` partitioned at ``positions`` and at the median position N // 2 (one pass), or None
    when a value read there is a zero: which of 0.0 / −0.0 lands at a position depends on the partition's
    arrangement, so the caller then takes the plain path (``np.quantile``, ``basic_stats``) to keep the sign."""
    part = finite.copy()
    h = finite.size // 2
    part.partition(np.unique(np.concatenate([positions, [h]]).astype(np.intp)))
    if not part[np.concatenate([positions, [h]]).astype(np.intp)].all():
        return None
    if finite.size % 2 == 0 and h and part[:h].max() == 0:  # the median's lower middle value
        return None
    return part
