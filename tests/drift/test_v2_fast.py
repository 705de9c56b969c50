"""The V2 fast paths (drift/v2/stats.py) give the same numbers, bit for bit, as the plain forms they replace:
``basic_stats`` window by window and ``np.quantile(method="linear")``."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wallaroo_widgets.drift import v2
from wallaroo_widgets.drift.summary import basic_stats
from wallaroo_widgets.drift.v2.engine import statistics
from wallaroo_widgets.drift.v2.stats import (
    linear_quantiles,
    partitioned,
    quantile_positions,
    window_statistics,
)

floats = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
values = st.lists(st.one_of(floats, st.integers(-3, 3).map(float), st.sampled_from([0.0, -0.0, float("nan")])),
                  max_size=200)
FAST = settings(max_examples=150, deadline=None)


def same(a: float, b: float) -> bool:
    """Equal including the sign of zero."""
    return a == b and np.signbit(a) == np.signbit(b)


@FAST
@given(values, st.lists(st.tuples(st.integers(0, 200), st.integers(0, 60)), max_size=12), st.booleans())
def test_window_statistics_equal_basic_stats_window_by_window(xs, ranges, float32) -> None:
    vals = np.array(xs, dtype=np.float64)
    if float32:
        vals = vals.astype(np.float32).astype(np.float64)
    lo = np.array([min(a, vals.size) for a, _ in ranges], dtype=np.int64)  # overlapping, empty, any order
    hi = np.array([min(a + n, vals.size) for a, n in ranges], dtype=np.int64)
    got = window_statistics(vals, lo, hi, float32)
    for g, a, b in zip(got, lo, hi, strict=True):
        want = statistics(basic_stats(vals[a:b]), float32)
        assert g == want
        assert all(same(getattr(g, k), getattr(want, k)) for k in ("min", "max", "median", "mean", "std"))


def test_window_statistics_keep_the_sign_of_a_zero_min_or_max() -> None:
    rng = np.random.default_rng(11)
    vals = np.where(rng.random(20_000) < 0.5, 0.0, -0.0)
    vals[rng.integers(0, vals.size, 50)] = np.nan
    bounds = np.sort(rng.integers(0, vals.size, 301))
    got = window_statistics(vals, bounds[:-1], bounds[1:], False)
    for g, a, b in zip(got, bounds[:-1], bounds[1:], strict=True):
        want = statistics(basic_stats(vals[a:b]), False)
        assert all(same(getattr(g, k), getattr(want, k)) for k in ("min", "max", "median", "mean", "std"))


def test_window_statistics_on_a_large_batch() -> None:
    rng = np.random.default_rng(5)
    vals = rng.lognormal(3, 2, 100_000)
    vals[rng.integers(0, vals.size, 500)] = np.nan
    bounds = np.sort(rng.integers(0, vals.size, 101))
    got = window_statistics(vals, bounds[:-1], bounds[1:], False)
    assert got == [statistics(basic_stats(vals[a:b]), False) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


@FAST
@given(st.lists(st.one_of(floats, st.integers(-3, 3).map(float), st.sampled_from([0.0, -0.0])), min_size=1,
                max_size=300), st.integers(1, 14))
def test_linear_quantiles_equal_numpy(xs, n) -> None:
    finite = np.array(xs, dtype=np.float64)
    want = np.quantile(finite, np.arange(1, n) / n, method="linear") if n > 1 else np.empty(0)
    assert linear_quantiles(finite, n).tobytes() == want.tobytes()
    part = partitioned(finite, quantile_positions(finite.size, n))
    if part is not None:  # None: a zero at a read position (the plain path keeps its sign)
        assert linear_quantiles(finite, n, part).tobytes() == want.tobytes()


def test_linear_quantiles_equal_numpy_on_large_data() -> None:
    rng = np.random.default_rng(7)
    for size in (1_000_001, 1_000_000, 12_345):
        finite = rng.normal(size=size) * 1e3
        for n in (2, 5, 7, 10, 100):
            want = np.quantile(finite, np.arange(1, n) / n, method="linear")
            part = partitioned(finite, quantile_positions(finite.size, n))
            assert part is not None and linear_quantiles(finite, n, part).tobytes() == want.tobytes()


@FAST
@given(st.lists(st.one_of(st.integers(-2, 2).map(float), st.sampled_from([0.0, -0.0, float("nan")])), min_size=1,
                max_size=120).filter(lambda xs: any(x == x for x in xs)), st.integers(1, 9))
def test_summarize_keeps_the_sign_of_zero_edges_and_median(xs, n) -> None:
    vals = np.array(xs, dtype=np.float64)
    finite = vals[~np.isnan(vals)]
    s = v2.summarize(vals, v2.BinMode.quantile(n))
    want = np.quantile(finite, np.arange(1, n) / n, method="linear") if n > 1 else np.empty(0)
    assert np.array(s.bins.finite_edges, dtype=np.float64).tobytes() == want.tobytes()
    plain = statistics(basic_stats(vals), False)
    assert all(same(getattr(s.statistics, k), getattr(plain, k)) for k in ("min", "max", "median", "mean", "std"))


def test_summarize_equals_the_plain_forms() -> None:
    rng = np.random.default_rng(9)
    for vals in (rng.normal(size=10_001), np.round(rng.normal(size=5_000), 1),
                 np.append(rng.normal(size=999), [np.nan] * 3)):
        finite = vals[~np.isnan(vals)]
        for mode in (v2.BinMode.quantile(5), v2.BinMode.quantile_with_outliers(4), v2.BinMode.equal(5)):
            s = v2.summarize(vals, mode)
            assert s.statistics == statistics(basic_stats(vals), False)
            if mode.kind != "Equal":
                q = np.quantile(finite, np.arange(1, mode.n) / mode.n, method="linear").tolist()
                inner = s.bins.finite_edges if mode.kind == "Quantile" else s.bins.finite_edges[1:-1]
                assert list(inner) == q
