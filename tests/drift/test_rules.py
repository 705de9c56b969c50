"""Hand-computed cases for each rule: right-closed bins, floor, 0-vs-0, weights, MaxDiff, SumDiff, status."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wallaroo_widgets import drift
from wallaroo_widgets.drift.binning import bin_counts, bin_indices, segment_counts

REL = 1e-12
pytestmark = pytest.mark.filterwarnings("ignore::wallaroo_widgets.drift.DriftWarning")
EDGES = np.array([1.0, 2.0, 4.0, 6.0])  # n = 3


def test_right_closed_boundaries_and_outliers() -> None:
    x = np.array([0.999, 1.0, 1.5, 2.0, 2.0001, 4.0, 5.0, 6.0, 6.0001, np.nan, -np.inf, np.inf])
    assert bin_indices(x, EDGES).tolist() == [0, 1, 1, 1, 2, 2, 3, 3, 4, 0, 0, 4]
    assert bin_counts(x, EDGES).tolist() == [3, 3, 2, 2, 2]


def test_window_uses_baseline_edges_and_nan_counts() -> None:
    base = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})
    win = drift.summarize_window([np.nan, 0.5, 2.0, 2.5, 100.0], base, {"num_bins": 5})
    assert win["count"] == 5 and win["min"] == 0.5 and win["max"] == 100.0
    assert win["mean"] == pytest.approx(105 / 4, rel=REL)
    # NaN and 0.5 -> left_outlier, 2.0 -> [1, 2], 2.5 -> (2, 4], 100 -> right_outlier; N includes NaN
    assert win["aggregated_values"] == pytest.approx([0.4, 0.2, 0.2, 0, 0, 0, 0.2], rel=REL)


def test_nan_in_baseline_counted_not_used_for_edges() -> None:
    base = drift.summarize([1.0, 2.0, 3.0, 4.0, np.nan], {"num_bins": 5})
    assert base["count"] == 5 and base["min"] == 1.0 and base["mean"] == 2.5
    assert base["aggregated_values"][0] == pytest.approx(0.2, rel=REL)
    assert sum(base["aggregated_values"]) == pytest.approx(1.0, rel=REL)


def test_median_even_and_population_std() -> None:
    stats = drift.basic_stats(np.array([1.0, 2.0, 3.0, 10.0]))
    assert stats["median"] == 2.5 and stats["std"] == pytest.approx(math.sqrt(12.5), rel=REL)


def test_floor_applies_to_exact_zeros_only() -> None:
    b, w = np.array([0.001, 0.0]), np.array([0.2, 0.2])
    s = drift.psi_terms(b, w)
    assert s[0] == pytest.approx((0.2 - 0.001) * math.log(0.2 / 0.001), rel=REL)  # not floored
    assert s[1] == pytest.approx((0.2 - 0.005) * math.log(0.2 / 0.005), rel=REL)


def test_zero_vs_zero_is_exactly_zero() -> None:
    assert drift.psi_terms(np.array([0.0]), np.array([0.0]))[0] == 0.0
    assert drift.psi_terms(np.array([0.0]), np.array([0.0]), textbook=True)[0] == 0.0


def test_textbook_psi_uses_small_epsilon() -> None:
    base = {"aggregated_values": [0.5, 0.5, 0.0]}
    win = {"aggregated_values": [0.5, 0.0, 0.5]}
    wall = drift.score(base, win, {"num_bins": 1})["score"]
    text = drift.score(base, win, {"num_bins": 1}, textbook_psi=True)["score"]
    term = (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert text == pytest.approx(2 * term, rel=REL)
    assert wall == pytest.approx(2 * (0.5 - 0.005) * math.log(0.5 / 0.005), rel=REL)
    assert text > wall


def test_textbook_label_only_where_it_changes_the_rule() -> None:
    base = {"aggregated_values": [0.5, 0.5, 0.0]}
    win = {"aggregated_values": [0.5, 0.0, 0.5]}
    for summ in ({"num_bins": 1, "metric": "MaxDiff"}, {"num_bins": 1, "aggregation": "Cumulative"}):
        plain = drift.score(base, win, summ)
        assert drift.score(base, win, summ, textbook_psi=True) == plain  # same numbers: Wallaroo's, no label
    ms = np.arange(10) + 1_700_000_000_000
    kw = {"start": int(ms[0]), "width": "1 minute", "until": int(ms[0]) + 60_000, "textbook_psi": True}
    base10 = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})
    [mx] = drift.score_windows(ms, np.arange(3, 13.0), base10, {"num_bins": 5, "metric": "MaxDiff"}, **kw)
    [psi] = drift.score_windows(ms, np.arange(3, 13.0), base10, {"num_bins": 5}, **kw)
    assert "psi_variant" not in mx and psi["psi_variant"] == "textbook"
    # hand-computed: b = [0, .2 x5, 0], w = [0, 0, .2 x5] -> two bins (.2 vs 1e-4) with textbook epsilon
    assert psi["score"] == pytest.approx(2 * (0.2 - 1e-4) * math.log(0.2 / 1e-4), rel=REL)


def test_weights_normalised() -> None:
    base = {"aggregated_values": [0.0, 0.5, 0.5, 0.0, 0.0]}
    win = {"aggregated_values": [0.0, 0.25, 0.5, 0.25, 0.0]}
    with pytest.warns(drift.DriftWarning):
        summ = drift.Summarizer(num_bins=3, metric="SumDiff", bin_weights=[0, 2, 1, 1, 0])
    out = drift.score(base, win, summ)
    assert out["scores"] == pytest.approx([0, 0.125, 0, 0.0625, 0], rel=REL)
    assert out["score"] == pytest.approx(0.09375, rel=REL)  # ½ Σ ω|Δ|
    psi = drift.score(base, win, summ.replace(metric="PSI"))
    unweighted = drift.score(base, win, summ.replace(metric="PSI", bin_weights=None))["scores"]
    assert psi["scores"] == pytest.approx([0, 0.5 * unweighted[1], 0, 0.25 * unweighted[3], 0], rel=REL)
    mx = drift.score(base, win, summ.replace(metric="MaxDiff"))
    assert mx["bin_index"] == 1 and mx["score"] == pytest.approx(0.125, rel=REL)


def test_maxdiff_bin_index_is_argmax_first_on_ties() -> None:
    base = {"aggregated_values": [0.1, 0.2, 0.3, 0.4]}
    win = {"aggregated_values": [0.4, 0.2, 0.0, 0.4]}
    with pytest.warns(drift.DriftWarning):
        summ = drift.Summarizer(num_bins=2, metric="MaxDiff")
    out = drift.score(base, win, summ)
    assert out["bin_index"] == 0 and out["score"] == pytest.approx(0.3, rel=REL)  # bins 0 and 2 tie at 0.3
    assert out["scores"] == pytest.approx([0.3, 0.0, 0.3, 0.0], rel=REL)


def test_sumdiff_is_half_the_sum() -> None:
    base = {"aggregated_values": [0.0, 1.0, 0.0]}
    win = {"aggregated_values": [0.0, 0.0, 1.0]}
    with pytest.warns(drift.DriftWarning):
        summ = drift.Summarizer(num_bins=1, metric="SumDiff")
    assert drift.score(base, win, summ)["score"] == 1.0


def test_cumulative_maxdiff_and_sumdiff() -> None:
    s = drift.Summarizer(num_bins=5, aggregation="Cumulative", metric="MaxDiff")
    base = drift.summarize(np.arange(1, 11.0), s)
    win = drift.summarize_window(np.arange(3, 13.0), base, s)
    out = drift.score(base, win, s)
    # |Δcum| = [0, .2, .2, .2, .2, .2, 0] up to rounding of the running sums; bin_index = the float argmax
    assert out["scores"] == pytest.approx([0, .2, .2, .2, .2, .2, 0], rel=1e-9)
    assert out["bin_index"] == int(np.argmax(out["scores"])) and out["score"] == pytest.approx(0.2, rel=1e-9)
    assert drift.score(base, win, s.replace(metric="SumDiff"))["score"] == pytest.approx(0.5, rel=1e-9)


def test_status_array_at_exact_thresholds() -> None:
    from wallaroo_widgets.drift.metrics import status_array

    scores = np.array([0.0, 0.0999, 0.1, 0.2499, 0.25, 3.0, np.nan])
    assert status_array(scores, 0.1, 0.25).tolist() == ["Ok", "Ok", "Warning", "Warning", "Alert", "Alert", "NoData"]
    assert status_array(scores[:6], 0.0, None).tolist() == ["Warning"] * 6  # warning 0: every window
    assert status_array(scores[:6], 0.1, 0.1).tolist() == ["Ok", "Ok", "Alert", "Alert", "Alert", "Alert"]
    assert status_array(scores[:6], None, None).tolist() == ["Ok"] * 6


@pytest.mark.parametrize(("n", "warns"), [(4, True), (5, False), (14, False), (15, True), (1, True)])
def test_num_bins_recommendation_is_a_warning(n: int, warns: bool) -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert drift.Summarizer(num_bins=n).num_bins == n  # still valid
    assert any("recommended range 5-14" in str(w.message) for w in caught) == warns


@pytest.mark.parametrize(("score", "warn", "alert", "expected"), [
    (0.25, None, 0.25, "Alert"), (0.2499, None, 0.25, "Ok"), (0.1, 0.1, 0.25, "Warning"),
    (0.3, 0.1, 0.25, "Alert"), (0.0, 0.0, 0.25, "Warning"), (0.5, 0.6, 0.4, "Alert"), (1.0, None, None, "Ok"),
    (0.1, 0.1, 0.1, "Alert"),
])
def test_status_rule(score: float, warn: float | None, alert: float | None, expected: str) -> None:
    assert drift.status(score, warn, alert) == expected


def test_segment_counts_match_direct_counts() -> None:
    rng = np.random.default_rng(1)
    vals = rng.normal(size=1000)
    vals[::17] = np.nan
    edges = np.sort(rng.normal(size=6))
    bounds = np.array([0, 100, 250, 250, 600, 1000])
    bounds = np.unique(bounds)
    cum = segment_counts(vals, edges, bounds)
    for a in range(bounds.size):
        for b in range(a, bounds.size):
            assert (cum[b] - cum[a]).tolist() == bin_counts(vals[bounds[a]:bounds[b]], edges).tolist()


@pytest.mark.parametrize("n_edges", [2, 6, 101, 300])
def test_both_binning_paths_agree(n_edges: int, monkeypatch) -> None:
    from wallaroo_widgets.drift import binning

    rng = np.random.default_rng(n_edges)
    edges = np.sort(rng.integers(0, 50, n_edges).astype(float))  # ties included
    x = np.r_[rng.integers(-5, 55, 3000).astype(float), np.nan, -np.inf, np.inf, edges]
    fast = binning.bin_indices(x, edges).astype(np.int64)
    monkeypatch.setattr(binning, "SMALL_EDGES", 0)
    slow = binning.bin_indices(x, edges)
    ref = [0 if not (v >= edges[0]) else 1 + int(np.sum(edges[1:] < v)) for v in x]
    assert fast.tolist() == slow.tolist() == ref


def test_bin_counts_equal_bincount_of_indices() -> None:
    rng = np.random.default_rng(9)
    for _ in range(20):
        edges = np.sort(rng.integers(0, 20, rng.integers(2, 12)).astype(float))
        x = np.r_[rng.integers(-3, 23, 500).astype(float), np.nan, np.inf, -np.inf]
        expected = np.bincount(bin_indices(x, edges), minlength=edges.size + 1)
        assert bin_counts(x, edges).tolist() == expected.tolist()


def test_add_outlier_edges_false_still_has_outlier_bins() -> None:
    on = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})
    off = drift.summarize(np.arange(1, 11.0), {"num_bins": 5, "add_outlier_edges": False})
    assert off == on and len(off["edges"]) == 7
    assert "add_outlier_edges" not in drift.Summarizer(add_outlier_edges=False).to_dict()


def test_provided_and_equal_windows_score_outliers() -> None:
    s = drift.Summarizer(bin_mode="Provided", num_bins=5, provided_edges=[0, 2, 4, 6, 8, 10])
    base = drift.summarize(np.arange(1, 11.0), s)
    assert base["edges"] == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, None]
    win = drift.summarize_window([-1.0, 1.0, 11.0, 12.0], base, s)
    assert win["aggregated_values"] == [0.25, 0.25, 0, 0, 0, 0, 0.5]
    assert win["edge_names"][1:-1] == ["e_2.00e0", "e_4.00e0", "e_6.00e0", "e_8.00e0", "e_1.00e1"]
    out = drift.score(base, win, s.replace(metric="SumDiff"))
    # b = [0, .2, .2, .2, .2, .2, 0]; |Δ| = [.25, .05, .2, .2, .2, .2, .5] -> ½Σ = 0.8
    assert out["score"] == pytest.approx(0.8, rel=REL)
    e = drift.Summarizer(bin_mode="Equal", num_bins=5)
    ebase = drift.summarize([0.0, 10.0, 5.0, 5.0], e)
    assert ebase["edges"] == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, None]
    assert drift.summarize_window([12.0], ebase, e)["aggregated_values"] == [0, 0, 0, 0, 0, 0, 1.0]


def test_edges_aggregation_scores_edge_positions() -> None:
    """Edges (assay-math §5, OPEN; our choice): aggregated values are the n + 1 finite edges, the window's are
    its own edges under the same mode, per-entry score |Δ|; PSI sums them (as Cumulative), SumDiff halves."""
    s = drift.Summarizer(num_bins=5, aggregation="Edges")
    base = drift.summarize(np.arange(1, 11.0), s)
    assert base["aggregated_values"] == [1.0, 2.0, 4.0, 6.0, 8.0, 10.0]  # min, x(2), x(4), x(6), x(8), x(10)
    assert base["edges"] == [1.0, 2.0, 4.0, 6.0, 8.0, 10.0, None] and base["aggregation"] == "Edges"
    win = drift.summarize_window(np.arange(3, 13.0), base, s)
    assert win["aggregated_values"] == [3.0, 4.0, 6.0, 8.0, 10.0, 12.0]  # its own quantile edges
    assert win["edges"] == base["edges"]  # the summary's edges stay the baseline's
    psi = drift.score(base, win, s)
    assert psi == {"score": 12.0, "scores": [2.0] * 6, "bin_index": None}
    assert drift.score(base, win, s.replace(metric="SumDiff"))["score"] == 6.0
    mx = drift.score(base, win, s.replace(metric="MaxDiff"))
    assert (mx["score"], mx["bin_index"]) == (2.0, 0)
    with pytest.raises(ValueError, match="bin_weights"):
        s.replace(bin_weights=[1] * 7)
