"""Property tests (hypothesis): the V2 engine against an independent plain-Python re-implementation of the
rules (docs/assays-v2-math.md §3–§5), and invariants (densities sum to 1, identical data score 0)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wallaroo_widgets.drift import v2

floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
ties = st.integers(-3, 3).map(float)
samples = st.lists(st.one_of(floats, ties, st.just(float("nan"))), min_size=1, max_size=150).filter(
    lambda xs: any(x == x for x in xs))
modes = st.one_of(
    st.builds(v2.BinMode.quantile, st.integers(1, 12)), st.builds(v2.BinMode.equal, st.integers(1, 12)),
    st.builds(v2.BinMode.quantile_with_outliers, st.integers(1, 12)),
    st.builds(v2.BinMode.provided, st.lists(st.one_of(floats, ties), min_size=1, max_size=8)))
summarizers = st.builds(v2.UnivariateContinuous, modes, st.sampled_from(["Density", "Cumulative"]),
                        st.sampled_from(["PSI", "MaxDiff", "SumDiff"]))
FAST = settings(max_examples=80, deadline=None)


# -- the independent re-implementation ---------------------------------------------------------------------
def ref_quantile(xs: list[float], p: float) -> float:
    h = (len(xs) - 1) * p
    j = math.floor(h)
    return xs[j] if j + 1 >= len(xs) else xs[j] + (h - j) * (xs[j + 1] - xs[j])


def ref_edges(values: list[float], mode: v2.BinMode) -> list[float]:
    xs = sorted(x for x in values if x == x)
    if mode.kind == "Provided":
        return sorted(mode.edges)
    n = mode.n
    if mode.kind == "Equal":
        w = (xs[-1] - xs[0]) / n
        return [xs[0] + i * w for i in range(n)] + [xs[-1]]
    q = [ref_quantile(xs, i / n) for i in range(1, n)]
    return q if mode.kind == "Quantile" else [xs[0], *q, xs[-1]]


def ref_bin(x: float, finite_edges: list[float], mode: v2.BinMode) -> int:
    if x != x:
        return 0
    if mode.kind == "Quantile":  # (−∞, e0], (e0, e1], …, (e_last, +∞)
        return sum(1 for e in finite_edges if x > e)
    if x < finite_edges[0]:
        return 0
    return 1 + sum(1 for e in finite_edges[1:] if x > e)


def ref_density(values: list[float], finite_edges: list[float], mode: v2.BinMode) -> list[float]:
    k = mode.num_bins
    counts = [0] * k
    for x in values:
        counts[ref_bin(x, finite_edges, mode)] += 1
    return [c / len(values) for c in counts]


def ref_score(b: list[float], w: list[float], metric: str, aggregation: str) -> tuple[float, list[float]]:
    if aggregation == "Cumulative":
        b = list(np.cumsum(b))
        w = list(np.cumsum(w))
    if metric == "PSI" and aggregation == "Density":
        def floor(p: float) -> float:
            return 0.005 if p == 0 else p
        s = [0.0 if bi == wi == 0 else (floor(wi) - floor(bi)) * math.log(floor(wi) / floor(bi)) for bi, wi in zip(b, w, strict=True)]
    else:
        s = [abs(wi - bi) for bi, wi in zip(b, w, strict=True)]
    if metric == "MaxDiff":
        return max(s), s
    return (sum(s) / 2 if metric == "SumDiff" else sum(s)), s


# -- properties ----------------------------------------------------------------------------------------------
@FAST
@given(samples, modes)
def test_edges_labels_and_densities_match_the_reference(values, mode) -> None:
    s = v2.summarize(values, mode)
    finite = list(s.bins.finite_edges)
    assert finite == pytest.approx(ref_edges(values, mode), rel=1e-12, abs=1e-9)
    assert s.bins.edges[-1] == math.inf and len(s.bins.edges) == len(s.labels) == mode.num_bins
    assert list(s.aggregated_values) == ref_density(values, finite, mode)
    assert sum(s.aggregated_values) == pytest.approx(1.0)


@FAST
@given(samples)
def test_statistics_match_the_reference(values) -> None:
    st_ = v2.summarize(values, v2.BinMode.quantile(5)).statistics
    xs = sorted(x for x in values if x == x)
    m = len(xs)
    mean = math.fsum(xs) / m
    median = xs[m // 2] if m % 2 else (xs[m // 2 - 1] + xs[m // 2]) / 2
    std = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / m)
    assert st_.count == len(values) and (st_.min, st_.max) == (xs[0], xs[-1]) and st_.median == median
    assert st_.mean == pytest.approx(mean, rel=1e-9, abs=1e-6) and st_.std == pytest.approx(std, rel=1e-6, abs=1e-6)


@FAST
@given(samples, samples, summarizers)
def test_window_scores_match_the_reference(base_vals, win_vals, summ) -> None:
    base = v2.summarize(base_vals, summ.bin_mode, summ.aggregation)
    win = v2.summarize_window(win_vals, base)
    finite = list(base.bins.finite_edges)
    b, w = ref_density(base_vals, finite, summ.bin_mode), ref_density(win_vals, finite, summ.bin_mode)
    assert list(win.aggregated_values) == pytest.approx(list(np.cumsum(w)) if summ.aggregation == "Cumulative" else w)
    sd = v2.score(base, win, summ)
    total, per_bin = ref_score(b, w, summ.metric, summ.aggregation)
    assert sd.score == pytest.approx(total, rel=1e-9, abs=1e-12) and list(sd.scores) == pytest.approx(per_bin, abs=1e-12)
    assert sd.score >= 0 and (sd.bin_index is not None) == (summ.metric == "MaxDiff")


@FAST
@given(samples, summarizers)
def test_identical_data_score_zero(values, summ) -> None:
    base = v2.summarize(values, summ.bin_mode, summ.aggregation)
    win = v2.summarize_window(values, base)
    assert win.aggregated_values == base.aggregated_values and v2.score(base, win, summ).score == 0.0


@settings(max_examples=30, deadline=None)
@given(samples, st.lists(st.tuples(st.integers(0, 5_000), st.one_of(floats, ties, st.just(float("nan")))),
                         max_size=120), summarizers, st.integers(200, 2_000), st.integers(200, 2_000))
def test_batch_equals_window_by_window(base_vals, rows, summ, width, step) -> None:
    """All windows in one pass = each window summarised and scored alone, rows at t in (start, end]."""
    base = v2.summarize(base_vals, summ.bin_mode, summ.aggregation)
    windows = v2.grid(0, np.timedelta64(width, "ms").item(), np.timedelta64(step, "ms").item(), 6_000)
    rows = sorted(rows, key=lambda r: r[0])  # the batch keeps rows in time order (stable): same sums, same std
    times = np.array([t for t, _ in rows], dtype=np.int64)
    vals = np.array([v for _, v in rows], dtype=np.float64)
    ws = v2.score_windows(times, vals, base, windows, summ, v2.Thresholds(0.1, 0.2))
    for i, (s, e) in enumerate(zip(windows.starts.asi8 // 1_000_000, windows.ends.asi8 // 1_000_000, strict=True)):
        inside = vals[(times > s) & (times <= e)]
        assert ws.count[i] == inside.size
        if inside.size:
            one = v2.summarize_window(inside, base, summ.aggregation)
            assert ws.summary(i).aggregated_values == one.aggregated_values and ws.stats[i] == one.statistics
            assert ws.score_data(i) == v2.score(base, one, summ)
