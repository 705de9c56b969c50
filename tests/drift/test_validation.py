"""Bad input raises ValueError naming the parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift

BASE = drift.summarize(np.arange(1, 11.0), {"num_bins": 5})


@pytest.mark.parametrize(("summ", "name"), [
    ({"metric": "KL"}, "metric"), ({"bin_mode": "Magic"}, "bin_mode"), ({"aggregation": "Mean"}, "aggregation"),
    ({"num_bins": 0}, "num_bins"), ({"num_bins": 2.5}, "num_bins"), ({"num_bins": "5"}, "num_bins"),
    ({"num_bins": True}, "num_bins"), ({"bin_weights": [1, 2]}, "bin_weights"),
    ({"bin_weights": [1, 1, 1, 1, 1, 1, "x"]}, "bin_weights"), ({"bin_weights": [0] * 7}, "bin_weights"),
    ({"bin_mode": "Provided"}, "provided_edges"), ({"bin_mode": "Provided", "provided_edges": [1, 2]}, "provided_edges"),
    ({"type": "Multivariate"}, "type"), ({"add_outlier_edges": "yes"}, "add_outlier_edges"),
])
def test_bad_summarizer(summ, name) -> None:
    with pytest.raises(ValueError, match=name):
        drift.Summarizer.from_dict(summ)


def test_summarizer_case_insensitive_and_echo() -> None:
    s = drift.Summarizer.from_dict({"metric": "psi", "bin_mode": "quantile", "aggregation": "density",
                                    "bin_width": None, "add_outlier_edges": None, "num_bins": 5.0})
    assert s.to_dict() == {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density",
                           "metric": "PSI", "num_bins": 5, "bin_weights": None, "provided_edges": None}
    with pytest.warns(drift.DriftWarning, match="recommended"):
        drift.Summarizer(num_bins=20)


@pytest.mark.parametrize("values", [[], np.array([]), "1,2,3", None, ["a", "b"], [[1, 2], [3, 4]], [1.0, np.inf],
                                    [np.nan, np.nan]])
def test_bad_values(values) -> None:
    with pytest.raises(ValueError, match="values"):
        drift.summarize(values, {"num_bins": 5})


def test_bad_window_inputs() -> None:
    with pytest.raises(ValueError, match="values"):
        drift.summarize_window([], BASE, {"num_bins": 5})
    with pytest.raises(ValueError, match="num_bins"):
        drift.summarize_window([1.0], BASE, {"num_bins": 6})
    with pytest.raises(ValueError, match="baseline"):
        drift.summarize_window([1.0], {"count": 3}, {"num_bins": 5})
    with pytest.raises(ValueError, match="same length"):
        drift.score_windows([1, 2, 3], [1.0, 2.0], BASE, {"num_bins": 5}, start=0, width="1 hour")
    with pytest.raises(ValueError, match="times"):
        drift.score_windows(["not a time", "x"], [1.0, 2.0], BASE, {"num_bins": 5}, start=0, width="1 hour")
    with pytest.raises(ValueError, match="width"):
        drift.score_windows([1, 2], [1.0, 2.0], BASE, {"num_bins": 5}, start=0, width="soon")
    with pytest.raises(ValueError, match="start"):
        drift.score_windows([1, 2], [1.0, 2.0], BASE, {"num_bins": 5}, start="yesterday-ish", width="1 hour")
    with pytest.raises(ValueError, match="alert_threshold"):
        drift.score_windows([1, 2], [1.0, 2.0], BASE, {"num_bins": 5}, start=0, width="1 hour",
                            until=pd.Timestamp("1970-01-02", tz="UTC"), alert_threshold="high")


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"warning_threshold": "0.1"}, "warning_threshold"), ({"alert_threshold": float("nan")}, "alert_threshold"),
    ({"warning_threshold": True}, "warning_threshold"), ({"score": "1"}, "score"),
])
def test_bad_thresholds(kwargs, name) -> None:
    args = {"score": 0.1, **kwargs}
    with pytest.raises(ValueError, match=name):
        drift.status(**args)


def test_score_rejects_mismatched_summaries() -> None:
    with pytest.raises(ValueError, match="aggregated values"):
        drift.score(BASE, {"aggregated_values": [0.5, 0.5]}, {"num_bins": 5})
    with pytest.raises(ValueError, match="window"):
        drift.score(BASE, [0.5, 0.5], {"num_bins": 5})


@pytest.mark.parametrize("n", [float("inf"), float("nan"), float("-inf")])
def test_non_finite_num_bins_names_the_parameter(n) -> None:
    with pytest.raises(ValueError, match="num_bins must be a whole number"):
        drift.Summarizer(num_bins=n)


@pytest.mark.filterwarnings("ignore::wallaroo_widgets.drift.DriftWarning")
@pytest.mark.parametrize("edges", [["a", 2.0, 3.0, None], [1.0, [2.0], 3.0, None], [1.0, True, 3.0, None]])
def test_non_numeric_summary_edges_are_named(edges) -> None:
    base = {"edges": edges, "aggregated_values": [0.0, 0.5, 0.5, 0.0]}
    with pytest.raises(ValueError, match="baseline edges must be numbers"):
        drift.summarize_window([1.0, 2.0], base, {"num_bins": 2})


def test_missing_aggregated_values_are_rejected_not_nan() -> None:
    with pytest.raises(ValueError, match="window aggregated_values must not contain NaN or None"):
        drift.score(BASE, {"aggregated_values": [None] * 7}, {"num_bins": 5})
    with pytest.raises(ValueError, match="baseline aggregated_values"):
        drift.score({**BASE, "aggregated_values": [0.0, float("nan"), .2, .2, .2, .2, 0.0]}, BASE, {"num_bins": 5})
    ms = [0, 1]
    with pytest.raises(ValueError, match="baseline aggregated_values"):
        drift.score_windows(ms, [1.0, 2.0], {**BASE, "aggregated_values": [None] * 7}, {"num_bins": 5}, start=0,
                            width="1 hour", until=pd.Timestamp("1970-01-02", tz="UTC"))


@pytest.mark.parametrize("values", [[1, True, 3], (1.0, False), [np.True_, 2.0], np.array([True, False]),
                                    np.array([1, True], dtype=object)])
def test_booleans_rejected_in_lists_and_arrays_alike(values) -> None:
    with pytest.raises(ValueError, match="values must contain only numbers"):
        drift.summarize(values, {"num_bins": 5})
