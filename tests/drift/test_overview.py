"""Drift overview: every field scored over one window grid equals each field scored on its own by the engines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift
from wallaroo_widgets.drift import v2
from wallaroo_widgets.drift.overview import OverviewSettings, field_label, log_columns, score_overview

T0 = pd.Timestamp("2025-03-01T00:00:00Z")
HOUR = 3_600_000


def _data(n: int = 6000, hours: int = 60, seed: int = 3) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    ms = np.sort(rng.integers(0, hours * HOUR, n)) + T0.value // 1_000_000
    shift = (ms - ms[0]) > 40 * HOUR  # a drift episode in the last 20 hours of one input
    a = rng.normal(0, 1, n) + np.where(shift, 2.0, 0.0)
    b = rng.normal(5, 2, n)
    b[rng.random(n) < 0.05] = np.nan
    out = rng.random(n).astype(np.float32).astype(np.float64)
    return ms, {"out.variable.0": out, "in.tensor.0": a, "in.tensor.1": b}


SETTINGS = OverviewSettings(baseline_start=T0, baseline_end=T0 + pd.Timedelta(hours=12), width="2 hours",
                            warning_threshold=0.1, alert_threshold=0.25)


def test_v1_every_field_equals_the_engine_on_its_own() -> None:
    ms, cols = _data()
    ov = score_overview(ms, cols, SETTINGS)
    assert ov.keys == list(cols) and ov.score.shape == (3, 24)  # windows from hour 12 to the last row's window
    sel = (ms >= T0.value // 10**6) & (ms < (T0 + pd.Timedelta(hours=12)).value // 10**6)
    for i, (key, vals) in enumerate(cols.items()):
        base = drift.summarize(vals[sel], SETTINGS.summarizer(), start=SETTINGS.baseline_start_ts,
                               end=SETTINGS.baseline_end_ts)
        alone = drift.WindowScorer(ms, vals, start=SETTINGS.baseline_end_ts, width="2 hours",
                                   until=pd.Timestamp(ms[-1], unit="ms", tz="UTC") + pd.Timedelta(hours=2))
        ws = alone.score(SETTINGS.summarizer(), base, 0.1, 0.25)
        np.testing.assert_array_equal(ov.score[i], ws.score)
        assert list(ov.status[i]) == list(ws.status)
        records = alone.results(SETTINGS.summarizer(), base, 0.1, 0.25)
        for w in (0, 7, len(records) - 1):
            mine = ov.result(key, w)
            assert mine["score"] == records[w]["score"] and mine["scores"] == records[w]["scores"]
            assert mine["window_summary"] == records[w]["window_summary"]
            assert mine["baseline_summary"] == records[w]["baseline_summary"]
    assert set(ov.status[1][-8:]) == {"Alert"}  # the shifted input alerts in its episode
    assert set(ov.status[1][:10]) <= {"Ok"}


def test_v2_every_field_equals_score_windows() -> None:
    ms, cols = _data()
    s = SETTINGS.replace(version="V2", metric="MaxDiff", aggregation="Cumulative")
    ov = score_overview(ms, cols, s)
    last = pd.Timestamp(ms[-1], unit="ms", tz="UTC")
    windows = v2.grid(s.baseline_end_ts, dt.timedelta(hours=2), dt.timedelta(hours=2), last + pd.Timedelta(hours=2))
    sel = (ms >= T0.value // 10**6) & (ms < s.baseline_end_ts.value // 10**6)
    for i, (key, vals) in enumerate(cols.items()):
        f32 = key.startswith("out.")
        base = v2.summarize(vals[sel], v2.BinMode("Quantile", 5), "Cumulative", name=key, float32=f32)
        assert ov.baselines[key].bins == base.bins and ov.baselines[key].aggregated_values == base.aggregated_values
        ws = v2.score_windows(ms, vals, base, windows, s.summarizer_v2(), s.thresholds(), float32=f32)
        np.testing.assert_array_equal(ov.score[i], ws.score)
        np.testing.assert_array_equal(ov.scored[key].bin_index, ws.bin_index)
        scored, w = ov.result(key, 3)
        assert scored.score_data(w) == ws.score_data(3)


def test_unsorted_rows_and_shared_windows_give_the_same_scores() -> None:
    ms, cols = _data()
    order = np.random.default_rng(0).permutation(ms.size)
    shuffled = score_overview(ms[order], {k: v[order] for k, v in cols.items()}, SETTINGS)
    ov = score_overview(ms, cols, SETTINGS)
    np.testing.assert_array_equal(shuffled.score, ov.score)
    only = score_overview(ms, {"in.tensor.1": cols["in.tensor.1"]}, SETTINGS)  # no cross-field leakage
    np.testing.assert_array_equal(only.score[0], ov.score[2])


def test_ranked_table_names_the_drifted_field_first() -> None:
    ms, cols = _data()
    ov = score_overview(ms, cols, SETTINGS)
    r = ov.ranked()
    assert r.loc[0, "field"] == "in.tensor.0"
    peak = np.nanmax(ov.score[1])
    assert r.loc[0, "max_score"] == peak and r.loc[0, "over_alert"] == pytest.approx(peak - 0.25)
    assert r.loc[0, "alerts"] == int(np.sum(ov.status[1] == "Alert")) > 0
    assert r.loc[0, "first_alert"] == ov.starts[np.flatnonzero(ov.status[1] == "Alert")[0]]
    assert r.loc[0, "worst_window"] == ov.starts[int(np.nanargmax(ov.score[1]))]
    assert list(ov.frame().columns) == ["field", "window_start", "window_end", "score", "status"]
    assert len(ov.frame()) == ov.score.size


def test_a_field_without_baseline_numbers_is_reported_not_fatal() -> None:
    ms, cols = _data()
    bad = cols["in.tensor.1"].copy()
    bad[ms < (T0 + pd.Timedelta(hours=12)).value // 10**6] = np.nan
    ov = score_overview(ms, {**cols, "in.empty.0": bad}, SETTINGS)
    assert "non-NaN" in ov.errors["in.empty.0"]
    assert np.isnan(ov.score[3]).all() and set(ov.status[3]) == {"NoData"}
    assert not np.isnan(ov.score[0]).all()
    with pytest.raises(ValueError, match="was not scored"):
        ov.result("in.empty.0", 0)


def test_log_columns_split_tensors_per_index() -> None:
    logs = pd.DataFrame({"time": [1, 2, 3], "in.tensor": [[1.0, 2.0], [3.0, 4.0], [5.0, None]],
                         "out.variable": [[0.5], [0.25], [0.125]], "in.ragged": [[1.0], [1.0, 2.0], None],
                         "in.name": ["a", "b", "c"], "metadata.x": [1, 2, 3]})
    cols = log_columns(logs)
    assert list(cols) == ["out.variable.0", "in.ragged.0", "in.ragged.1", "in.tensor.0", "in.tensor.1"]
    np.testing.assert_array_equal(cols["in.tensor.1"], [2.0, 4.0, np.nan])
    np.testing.assert_array_equal(cols["in.ragged.1"], [np.nan, 2.0, np.nan])
    assert field_label("out.variable.0") == "output variable 0"
    assert list(log_columns(logs, max_index=1)) == ["out.variable.0", "in.ragged.0", "in.tensor.0"]


@pytest.mark.parametrize("changes, message", [
    ({"version": "V3"}, "version"), ({"bin_mode": "Provided"}, "Quantile"), ({"metric": "KL"}, "metric"),
    ({"baseline_end": T0}, "after"), ({"alert_threshold": -1}, "alert_threshold"), ({"num_bins": 0}, "num_bins"),
])
def test_bad_settings_are_clear_errors(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SETTINGS.replace(**changes)


def test_bad_input_is_a_clear_error() -> None:
    ms, cols = _data()
    with pytest.raises(ValueError, match="no numeric"):
        score_overview(ms, {}, SETTINGS)
    with pytest.raises(ValueError, match="same length"):
        score_overview(ms[:10], cols, SETTINGS)
    with pytest.raises(ValueError, match="baseline period"):
        score_overview(ms, cols, SETTINGS.replace(baseline_start=T0 - pd.Timedelta(days=9),
                                                  baseline_end=T0 - pd.Timedelta(days=8)))
    ov = score_overview(ms, {**cols, "in.inf.0": np.full(ms.size, np.inf)}, SETTINGS)
    assert "infinite" in ov.errors["in.inf.0"]
