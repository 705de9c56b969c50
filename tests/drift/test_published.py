"""Worked examples of assay-math §10 and the per-bin PSI table of §6.1 (published Wallaroo numbers)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift

REL = 1e-12
# 10.1: published order statistics x(1), x(200), x(400), x(601), x(801), x(1001) and the median x(501)
ANCHORS = {1: 1.519918441772461e-06, 200: 0.00026360154151916504, 400: 0.0004509389400482178,
           601: 0.0006800591945648193, 801: 0.000969529151916504, 1001: 1.0}
MEDIAN = 0.0005419552326202393
PUBLISHED_DENSITY = [0.0, 0.1998001998001998, 0.1998001998001998, 0.2007992007992008, 0.1998001998001998,
                     0.1998001998001998, 0.0]


def ccfraud_like() -> np.ndarray:
    """1001 float32 outputs with the published order statistics (others strictly between, shuffled)."""
    rng = np.random.default_rng(4)
    anchors = {**ANCHORS, 501: MEDIAN}  # x(501) is the median, between x(400) and x(601)
    pos = sorted(anchors)
    out = np.empty(1001, dtype=np.float32)
    for a, b in zip(pos, pos[1:], strict=False):
        lo, hi = np.float32(anchors[a]), np.float32(anchors[b])
        fill = rng.uniform(float(lo), float(hi), size=b - a - 1).astype(np.float32)
        fill = np.clip(fill, np.nextafter(lo, hi), np.nextafter(hi, lo))
        out[a:b - 1] = np.sort(fill)
    for k, v in anchors.items():
        out[k - 1] = np.float32(v)
    assert np.all(np.diff(out) >= 0)
    return rng.permutation(out)


def test_10_1_fixed_window_baseline() -> None:
    vals = ccfraud_like().astype(np.float64)  # exact widening, as windows/fixed_window baselines use
    base = drift.summarize(vals, {"num_bins": 5}, start="2024-01-09T19:07:59.566516Z",
                           end="2024-01-10T19:07:59.566516Z")
    # the published x(801) edge is 1 ulp above the observation (assay-math §6.6): compare with rel 1e-12
    assert base["edges"][-1] is None
    assert base["edges"][:-1] == pytest.approx([ANCHORS[k] for k in sorted(ANCHORS)], rel=REL)
    assert base["aggregated_values"] == pytest.approx(PUBLISHED_DENSITY, rel=REL)
    assert base["count"] == 1001 and base["min"] == ANCHORS[1] and base["max"] == 1.0
    assert base["median"] == MEDIAN
    assert base["start"] == "2024-01-09T19:07:59.566516Z" and base["end"] == "2024-01-10T19:07:59.566516Z"
    assert list(base) == ["count", "min", "max", "mean", "median", "std", "edges", "edge_names",
                          "aggregated_values", "aggregation", "start", "end"]
    # a fixed_window baseline scores the same data 0
    win = drift.summarize_window(vals, base, {"num_bins": 5})
    assert drift.score(base, win, {"num_bins": 5})["score"] == 0.0


def test_10_2_float32_vector_baseline_artefact() -> None:
    f32 = ccfraud_like()
    vector = np.array([float(str(v)) for v in f32])  # float32 shortest decimals, as JSON shows them
    window_vals = f32.astype(np.float64)             # exact widening, as the logged window uses
    summ = drift.Summarizer.from_dict({"type": "UnivariateContinuous", "bin_mode": "Quantile", "num_bins": 5,
                                       "aggregation": "Density", "metric": "PSI", "bin_weights": None,
                                       "provided_edges": None})
    base = drift.summarize(vector, summ)
    assert base["edges"] == [1.5199184e-06, 0.00026360154, 0.00045093894, 0.0006800592, 0.00096952915, 1.0, None]
    assert base["min"] == 1.5199184e-06 and base["median"] == 0.00054195523
    assert base["start"] is None and base["end"] is None
    t0 = pd.Timestamp("2024-07-29T19:48:46.944191Z")
    times = t0 + pd.to_timedelta(np.linspace(0, 59_000, 1001), unit="ms")
    [res] = drift.score_windows(pd.Series(times), window_vals, base, summ, start=t0, width="1 minute",
                                until=t0 + pd.Timedelta(minutes=1), alert_threshold=0.25)
    win = res["window_summary"]
    assert win["edge_names"] == ["left_outlier", "e_2.64e-4", "e_4.51e-4", "e_6.80e-4", "e_9.70e-4", "e_1.00e0",
                                 "right_outlier"]
    counts = np.round(np.array(win["aggregated_values"]) * 1001).astype(int).tolist()
    assert counts == [0, 199, 200, 202, 199, 201, 0]
    assert win["aggregated_values"] == pytest.approx(
        [0.0, 0.1988011988011988, 0.1998001998001998, 0.2017982017982018, 0.1988011988011988,
         0.2007992007992008, 0.0], rel=REL)
    assert res["scores"] == pytest.approx([0.0, 5.007534289255001e-06, 0.0, 4.957831510618228e-06,
                                           5.007534289255001e-06, 4.982558952086851e-06, 0.0], rel=REL)
    assert res["score"] == pytest.approx(1.995545904121508e-05, rel=REL)
    assert np.float32(res["score"]) == np.float32(1.995546e-05)
    assert res["status"] == "Ok" and res["bin_index"] is None and res["warning_threshold"] is None
    assert res["window_start"] == "2024-07-29T19:48:46.944191Z"
    assert win["start"] == "2024-07-29T19:48:46.944191Z" and win["end"] == "2024-07-29T19:49:46.944191Z"
    assert win["mean"] == pytest.approx(float(np.mean(window_vals)), rel=REL)
    assert res["summarizer"] == summ.to_dict()


def test_10_2_per_bin_table_from_counts() -> None:
    b = np.array([0, 200, 200, 201, 200, 200, 0]) / 1001
    w = np.array([0, 199, 200, 202, 199, 201, 0]) / 1001
    out = drift.score({"aggregated_values": b.tolist()}, {"aggregated_values": w.tolist()}, {"num_bins": 5})
    assert out["scores"] == pytest.approx([0.0, 5.007534289255001e-06, 0.0, 4.957831510618228e-06,
                                           5.007534289255001e-06, 4.982558952086851e-06, 0.0], rel=REL)
    assert out["score"] == pytest.approx(1.995545904121508e-05, rel=REL)


def test_10_3_all_nan_window() -> None:
    # V2 layout (no outlier bins): baseline 5 x 0.2, window of NaN -> [1, 0, 0, 0, 0]
    s = drift.psi_terms(np.full(5, 0.2), np.array([1.0, 0, 0, 0, 0]))
    assert s.tolist() == pytest.approx([1.2875503299472804] + [0.7193314935522176] * 4, rel=REL)
    assert float(s.sum()) == pytest.approx(4.1648763041561505, rel=REL)
    assert drift.status(float(s.sum()), 0.1, 0.1) == "Alert"
    # V1 layout: 256 NaN fall in the left_outlier bin; stats are zeros, count 256
    base = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})
    win = drift.summarize_window(np.full(256, np.nan), base, {"num_bins": 5})
    assert win["count"] == 256 and win["aggregated_values"] == [1.0, 0, 0, 0, 0, 0, 0]
    assert [win[k] for k in ("min", "max", "mean", "median", "std")] == [0.0] * 5
    expected = 0.995 * math.log(200) + 5 * (0.005 - 0.2) * math.log(0.005 / 0.2)
    assert drift.score(base, win, {"num_bins": 5})["score"] == pytest.approx(expected, rel=REL)


class TestSynthetic104:
    B = np.arange(1, 11.0)
    W = np.arange(3, 13.0)

    def run(self, **summ):
        s = drift.Summarizer(num_bins=5, **summ)
        base = drift.summarize(self.B, s)
        return base, drift.summarize_window(self.W, base, s), s

    def test_summaries(self) -> None:
        base, win, _ = self.run()
        assert base["aggregated_values"] == pytest.approx([0, .2, .2, .2, .2, .2, 0], rel=REL)
        assert win["aggregated_values"] == pytest.approx([0, 0, .2, .2, .2, .2, .2], rel=REL)
        assert win["edge_names"] == ["left_outlier", "e_2.00e0", "e_4.00e0", "e_6.00e0", "e_8.00e0", "e_1.00e1",
                                     "right_outlier"]
        assert (base["mean"], base["median"], base["std"]) == (5.5, 5.5, pytest.approx(2.8722813232690143, rel=REL))
        assert (win["min"], win["max"], win["mean"], win["median"]) == (3.0, 12.0, 7.5, 7.5)
        assert win["std"] == pytest.approx(2.8722813232690143, rel=REL)

    def test_psi(self) -> None:
        base, win, s = self.run()
        out = drift.score(base, win, s)
        assert out["scores"] == pytest.approx([0, 0.7193314935522176, 0, 0, 0, 0, 0.7193314935522176], rel=REL)
        assert out["score"] == pytest.approx(1.4386629871044352, rel=REL) and out["bin_index"] is None
        assert drift.status(out["score"], None, 0.25) == "Alert"

    def test_maxdiff_and_sumdiff(self) -> None:
        base, win, s = self.run(metric="MaxDiff")
        out = drift.score(base, win, s)
        assert out["score"] == pytest.approx(0.2, rel=REL) and out["bin_index"] == 1  # tie with bin 6
        out = drift.score(base, win, s.replace(metric="SumDiff"))
        assert out["score"] == pytest.approx(0.2, rel=REL) and out["bin_index"] is None

    def test_cumulative_psi(self) -> None:
        base, win, s = self.run(aggregation="Cumulative")
        assert base["aggregated_values"] == pytest.approx([0, .2, .4, .6, .8, 1.0, 1.0], rel=REL)
        out = drift.score(base, win, s)
        assert out["scores"] == pytest.approx([0, .2, .2, .2, .2, .2, 0], rel=REL)
        assert out["score"] == pytest.approx(1.0, rel=REL)

    def test_all_ones_weights(self) -> None:
        base, win, s = self.run(bin_weights=[1] * 7)
        out = drift.score(base, win, s)
        assert out["score"] == pytest.approx(0.20552328387206217, rel=REL)
        assert out["score"] == pytest.approx(1.4386629871044352 / 7, rel=REL)


@pytest.mark.parametrize(("b", "w", "s"), [
    (0.2, 0.0, 0.7193314935522176), (0.2, 1.0, 1.2875503299472804), (0.0, 1.0, 5.2718257797152965),
    (0.0, 0.0, 0.0),
])
def test_6_1_per_bin_psi_table(b: float, w: float, s: float) -> None:
    assert drift.psi_terms(np.array([b]), np.array([w]))[0] == pytest.approx(s, rel=REL)


def test_saturation_about_8_8685() -> None:
    base = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})
    win = drift.summarize_window(np.full(50, 99.0), base, {"num_bins": 5})  # all right outliers
    score = drift.score(base, win, {"num_bins": 5})["score"]
    assert score == pytest.approx(5 * (0.2 - 0.005) * math.log(0.2 / 0.005) + 0.995 * math.log(200), rel=REL)
    assert round(score, 4) == 8.8685
