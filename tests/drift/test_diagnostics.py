"""Diagnostics: tied edges, constant / tiny baselines, empty windows, outlier-bin share."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift


def codes(found):
    return [d.code for d in found]


def test_tied_values_collapse_edges() -> None:
    vals = np.array([0.0] * 80 + list(range(1, 21)), dtype=float)
    with pytest.warns(drift.DriftWarning, match="4 of 5 quantile edges coincide"):
        base = drift.summarize(vals, {"num_bins": 5})
    found = drift.baseline_diagnostics(vals, base, {"num_bins": 5})
    assert codes(found) == ["tied_edges"]
    # N = 100: Q(.2..8) = x(20), x(40), x(60), x(80) = 0 = min; Q(1) = 20 -> edges [0, 0, 0, 0, 0, 20]
    assert base["edges"] == [0.0, 0.0, 0.0, 0.0, 0.0, 20.0, None]
    # bin 1 = [0, 0] holds the 80 zeros; (0, 0] bins q_40, q_60, q_80 are empty; (0, 20] holds 1..20
    assert base["aggregated_values"] == [0.0, 0.8, 0.0, 0.0, 0.0, 0.2, 0.0]
    assert "4 of 5 quantile edges" in found[0].message
    assert "3 bins (q_40, q_60, q_80) can never hold a value" in found[0].message


def test_first_edge_tied_with_min_is_harmless() -> None:
    """N = 6: Q(.2) = x(1) = 0 = min, so e0 == e1; bin 1 = [0, 0] still holds the 0: no bin is unusable."""
    vals = [0.0, 1.0, 2.0, 3.0, 4.0, 10.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        base = drift.summarize(vals, {"num_bins": 5})
    assert base["edges"] == [0.0, 0.0, 1.0, 3.0, 4.0, 10.0, None]
    assert base["aggregated_values"] == [0.0, 1 / 6, 1 / 6, 2 / 6, 1 / 6, 1 / 6, 0.0]
    assert drift.baseline_diagnostics(vals, base, {"num_bins": 5}) == []


def test_constant_and_too_small_baseline() -> None:
    vals = np.array([3.0, 3.0, 3.0])
    with pytest.warns(drift.DriftWarning) as caught:
        base = drift.summarize(vals, {"num_bins": 5})
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2
    assert messages[0].startswith("the baseline has 3 values for 5 bins")
    assert messages[1].startswith("the baseline is constant (3)")
    assert codes(drift.baseline_diagnostics(vals, base, {"num_bins": 5})) == ["too_small", "constant"]


def test_nan_share_is_info() -> None:
    vals = np.r_[np.arange(20.0), np.nan]
    found = drift.baseline_diagnostics(vals, drift.summarize(vals, {"num_bins": 5}), {"num_bins": 5})
    assert [(d.code, d.level) for d in found] == [("nan_values", "info")]
    assert "1 of 21" in found[0].message


def test_healthy_baseline_has_no_findings() -> None:
    vals = np.random.default_rng(0).normal(size=1000)
    assert drift.baseline_diagnostics(vals, drift.summarize(vals, {"num_bins": 5}), {"num_bins": 5}) == []


def test_outlier_share_and_results_diagnostics() -> None:
    res = {"score": 1.0, "scores": [0.3, 0.1, 0.0, 0.0, 0.0, 0.0, 0.6]}
    assert drift.outlier_share(res) == pytest.approx(0.9)
    assert drift.outlier_share({"scores": None}) is None
    assert drift.outlier_share({"scores": [0.0] * 7}) == 0.0
    found = drift.results_diagnostics([res, {"score": None, "scores": None}, {"score": 0.0, "scores": [0.0] * 7}])
    assert codes(found) == ["empty_windows", "outlier_driven"]
    assert "1 of 3 windows" in found[0].message


def test_missing_windows_found_from_window_start_spacing() -> None:
    """Server results omit empty windows: hourly data with nothing in hours 2, 3 and 6 gives results for
    hours 0, 1, 4, 5, 7 only; the most common spacing (1 hour) exposes the three missing windows."""
    t0 = pd.Timestamp("2024-01-01T00:00:00Z")
    ms = np.array([h * 3_600_000 + m * 60_000 for h in (0, 1, 4, 5, 7) for m in range(10)]) + t0.value // 10**6
    vals = np.tile(np.arange(1, 11.0), 5)
    base = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})
    res = drift.score_windows(ms, vals, base, {"num_bins": 5}, start=t0, width="1 hour",
                              until=t0 + pd.Timedelta(hours=8))
    assert [pd.Timestamp(r["window_start"]).hour for r in res] == [0, 1, 4, 5, 7]
    step, missing = drift.missing_windows(res)
    assert step == pd.Timedelta(hours=1)
    assert missing == [t0 + pd.Timedelta(hours=h) for h in (2, 3, 6)]
    [found] = drift.results_diagnostics(res)
    assert found.code == "missing_windows"
    assert found.message == ("3 windows have no result (results come every 1 hour; empty windows are omitted): "
                             "2024-01-01 02:00:00 UTC, 2024-01-01 03:00:00 UTC, 2024-01-01 06:00:00 UTC")
    # with include_empty the gaps are NoData results instead, and nothing is missing
    full = drift.score_windows(ms, vals, base, {"num_bins": 5}, start=t0, width="1 hour",
                               until=t0 + pd.Timedelta(hours=8), include_empty=True)
    assert drift.missing_windows(full)[1] == []
    assert codes(drift.results_diagnostics(full)) == ["empty_windows"]
    assert drift.missing_windows(res[:1]) == (None, [])
