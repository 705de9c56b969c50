"""Typed V1 wire objects: round trips change nothing, bad shapes name the field, typed objects go where dicts go."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift, plots
from wallaroo_widgets.drift.types import AssayResult, Summary, SummaryError, summary_dict

T0 = pd.Timestamp("2024-01-01", tz="UTC")


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(3)
    base = drift.summarize(rng.normal(size=500), start=T0, end=T0 + pd.Timedelta(days=1))
    times = pd.DatetimeIndex(T0 + pd.to_timedelta(np.arange(2000) * 60, unit="s")).as_unit("ms").asi8
    results = drift.score_windows(times, rng.normal(0.3, 1, 2000), base, start=T0 + pd.Timedelta(days=1),
                                  width="6 hours", until=T0 + pd.Timedelta(days=3))
    assert len(results) == 2  # [24 h, 30 h) and [30 h, 36 h) of 33 h of minutes
    return base, results


def test_round_trips_keep_the_wire_dict_exactly(scored) -> None:
    base, results = scored
    s = Summary.from_api(base)
    assert json.dumps(s.to_api()) == json.dumps(base)
    assert s.count == 500 and s.aggregation == "Density" and s.edges[-1] is None and len(s.finite_edges) == 6
    assert s.aggregated_values == tuple(base["aggregated_values"]) and s.start == base["start"]
    for r in results:
        typed = AssayResult.from_api(r)
        assert json.dumps(typed.to_api()) == json.dumps(r)
        assert typed.status == r["status"] and typed.score == pytest.approx(r["score"])
        assert typed.window_summary.aggregated_values == tuple(r["window_summary"]["aggregated_values"])
    built = Summary(aggregated_values=(0.5, 0.5), edges=(0.0, 1.0, None), aggregation="Density", count=2)
    assert Summary.from_api(built.to_api()) == built


@pytest.mark.parametrize(("data", "field", "words"), [
    ([1, 2], "baseline", "expected a Summary object"),
    ({"edges": [0, 1]}, "baseline", "no 'aggregated_values'"),
    ({"aggregated_values": [1.0]}, "baseline", "no 'edges' list"),
    ({"edges": ["a", None], "aggregated_values": [1.0]}, "baseline.edges", "edges must be numbers"),
    ({"edges": [0, None], "aggregated_values": ["x"]}, "baseline.aggregated_values", "must contain only numbers"),
    ({"edges": [0, None], "aggregated_values": [1.0], "mean": "high"}, "baseline.mean", "mean must be a number"),
])
def test_bad_shapes_name_the_field(data, field, words) -> None:
    with pytest.raises(SummaryError) as ei:
        Summary.from_api(data, "baseline")
    assert ei.value.field == field and words in ei.value.message


def test_typed_objects_go_where_the_dicts_go(scored) -> None:
    base, results = scored
    typed_base, typed = Summary.from_api(base), [AssayResult.from_api(r) for r in results]
    again = drift.score_windows(np.array([0]), np.array([0.0]), typed_base, start=T0, width="1 hour",
                                until=T0 + pd.Timedelta(hours=1), include_empty=True)
    assert again[0]["baseline_summary"] == base
    a = plots.bins_comparison(base, results[-1]).to_dict()["data"]
    b = plots.bins_comparison(typed_base, typed[-1]).to_dict()["data"]
    assert json.dumps(a, default=str) == json.dumps(b, default=str)
    assert len(plots.score_timeline(typed).data) == len(plots.score_timeline(results).data)
    assert summary_dict(typed[0]) == results[0]["window_summary"]
    assert summary_dict(results[0]) is results[0]["window_summary"]  # a dict is checked, not copied
    with pytest.raises(ValueError, match="neither 'window_summary' nor 'aggregated_values'"):
        summary_dict({"score": 1})


def test_the_engine_takes_typed_objects(scored) -> None:
    """score, summarize_window, diagnostics and WindowScorer take Summary / AssayResult as they take the dicts."""
    base, results = scored
    typed_base, typed = Summary.from_api(base), [AssayResult.from_api(r) for r in results]
    win = results[-1]["window_summary"]
    assert drift.score(typed_base, Summary.from_api(win)) == drift.score(base, win)
    values = np.random.default_rng(5).normal(size=300)
    assert drift.summarize_window(values, typed_base) == drift.summarize_window(values, base)
    assert [drift.outlier_share(t) for t in typed] == [drift.outlier_share(r) for r in results]
    assert drift.results_diagnostics(typed) == drift.results_diagnostics(results)
    assert drift.baseline_diagnostics(values, typed_base) == drift.baseline_diagnostics(values, base)
    with pytest.raises(SummaryError, match="score"):
        drift.outlier_share({"score": "high", "scores": [1.0]})


def test_replace_changes_the_wire_dict_the_same_way(scored) -> None:
    _, results = scored
    typed = AssayResult.from_api(results[0])
    stamped = typed.replace(assay_id=7, workspace_name="w")
    assert stamped.assay_id == 7 and typed.assay_id is None  # a copy; the original is unchanged
    wire_dict = stamped.to_api()
    assert list(wire_dict) == list(results[0]) and wire_dict == {**results[0], "assay_id": 7, "workspace_name": "w"}
    built = AssayResult(typed.window_summary, score=0.0, scores=(0.0,) * 7).replace(id=3)
    assert list(built.to_api())[:3] == ["id", "assay_id", "window_start"] and built.to_api()["scores"] == [0.0] * 7
    with pytest.raises(TypeError, match="no field 'colour'"):
        typed.replace(colour="red")
