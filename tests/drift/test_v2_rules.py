"""V2 rules: float32 dtypes, NaN, bin edge cases, weights, windows on the run grid, several iopaths."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets.drift import v2

PSI = v2.UnivariateContinuous()
T0 = pd.Timestamp("2025-01-01T00:00:00Z")


def test_float32_data_give_float32_edges_and_stats_with_a_float64_mean() -> None:
    x32 = np.random.default_rng(3).lognormal(12, 0.5, 1000).astype(np.float32)
    s = v2.summarize(x32, v2.BinMode.quantile(5))
    wide = x32.astype(np.float64)
    q = np.quantile(wide, [0.2, 0.4, 0.6, 0.8], method="linear")
    assert list(s.bins.edges[:-1]) == q.astype(np.float32).astype(np.float64).tolist()
    assert s.bins.edges[:-1] != tuple(q.tolist())  # really rounded to float32
    st = s.statistics
    assert st.std == float(np.float32(np.std(wide))) and st.median == float(np.float32(np.median(wide)))
    assert st.min == float(wide.min()) and st.max == float(wide.max())
    assert st.mean == float(np.mean(wide)) and st.mean != float(np.float32(st.mean))
    # the same numbers as float64 data: float64 statistics; float32=True forces the float32 rule
    s64 = v2.summarize(wide, v2.BinMode.quantile(5))
    assert s64.statistics.std == float(np.std(wide)) and s64.bins.edges[:-1] == tuple(q.tolist())
    assert v2.summarize(wide, v2.BinMode.quantile(5), float32=True) == s


def test_nan_is_counted_binned_first_and_left_out_of_stats() -> None:
    base = v2.summarize([1.0, 2.0, 3.0, 4.0, float("nan")], v2.BinMode.quantile(2))
    assert base.bins.edges == (2.5, math.inf)
    assert base.aggregated_values == (0.6, 0.4)  # NaN + {1, 2} in bin 0
    assert base.statistics == v2.Statistics(5, 4.0, 2.5, 2.5, 1.0, float(np.std([1, 2, 3, 4])))
    win = v2.summarize_window([None, None, 10.0, 1.0], base)
    assert win.aggregated_values == (0.75, 0.25) and win.statistics.count == 4 and win.statistics.mean == 5.5
    with pytest.raises(ValueError, match="non-NaN"):
        v2.summarize([float("nan")], v2.BinMode.quantile(5))


def test_quantile_bins_are_right_closed_from_minus_infinity() -> None:
    base = v2.summarize(np.arange(1.0, 11.0), v2.BinMode.quantile(5))
    e = base.bins.edges  # 2.8, 4.6, 6.4, 8.2
    win = v2.summarize_window([-1e9, e[0], np.nextafter(e[0], 10), e[3], 1e9], base)
    assert win.aggregated_values == (0.4, 0.2, 0.0, 0.2, 0.2)
    assert base.aggregated_values == (0.2, 0.2, 0.2, 0.2, 0.2) and len(base.bins.labels) == 5


def test_small_and_degenerate_layouts() -> None:
    one = v2.summarize([1.0, 2.0, 3.0], v2.BinMode.quantile(1))
    assert one.bins.edges == (math.inf,) and one.labels == ("0% - 100%",) and one.aggregated_values == (1.0,)
    p1 = v2.summarize([1.0, 2.0, 3.0, float("nan")], v2.BinMode.provided([2.0]))
    assert p1.bins.edges == (2.0, math.inf) and p1.labels == ("< 2.00e0", "> 2.00e0")
    assert p1.aggregated_values == (0.5, 0.5)  # NaN and 1.0 below 2; 2 (= e0, V1 layout) and 3 above
    const = v2.summarize([5.0] * 10, v2.BinMode.equal(3))
    assert const.aggregated_values == (0.0, 1.0, 0.0, 0.0, 0.0) and len(const.bins.edges) == 5
    unsorted = v2.BinMode.provided([3.0, 1.0])
    assert unsorted.edges == (1.0, 3.0) and unsorted.num_bins == 3
    qwo = v2.summarize(np.arange(1.0, 9.0), v2.BinMode.quantile_with_outliers(4))
    assert qwo.bins.edges == (1.0, 2.75, 4.5, 6.25, 8.0, math.inf)
    assert qwo.labels == ("< 0%", "0% - 25%", "25% - 50%", "50% - 75%", "75% - 100%", "> 100%")
    assert qwo.aggregated_values == (0.0, 0.25, 0.25, 0.25, 0.25, 0.0)
    none = v2.summarize([1.0, 2.0], v2.BinMode.none())
    assert none.aggregated_values == () and none.bins.edges == () and none.statistics.count == 2
    sd = v2.score(none, v2.summarize_window([7.0], none), v2.UnivariateContinuous(v2.BinMode.none()))
    assert sd.score == 0.0 and sd.scores == ()


def test_converted_v1_summaries_keep_their_outlier_layout() -> None:
    """A Quantile 5 summary with 7 bins (a converted V1 summary) bins with V1's strict first bin."""
    bins = v2.Bins((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, math.inf), tuple(f"b{i}" for i in range(7)), v2.BinMode.quantile(5))
    base = v2.SeriesSummary((0.0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.0), bins, v2.Statistics(5, 6, 3, 3, 1, 1))
    win = v2.summarize_window([0.5, 1.0, 6.0, 7.0], base)
    assert win.aggregated_values == (0.25, 0.25, 0.0, 0.0, 0.0, 0.25, 0.25)


def test_weights_must_match_the_bins_and_are_normalised() -> None:
    base = v2.summarize(np.arange(1.0, 11.0), v2.BinMode.quantile(5))
    win = v2.summarize_window(np.arange(3.0, 13.0), base)
    plain = v2.score(base, win, PSI)
    w = v2.UnivariateContinuous(bin_weights=(2.0, 0.0, 0.0, 0.0, 2.0))
    weighted = v2.score(base, win, w)
    assert weighted.scores == pytest.approx([0.5 * plain.scores[0], 0, 0, 0, 0.5 * plain.scores[4]])
    with pytest.raises(ValueError, match="bin_weights has 7 values but there are 5 bins"):
        v2.score(base, win, v2.UnivariateContinuous(bin_weights=(1.0,) * 7))
    with pytest.raises(ValueError, match="bin_weights"):
        v2.UnivariateContinuous(bin_weights=(-1.0, 2.0))


def test_density_baseline_scored_as_cumulative() -> None:
    base = v2.summarize(np.arange(1.0, 11.0), v2.BinMode.quantile(5))
    cum = v2.UnivariateContinuous(aggregation="Cumulative", metric="SumDiff")
    win = v2.summarize_window(np.arange(3.0, 13.0), base, "Cumulative")
    sd = v2.score(base, win, cum)
    diffs = np.abs(np.cumsum(win_density := v2.summarize_window(np.arange(3.0, 13.0), base).aggregated_values)
                   - np.cumsum(base.aggregated_values))
    assert win_density[0] == 0.0 and sd.score == pytest.approx(diffs.sum() / 2)


def test_run_grid_first_window_starts_at_first_run() -> None:
    sched = v2.Scheduling(T0, 1, "Hour", end=T0 + pd.Timedelta(hours=5))
    window = v2.RollingWindow(7200)
    w = v2.run_windows(sched, window, now=T0 + pd.Timedelta(hours=10))
    assert list(w.starts) == [T0 + pd.Timedelta(hours=k) for k in range(4)]
    assert list(w.ends) == [T0 + pd.Timedelta(hours=k + 2) for k in range(4)]  # no run after end
    later = v2.run_windows(sched, window, now=T0 + pd.Timedelta(hours=3, minutes=59), after=T0 + pd.Timedelta(hours=2))
    assert list(later.ends) == [T0 + pd.Timedelta(hours=3)]
    assert v2.next_run(sched, window) == T0 + pd.Timedelta(hours=2)
    assert v2.next_run(sched, window, T0 + pd.Timedelta(hours=3)) == T0 + pd.Timedelta(hours=4)
    assert v2.next_run(sched, window, T0 + pd.Timedelta(hours=5)) is None  # past end
    assert v2.next_run(sched, window, T0 + pd.Timedelta(hours=3), active=False) is None


def test_preview_windows_end_by_preview_end() -> None:
    p = T0 + pd.Timedelta(seconds=58.424304)
    w = v2.preview_windows(p, T0 + pd.Timedelta(minutes=4), v2.RollingWindow(60))
    assert [s - p for s in w.starts] == [pd.Timedelta(minutes=k) for k in range(3)]
    assert (w.ends <= T0 + pd.Timedelta(minutes=4)).all()


def test_rows_count_in_start_exclusive_end_inclusive_windows() -> None:
    base = v2.summarize(np.arange(1.0, 11.0), v2.BinMode.quantile(5))
    wins = v2.grid(T0, pd.Timedelta(hours=1), pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=3))
    times = [T0, T0 + pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=1, seconds=1), T0 + pd.Timedelta(hours=3)]
    ws = v2.score_windows(times, [1.0, 2.0, 3.0, 4.0], base, wins, PSI, v2.Thresholds(None, 0.25))
    assert ws.count.tolist() == [1, 1, 1] and list(ws.status) == ["Alert", "Alert", "Alert"]


def test_batch_scoring_equals_window_by_window() -> None:
    rng = np.random.default_rng(7)
    ms = np.sort(rng.integers(0, 48 * 3_600_000, 5000)) + T0.value // 1_000_000
    vals = rng.normal(0, 1, ms.size).astype(np.float32)
    vals[::97] = np.nan
    base = v2.summarize(rng.normal(0, 1, 800), v2.BinMode.quantile(6))
    wins = v2.grid(T0, pd.Timedelta(hours=6), pd.Timedelta(hours=2), T0 + pd.Timedelta(hours=50))
    th = v2.Thresholds(0.05, 0.2)
    for summ in (PSI, v2.UnivariateContinuous(v2.BinMode.quantile(6), "Cumulative", "MaxDiff"),
                 v2.UnivariateContinuous(metric="SumDiff", bin_weights=(1, 2, 3, 3, 2, 1))):
        ws = v2.score_windows(ms, vals, base, wins, summ, th)
        t = pd.to_datetime(ms, unit="ms", utc=True)
        for i, (s, e) in enumerate(zip(wins.starts, wins.ends, strict=True)):
            inside = vals[(t > s) & (t <= e)]
            one = v2.summarize_window(inside, base, summ.aggregation, start=s, end=e)
            if not inside.size:
                assert ws.status[i] == "NoData" and ws.score_data(i) is None
                continue
            assert ws.summary(i) == one
            assert ws.score_data(i) == v2.score(base, one, summ)
            assert ws.status[i] == v2.status(ws.score[i], th)


def test_combine_several_iopaths() -> None:
    base = v2.summarize(np.arange(1.0, 11.0), v2.BinMode.quantile(5))
    wins = v2.grid(T0, pd.Timedelta(hours=1), pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=3))
    t = [T0 + pd.Timedelta(minutes=30), T0 + pd.Timedelta(minutes=90)]
    a = v2.score_windows(t, [5.0, 5.0], base, wins, PSI, v2.Thresholds(0.1, 100.0))     # Warning, Warning
    b = v2.score_windows(t[:1], [5.0], base, wins, PSI, v2.Thresholds(None, 0.25))      # Alert, no data
    out = v2.combine({"out.a.0": a, "out.b": b, "out.c": "column out.c not found"})
    assert len(out) == 2  # the third hour has no data anywhere: no result
    assert [o.status for o in out] == ["Alert", "Warning"]
    assert out[1].scores["out.b"] == "no data for out.b in this window" and "out.b" not in out[1].summaries
    assert out[0].scores["out.c"] == "column out.c not found" and set(out[0].summaries) == {"out.a.0", "out.b"}
    res = out[0].result(assay_id="00000000-0000-0000-0000-000000000007", pipeline_id=1, workspace_id=2,
                        workspace_name="w", thresholds=v2.Thresholds(0.1, 100.0), id=5)
    api = res.to_api()
    assert api["window_start"] == "2025-01-01T00:00:00Z" and api["window_end"] == "2025-01-01T01:00:00Z"
    assert api["summaries"]["out.a.0"]["start"] == api["window_start"] and api["alert_threshold"] == 100.0
    assert v2.AssayResultV2.from_api(api) == res
    prev = out[1].preview(assay_id="00000000-0000-0000-0000-000000000008", pipeline_id=1, workspace_id=2,
                          workspace_name="w").to_api()
    assert prev["id"] == 0 and prev["summaries"]["out.a.0"]["start"] == "2025-01-01T01:00:00Z"
    assert v2.worst([]) == "Ok" and v2.combine({"x": "failed"}) == []
