"""Edges (assay-math §3): closest-observation quantiles, Equal, Provided, names and formatting."""

from __future__ import annotations

import numpy as np
import pytest

from wallaroo_widgets import drift
from wallaroo_widgets.drift.edges import closest_observation_index, equal_edges, provided_edges

REL = 1e-12


def hf3_reference(n_obs: int, i: int, num_bins: int) -> int:
    """The spec's 1-based rule written out literally, in exact rational arithmetic for p = i / n."""
    from fractions import Fraction

    h = n_obs * Fraction(i, num_bins) - Fraction(1, 2)
    j = h.numerator // h.denominator
    g = h - j
    k = j if (g == 0 and j % 2 == 0) else j + 1
    return min(max(k, 1), n_obs)


def test_1001_values_pick_x200_x400_x601_x801_x1001() -> None:
    p = np.arange(1, 6) / 5
    assert (closest_observation_index(1001, p) + 1).tolist() == [200, 400, 601, 801, 1001]


@pytest.mark.parametrize("n_obs", [1, 2, 3, 4, 5, 7, 10, 11, 99, 100, 101, 1000, 1001, 1002])
@pytest.mark.parametrize("num_bins", [1, 3, 5, 7, 10, 14])
def test_index_matches_numpy_and_literal_rule(n_obs: int, num_bins: int) -> None:
    p = np.arange(1, num_bins + 1) / num_bins
    data = np.arange(n_obs, dtype=np.float64) * 1.5
    ours = data[closest_observation_index(n_obs, p)]
    assert ours.tolist() == np.quantile(data, p, method="closest_observation").tolist()
    assert (closest_observation_index(n_obs, p) + 1).tolist() == [hf3_reference(n_obs, i, num_bins)
                                                          for i in range(1, num_bins + 1)]


def test_even_order_statistic_on_exact_half() -> None:
    # N = 10, p = 0.25: h = 2.0 -> j = 2 even, g = 0 -> x(2); p = 0.35: h = 3.0, j = 3 odd -> x(4)
    assert (closest_observation_index(10, np.array([0.25, 0.35])) + 1).tolist() == [2, 4]


def test_synthetic_edges_1_to_10() -> None:
    base = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})
    assert base["edges"] == [1.0, 2.0, 4.0, 6.0, 8.0, 10.0, None]
    assert base["edge_names"] == ["left_outlier", "q_20", "q_40", "q_60", "q_80", "q_100", "right_outlier"]


def test_edges_on_ties_collapse() -> None:
    vals = np.array([1.0] * 6 + [2.0, 3.0, 4.0, 5.0])  # x(2), x(4), x(6) and min are all 1
    with pytest.warns(drift.DriftWarning, match=r"3 of 5 quantile edges coincide .* 2 bins \(q_40, q_60\)"):
        base = drift.summarize(vals, {"num_bins": 5})
    assert base["edges"] == [1.0, 1.0, 1.0, 1.0, 3.0, 5.0, None]
    # bin 1 = [1, 1] holds all six 1s; bins 2, 3 = (1, 1] are empty; (1, 3] = {2, 3}; (3, 5] = {4, 5}
    assert base["aggregated_values"] == pytest.approx([0, 0.6, 0, 0, 0.2, 0.2, 0], rel=REL)


def test_quantile_names_round_when_n_does_not_divide_100() -> None:
    with pytest.warns(drift.DriftWarning):
        summ = drift.Summarizer(num_bins=3)
    assert drift.summarize(np.arange(30.0), summ)["edge_names"][1:4] == ["q_33", "q_67", "q_100"]
    names10 = drift.summarize(np.arange(30.0), {"num_bins": 10})["edge_names"]
    assert names10[1:-1] == [f"q_{10 * i}" for i in range(1, 11)]


def test_equal_edges() -> None:
    assert equal_edges(0.0, 10.0, 5).tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    e = equal_edges(0.1, 0.7, 3)
    assert e[-1] == 0.7 and e[0] == 0.1
    with pytest.warns(drift.DriftWarning, match="4 values for 5 bins"):
        base = drift.summarize(np.array([0.0, 1.0, 2.5, 10.0]), {"bin_mode": "Equal", "num_bins": 5})
    assert base["edges"] == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, None]
    assert base["edge_names"] == ["left_outlier", "p_2.00e0", "p_4.00e0", "p_6.00e0", "p_8.00e0", "p_1.00e1",
                                  "right_outlier"]
    assert base["aggregated_values"] == [0.0, 0.5, 0.25, 0.0, 0.0, 0.25, 0.0]


def test_provided_edges_n_and_n_plus_1() -> None:
    assert provided_edges([3.0, 1.0, 2.0], 3, lo=0.5).tolist() == [0.5, 1.0, 2.0, 3.0]
    assert provided_edges([0.0, 3.0, 1.0, 2.0], 3, lo=0.5).tolist() == [0.0, 1.0, 2.0, 3.0]
    vals = np.array([0.5, 1.0, 1.5, 2.5, 3.0, 9.0])
    with pytest.warns(drift.DriftWarning):
        summ = drift.Summarizer(bin_mode="Provided", num_bins=3, provided_edges=[1.0, 2.0, 3.0])
    base = drift.summarize(vals, summ)
    assert base["edges"] == [0.5, 1.0, 2.0, 3.0, None]
    assert base["edge_names"] == ["left_outlier", "e_1.00e0", "e_2.00e0", "e_3.00e0", "right_outlier"]
    # [0.5, 1] holds 0.5 and 1.0; (1, 2] 1.5; (2, 3] 2.5 and 3.0; 9 is a right outlier
    assert base["aggregated_values"] == pytest.approx([0, 2 / 6, 1 / 6, 2 / 6, 1 / 6], rel=REL)


@pytest.mark.parametrize(("x", "text"), [
    (0.00026360154, "2.64e-4"), (0.00096952915, "9.70e-4"), (1.0, "1.00e0"), (2.8, "2.80e0"),
    (125.0, "1.25e2"), (0.0, "0.00e0"), (-0.5, "-5.00e-1"), (12345678.0, "1.23e7"),
])
def test_fmt_edge_rust_style(x: float, text: str) -> None:
    assert drift.fmt_edge(x) == text


def test_window_names_from_published_edges() -> None:
    edges = [1.5199184e-06, 0.00026360154, 0.00045093894, 0.0006800592, 0.00096952915, 1.0, None]
    win = drift.summarize_window([0.0003], {"edges": edges, "aggregated_values": [0.0] * 7}, {"num_bins": 5})
    assert win["edge_names"] == ["left_outlier", "e_2.64e-4", "e_4.51e-4", "e_6.80e-4", "e_9.70e-4", "e_1.00e0",
                                 "right_outlier"]
    assert win["edges"] == edges
