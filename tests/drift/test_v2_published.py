"""V2 math against the published cases (docs/assays-v2-math.md §8: G1, G4, G5, G6), and the rules applied to
the tutorial baseline as in the SDK preview body of v2_examples.PREVIEW_BODY (not a Wallaroo output)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets.drift import v2

from .v2_examples import ASSAY, PREVIEW_BODY, RESULT

DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials" / "house_price"
PSI = v2.UnivariateContinuous()
SIX = {"abs": 5e-7}  # the tutorials print 6 decimals


def quantile_baseline(b: list[float]) -> v2.SeriesSummary:
    """A Quantile 5 summary with right edges 1, 2, 3, 4, +∞ and aggregated values ``b``."""
    bins = v2.Bins((1.0, 2.0, 3.0, 4.0, math.inf), tuple(v2.quantile_labels(5)), v2.BinMode.quantile(5))
    return v2.SeriesSummary(tuple(b), bins, v2.Statistics(500, 4.5, 2.5, 2.5, 0.5, 1.0), "Density", "out.variable.0")


def window_values(counts: list[int]) -> np.ndarray:
    """Values landing in bins 0..4 of ``quantile_baseline`` ``counts`` times (ties on the right edges: right-closed)."""
    return np.repeat([1.0, 2.0, 3.0, 4.0, 4.5], counts)


def test_g1_all_nan_window_hits_the_psi_ceiling_and_alerts() -> None:
    base = v2.SeriesSummary.from_api(ASSAY["baseline"]["Summary"]["out.Model_Confidence_Level"])
    win = v2.summarize_window([float("nan")] * 256, base, start="2025-03-19T16:43:00Z", end="2025-03-19T16:44:00Z",
                              name="out.Model_Confidence_Level")
    assert win.aggregated_values == (1.0, 0.0, 0.0, 0.0, 0.0)
    assert win.statistics == v2.Statistics(256, 0.0, 0.0, 0.0, 0.0, 0.0)
    sd = v2.score(base, win, PSI)
    assert sd.scores == (1.2875503299472804,) + (0.7193314935522176,) * 4
    assert sd.score == 4.1648763041561505 and sd.bin_index is None
    thresholds = v2.Thresholds.from_api(ASSAY["targeting"]["iopath"][0]["thresholds"])
    assert v2.status(sd.score, thresholds) == "Alert"
    # the window summary is the published one, key for key
    assert win.to_api() == RESULT["summaries"]["out.Model_Confidence_Level"]
    assert sd.to_api() == RESULT["scores"]["out.Model_Confidence_Level"]


G4_B, G4_W = [0.2, 0.21, 0.19, 0.2, 0.2], [86, 100, 96, 99, 121]


@pytest.mark.parametrize(("aggregation", "metric", "score", "scores", "bin_index"), [
    ("Density", "PSI", 0.012716, [0.004441, 0.00057, 0.000008, 0.000039, 0.007658], None),
    ("Density", "SumDiff", 0.042271, None, None),
    ("Density", "MaxDiff", 0.041036, None, 4),
    ("Cumulative", "PSI", 0.14745, [0.028685, 0.039482, 0.038247, 0.041036, 0.0], None),
    ("Cumulative", "MaxDiff", 0.041036, None, 3),
])
def test_g4_metrics_and_aggregations(aggregation, metric, score, scores, bin_index) -> None:
    base = quantile_baseline(G4_B)
    summ = v2.UnivariateContinuous(v2.BinMode.quantile(5), aggregation, metric)
    win = v2.summarize_window(window_values(G4_W), base, aggregation)
    assert win.statistics.count == 502
    sd = v2.score(base, win, summ)
    assert sd.score == pytest.approx(score, abs=5e-6 if aggregation == "Cumulative" else 5e-7)
    if scores is not None:
        assert list(sd.scores) == pytest.approx(scores, **SIX)
    assert sd.bin_index == bin_index
    if metric == "MaxDiff":
        assert sd.score == max(sd.scores)


def test_g5_psi_with_a_tied_baseline() -> None:
    base = quantile_baseline([0.222, 0.182, 0.202, 0.194, 0.2])
    sd = v2.score(base, v2.summarize_window(window_values([95, 107, 101, 97, 102]), base), PSI)
    assert sd.score == pytest.approx(0.010207, **SIX)
    assert list(sd.scores) == pytest.approx([0.005229, 0.004921, 0.000003, 0.000003, 0.00005], **SIX)


def test_g6_labels_quantile_equal_provided() -> None:
    vals = np.linspace(236238.67, 2005883.1, 500)
    assert v2.summarize(vals, v2.BinMode.quantile(5)).labels == ("< 20%", "20% - 40%", "40% - 60%", "60% - 80%",
                                                                  "> 80%")
    assert v2.summarize(vals, v2.BinMode.quantile(10)).labels == (
        "< 10%", "10% - 20%", "20% - 30%", "30% - 40%", "40% - 50%", "50% - 60%", "60% - 70%", "70% - 80%",
        "80% - 90%", "> 90%")
    eq = v2.summarize(vals, v2.BinMode.equal(5))
    assert eq.labels == ("< 2.36e5", "2.36e5 - 5.90e5", "5.90e5 - 9.44e5", "9.44e5 - 1.30e6", "1.30e6 - 1.65e6",
                         "1.65e6 - 2.01e6", "> 2.01e6")
    assert eq.bins.edges[0] == 236238.67 and eq.bins.edges[-2] == 2005883.1 and eq.bins.edges[-1] == math.inf
    provided = v2.summarize(vals, v2.BinMode.provided([2e5, 4e5, 6e5, 8e5, 1.5e6, 2e6]))
    assert provided.labels == ("< 2.00e5", "2.00e5 - 4.00e5", "4.00e5 - 6.00e5", "6.00e5 - 8.00e5",
                               "8.00e5 - 1.50e6", "1.50e6 - 2.00e6", "> 2.00e6")
    assert provided.bins.edges == (2e5, 4e5, 6e5, 8e5, 1.5e6, 2e6, math.inf)


def test_equal_bins_ends_as_published() -> None:
    """T-DRIFT cell 95: the baseline min is not in "< 2.36e5", the max stays in "1.65e6 - 2.01e6", a window
    value just above the max lands in "> 2.01e6" with per-bin PSI 0.0028 = PSI(b = 0, w = 1/502)."""
    vals = np.linspace(236238.67, 2005883.1, 500)
    base = v2.summarize(vals, v2.BinMode.equal(5))
    assert base.aggregated_values[0] == 0.0 and base.aggregated_values[-1] == 0.0
    assert base.aggregated_values[-2] > 0
    win = v2.summarize_window(np.concatenate([vals, [1e6, 2005883.125]]), base)
    assert win.aggregated_values[-1] == 1 / 502 and win.aggregated_values[0] == 0.0
    sd = v2.score(base, win, PSI)
    assert sd.scores[-1] == pytest.approx(0.0028, abs=5e-5) and sd.scores[0] == 0.0


def test_reference_rules_on_the_tutorial_baseline() -> None:
    """The V2 summary of small_results_baseline.csv in PREVIEW_BODY (the rules applied; not a Wallaroo output)."""
    x = pd.read_csv(DATA / "small_results_baseline.csv", header=None)[0].to_numpy(float)
    got = v2.summarize(x, v2.BinMode.quantile(5), name="out.variable.0").to_api()
    want = PREVIEW_BODY["baseline"]["Summary"]["out.variable.0"]
    assert got == want
