"""Property tests (hypothesis): densities sum to 1, scores are >= 0, identical data scores 0."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wallaroo_widgets import drift

pytestmark = pytest.mark.filterwarnings("ignore::wallaroo_widgets.drift.DriftWarning")

floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
samples = st.lists(st.one_of(floats, st.just(float("nan"))), min_size=1, max_size=200).filter(
    lambda xs: any(x == x for x in xs))
summarizers = st.builds(
    dict, num_bins=st.integers(1, 14), metric=st.sampled_from(drift.METRICS),
    bin_mode=st.sampled_from(["Quantile", "Equal"]), aggregation=st.sampled_from(["Density", "Cumulative"]))
FAST = settings(max_examples=60, deadline=None)


@FAST
@given(samples, samples, summarizers)
def test_densities_sum_to_one_and_scores_non_negative(base_vals, win_vals, summ) -> None:
    s = drift.Summarizer.from_dict(summ)
    base = drift.summarize(base_vals, s)
    win = drift.summarize_window(win_vals, base, s)
    K = s.num_bins + 2
    assert len(base["aggregated_values"]) == len(win["aggregated_values"]) == len(base["edge_names"]) == K
    if s.aggregation == "Density":
        assert sum(base["aggregated_values"]) == pytest.approx(1.0, rel=1e-12)
        assert sum(win["aggregated_values"]) == pytest.approx(1.0, rel=1e-12)
    else:
        assert win["aggregated_values"][-1] == pytest.approx(1.0, rel=1e-12)
        assert np.all(np.diff(win["aggregated_values"]) >= 0)
    out = drift.score(base, win, s)
    assert out["score"] >= 0 and min(out["scores"]) >= 0 and len(out["scores"]) == K
    assert (out["bin_index"] is not None) == (s.metric == "MaxDiff")
    assert drift.status(out["score"], None, 0.25) in {"Ok", "Alert"}


@FAST
@given(samples, summarizers)
def test_identical_data_scores_zero(vals, summ) -> None:
    s = drift.Summarizer.from_dict(summ)
    base = drift.summarize(vals, s)
    win = drift.summarize_window(vals, base, s)
    assert win["aggregated_values"] == base["aggregated_values"]
    assert drift.score(base, win, s)["score"] == 0.0


@FAST
@given(samples, summarizers)
def test_edges_sorted_observations(vals, summ) -> None:
    s = drift.Summarizer.from_dict({**summ, "bin_mode": "Quantile"})
    base = drift.summarize(vals, s)
    edges = base["edges"][:-1]
    assert base["edges"][-1] is None and edges == sorted(edges)
    finite = [x for x in vals if x == x]
    assert set(edges) <= set(finite) and edges[0] == min(finite) and edges[-1] == max(finite)


@FAST
@given(samples, st.lists(samples, min_size=1, max_size=5), summarizers)
def test_matrix_scoring_equals_one_by_one(base_vals, windows, summ) -> None:
    s = drift.Summarizer.from_dict(summ)
    base = drift.summarize(base_vals, s)
    wins = [drift.summarize_window(w, base, s) for w in windows]
    scores, total, idx = drift.score_matrix(base["aggregated_values"], [w["aggregated_values"] for w in wins], s)
    for i, win in enumerate(wins):
        one = drift.score(base, win, s)
        assert one["score"] == total[i] and one["scores"] == scores[i].tolist()
        assert one["bin_index"] == (None if idx is None else idx[i])


@FAST
@given(samples, st.integers(1, 14))
def test_edges_and_stats_match_numpy(vals, n) -> None:
    base = drift.summarize(vals, {"num_bins": n})
    finite = np.array([x for x in vals if x == x])
    p = np.arange(1, n + 1) / n
    assert base["edges"][:-1] == [finite.min(), *np.quantile(finite, p, method="closest_observation").tolist()]
    assert base["median"] == np.median(finite) and base["std"] == np.std(finite) and base["mean"] == np.mean(finite)
    assert base["count"] == len(vals)


ties = st.lists(st.one_of(st.integers(-3, 3).map(float), st.just(float("nan"))), min_size=1, max_size=120).filter(
    lambda xs: any(x == x for x in xs))


@settings(max_examples=150, deadline=None)
@given(st.one_of(ties, samples), st.integers(1, 14))
def test_baseline_counts_from_selection_equal_binning(vals, n) -> None:
    from wallaroo_widgets.drift.binning import bin_counts

    base = drift.summarize(vals, {"num_bins": n})
    arr = np.asarray(vals, dtype=float)
    counts = bin_counts(arr, np.asarray(base["edges"][:-1]))
    assert base["aggregated_values"] == (counts / arr.size).tolist()


@settings(max_examples=150, deadline=None)
@given(st.one_of(ties, samples), st.one_of(ties, samples), st.integers(1, 14))
def test_window_counts_and_stats_match_plain_numpy(base_vals, win_vals, n) -> None:
    from wallaroo_widgets.drift.binning import bin_counts

    base = drift.summarize(base_vals, {"num_bins": n})
    win = drift.summarize_window(win_vals, base, {"num_bins": n})
    arr = np.asarray(win_vals, dtype=float)
    assert win["aggregated_values"] == (bin_counts(arr, np.asarray(base["edges"][:-1])) / arr.size).tolist()
    finite = arr[~np.isnan(arr)]
    if finite.size:
        assert (win["min"], win["max"], win["mean"], win["median"], win["std"]) == (
            finite.min(), finite.max(), np.mean(finite), np.median(finite), np.std(finite))
    else:
        assert (win["min"], win["max"], win["mean"], win["median"], win["std"]) == (0.0,) * 5
