"""Diagnostics: tied edges, constant / tiny baselines, empty windows, outlier-bin share."""

from __future__ import annotations

import warnings

import numpy as np
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
