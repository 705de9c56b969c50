"""Durations, window plans and the vectorised multi-window scorer (checked against per-window scoring)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift

REL = 1e-12
T0 = pd.Timestamp("2024-01-01T00:00:00Z")


@pytest.mark.parametrize(("text", "delta"), [
    ("24 hours", dt.timedelta(hours=24)), ("1 minute", dt.timedelta(minutes=1)),
    ("1 minutes", dt.timedelta(minutes=1)), ("7 days", dt.timedelta(days=7)), ("12 hours", dt.timedelta(hours=12)),
    ("1 week", dt.timedelta(weeks=1)), ("500 ms", dt.timedelta(milliseconds=500)), ("30 seconds", dt.timedelta(seconds=30)),
    ("2 Days", dt.timedelta(days=2)), (" 1  hour ", dt.timedelta(hours=1)), ("1.5 hours", dt.timedelta(minutes=90)),
])
def test_parse_duration(text: str, delta: dt.timedelta) -> None:
    assert drift.parse_duration(text) == delta


@pytest.mark.parametrize("bad", ["", "hours", "24", "1 fortnight", "-1 hours", "0 minutes", None, 5])
def test_parse_duration_rejects(bad) -> None:
    with pytest.raises(ValueError, match="width"):
        drift.parse_duration(bad, "width")


def test_plan_windows() -> None:
    starts = drift.plan_windows(T0, "1 hour", until=T0 + pd.Timedelta(hours=3))
    assert list(starts) == [T0, T0 + pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=2)]
    assert str(starts.tz) == "UTC"
    sliding = drift.plan_windows(T0, "2 hours", interval="30 minutes", until=T0 + pd.Timedelta(hours=3))
    assert len(sliding) == 3 and sliding[-1] == T0 + pd.Timedelta(hours=1)  # last end = until
    assert len(drift.plan_windows(T0, "1 day", until=T0 + pd.Timedelta(hours=23))) == 0
    assert drift.plan_windows("2024-01-01T00:00:00Z", "24 hours", until="2024-01-08T00:00:00Z").size == 7
    # default until is now: windows of the past only
    past = drift.plan_windows(pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=5, minutes=30), "1 hour")
    assert len(past) == 5


def test_plan_windows_run_until() -> None:
    """Windows end ≤ min(run_until, until/now): a window still open, or past run_until, is not planned."""
    until = T0 + pd.Timedelta(hours=10)
    starts = drift.plan_windows(T0, "1 hour", until=until, run_until=T0 + pd.Timedelta(hours=3, minutes=30))
    assert list(starts) == [T0 + pd.Timedelta(hours=h) for h in range(3)]  # [3h, 4h) ends after run_until
    assert len(drift.plan_windows(T0, "1 hour", until=until, run_until=T0 + pd.Timedelta(hours=3))) == 3
    assert len(drift.plan_windows(T0, "1 hour", until=T0 + pd.Timedelta(hours=2), run_until=until)) == 2
    now = pd.Timestamp.now(tz="UTC")
    future = drift.plan_windows(now - pd.Timedelta(hours=2, minutes=30), "1 hour", run_until=now + pd.Timedelta(days=1))
    assert len(future) == 2  # the window holding "now" is still open
    with pytest.raises(ValueError, match="run_until"):
        drift.plan_windows(T0, "1 hour", until=until, run_until="soon")
    ms = (T0.value // 1_000_000) + np.arange(0, 6 * 3_600_000, 600_000)
    res = drift.score_windows(ms, np.arange(ms.size, dtype=float), drift.summarize(np.arange(36.0)), start=T0,
                              width="1 hour", until=until, run_until=T0 + pd.Timedelta(hours=2))
    assert [r["window_start"][11:16] for r in res] == ["00:00", "01:00"]


def make_data(n: int = 5000, hours: int = 48, seed: int = 0):
    rng = np.random.default_rng(seed)
    ms = np.sort(rng.integers(0, hours * 3_600_000, size=n)) + T0.value // 1_000_000
    vals = rng.normal(size=n) + (ms - ms[0]) / 3_600_000 / hours  # slow drift
    vals[rng.random(n) < 0.01] = np.nan
    return ms, vals


def reference(ms, vals, base, summ, starts, width):
    """Per-window summarize_window + score, the slow obvious way."""
    out = []
    times = pd.to_datetime(ms, unit="ms", utc=True)
    for s in starts:
        sel = (times >= s) & (times < s + width)
        if not sel.any():
            out.append(None)
            continue
        win = drift.summarize_window(vals[sel], base, summ, start=s, end=s + width)
        out.append((win, drift.score(base, win, summ)))
    return out


@pytest.mark.parametrize("summ", [
    {"num_bins": 5}, {"num_bins": 10, "metric": "MaxDiff"}, {"num_bins": 7, "metric": "SumDiff", "bin_mode": "Equal"},
    {"num_bins": 5, "aggregation": "Cumulative"}, {"num_bins": 5, "bin_weights": [1, 2, 3, 4, 5, 6, 7]},
    {"num_bins": 5, "aggregation": "Edges", "metric": "MaxDiff"}, {"num_bins": 6, "aggregation": "Edges", "bin_mode": "Equal"},
])
@pytest.mark.parametrize("interval", [None, "30 minutes"])
def test_score_windows_equals_per_window_scoring(summ, interval) -> None:
    ms, vals = make_data()
    rng = np.random.default_rng(2)
    base = drift.summarize(rng.normal(size=2000), summ, start=T0 - pd.Timedelta(days=1), end=T0)
    order = rng.permutation(ms.size)  # unsorted input is fine
    until = T0 + pd.Timedelta(hours=48)
    results = drift.score_windows(ms[order], vals[order], base, summ, start=T0, width="1 hour", interval=interval,
                                  until=until, warning_threshold=0.05, alert_threshold=0.2)
    starts = drift.plan_windows(T0, "1 hour", interval, until)
    ref = [r for r in reference(ms, vals, base, drift.Summarizer.from_dict(summ), starts, pd.Timedelta(hours=1)) if r]
    assert len(results) == len(ref) == len(starts)
    for res, (win, sc) in zip(results, ref, strict=True):
        assert res["window_summary"] == {**win, "aggregated_values": pytest.approx(win["aggregated_values"], rel=REL)}
        assert res["score"] == pytest.approx(sc["score"], rel=REL, abs=1e-15)
        assert res["scores"] == pytest.approx(sc["scores"], rel=REL, abs=1e-15)
        assert res["bin_index"] == sc["bin_index"]
        assert res["status"] == drift.status(res["score"], 0.05, 0.2)
        assert res["baseline_summary"] is base and res["window_start"] == win["start"]


def test_result_record_shape() -> None:
    ms, vals = make_data(500, 3)
    base = drift.summarize(vals, {"num_bins": 5})
    [first, *_] = drift.score_windows(ms, vals, base, {"num_bins": 5}, start=T0, width="1 hour",
                                      until=T0 + pd.Timedelta(hours=3))
    assert list(first) == ["id", "assay_id", "window_start", "analyzed_at", "elapsed_millis", "pipeline_id",
                           "workspace_id", "workspace_name", "baseline_summary", "window_summary",
                           "warning_threshold", "alert_threshold", "score", "scores", "bin_index", "summarizer",
                           "status", "created_at"]
    assert first["id"] is None and first["assay_id"] is None and first["alert_threshold"] == 0.25
    assert first["window_summary"]["end"] == "2024-01-01T01:00:00.000000Z"
    assert first["summarizer"]["num_bins"] == 5 and "add_outlier_edges" not in first["summarizer"]


@pytest.mark.filterwarnings("ignore::wallaroo_widgets.drift.DriftWarning")  # 5 values, 5 bins: tied edges
def test_empty_windows_skipped_or_nodata() -> None:
    ms = np.array([0, 1, 2, 7_200_000, 7_200_001]) + T0.value // 1_000_000
    vals = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    base = drift.summarize(vals, {"num_bins": 5})
    until = T0 + pd.Timedelta(hours=4)
    kept = drift.score_windows(ms, vals, base, {"num_bins": 5}, start=T0, width="1 hour", until=until)
    assert [r["window_start"][11:19] for r in kept] == ["00:00:00", "02:00:00"]
    full = drift.score_windows(ms, vals, base, {"num_bins": 5}, start=T0, width="1 hour", until=until,
                               include_empty=True)
    assert [r["status"] for r in full][1:] == ["NoData", "Alert", "NoData"]  # {4, 5} vs 1..5
    assert full[1]["score"] is None and full[1]["scores"] is None and full[1]["window_summary"]["count"] == 0


def test_default_start_is_baseline_end_and_times_as_datetimes() -> None:
    times = [T0 + pd.Timedelta(minutes=10 * i) for i in range(12)]  # two hours
    vals = np.arange(12.0)
    base = drift.summarize(vals, {"num_bins": 5}, start=T0 - pd.Timedelta(hours=1), end=T0 + pd.Timedelta(hours=1))
    res = drift.score_windows(times, vals, base, {"num_bins": 5}, width="1 hour", until=T0 + pd.Timedelta(hours=2))
    assert [r["window_start"] for r in res] == ["2024-01-01T01:00:00.000000Z"]
    assert res[0]["window_summary"]["count"] == 6


def test_window_scorer_rescoring_reuses_binning() -> None:
    ms, vals = make_data(20000, 72)
    base_vals = np.random.default_rng(3).normal(size=5000)
    scorer = drift.WindowScorer(ms, vals, start=T0, width="1 hour", until=T0 + pd.Timedelta(hours=72),
                                baseline_values=base_vals)
    assert len(scorer) == 72
    a = scorer.score({"num_bins": 5})
    counts_id = id(a.bin_counts)
    b = scorer.score({"num_bins": 5, "metric": "MaxDiff"}, warning_threshold=0.01, alert_threshold=0.1)
    assert id(b.bin_counts) == counts_id  # no re-binning for a metric / threshold change
    c = scorer.score({"num_bins": 10})
    assert c.bin_counts.shape == (72, 12) and id(c.bin_counts) != counts_id
    # the arrays agree with the records path
    recs = scorer.results({"num_bins": 10})
    assert [r["score"] for r in recs] == pytest.approx(c.score.tolist(), rel=REL)
    assert c.frame().shape[0] == 72 and set(c.frame().columns) >= {"window_start", "score", "status", "outlier_share"}
    assert np.all((c.outlier_share >= 0) & (c.outlier_share <= 1))
    # textbook PSI differs only where an exact zero proportion occurs
    t = scorer.score({"num_bins": 10}, textbook_psi=True)
    has_zero = (c.aggregated == 0).any(axis=1) | (scorer.baseline_summary(drift.Summarizer(num_bins=10))
                                                  ["aggregated_values"][0] == 0)
    assert np.allclose(t.score[~has_zero], c.score[~has_zero], rtol=REL)


@pytest.mark.filterwarnings("ignore::wallaroo_widgets.drift.DriftWarning")
def test_no_values_gives_no_results() -> None:
    base = drift.summarize([1.0, 2.0, 3.0, 4.0, 5.0], {"num_bins": 5})
    assert drift.score_windows([], [], base, {"num_bins": 5}, start=T0, width="1 hour") == []


def test_windows_after_the_first_rows_and_none_at_all() -> None:
    ms, vals = make_data(3000, 10)
    base = drift.summarize(vals[:500], {"num_bins": 5})
    start = T0 + pd.Timedelta(hours=5)
    until = T0 + pd.Timedelta(hours=8)
    res = drift.score_windows(ms, vals, base, {"num_bins": 5}, start=start, width="1 hour", until=until)
    ref = reference(ms, vals, base, drift.Summarizer(), drift.plan_windows(start, "1 hour", until=until),
                    pd.Timedelta(hours=1))
    assert [r["window_summary"]["count"] for r in res] == [w["count"] for w, _ in ref]
    assert [r["score"] for r in res] == pytest.approx([s["score"] for _, s in ref], rel=REL)
    late = T0 + pd.Timedelta(days=30)
    assert drift.score_windows(ms, vals, base, {"num_bins": 5}, start=late, width="1 hour",
                               until=late + pd.Timedelta(hours=3)) == []
    scorer = drift.WindowScorer(ms, vals, start=late, width="1 hour", until=late + pd.Timedelta(hours=3),
                                include_empty=True)
    ws = scorer.score({"num_bins": 5}, baseline=base)
    assert len(scorer) == 3 and list(ws.status) == ["NoData"] * 3 and np.isnan(ws.score).all()


def test_records_are_strict_json() -> None:
    import json

    ms, vals = make_data(2000, 6)
    base = drift.summarize(vals[:300], {"num_bins": 5, "metric": "MaxDiff"})
    res = drift.score_windows(ms, vals, base, {"num_bins": 5, "metric": "MaxDiff"}, start=T0, width="1 hour",
                              until=T0 + pd.Timedelta(hours=8), include_empty=True)
    assert len(res) == 8 and [r["status"] for r in res][-2:] == ["NoData", "NoData"]
    back = json.loads(json.dumps(res, allow_nan=False))
    assert back[0]["bin_index"] == res[0]["bin_index"] and isinstance(back[0]["bin_index"], int)
    assert back[0]["window_summary"]["edges"][-1] is None


@pytest.mark.parametrize("max_pad", [4.0, 0.0])  # 0: the per-window fallback
def test_edges_aggregation_of_many_windows_by_hand(max_pad) -> None:
    """Windows [5, 1, 3, NaN, 2, 4], [10, 20], [], [NaN] under Quantile n = 5 (closest observation):
    N = 5 -> x(1..5) = 1, 2, 3, 4, 5 with e0 = min 1; N = 2: h = 2p − 0.5 -> k = 1, 1, 1, 2, 2; no number -> 0."""
    from wallaroo_widgets.drift.edges import window_edges

    values = np.array([5, 1, 3, np.nan, 2, 4, 10, 20, np.nan])
    lo, hi = np.array([0, 6, 8, 8]), np.array([6, 8, 8, 9])
    q = window_edges(values, lo, hi, drift.Summarizer(num_bins=5, aggregation="Edges"), max_pad=max_pad)
    if max_pad == 0.0:
        assert q is None  # padding 4 × 6 cells for 9 values exceeds 0 ×: the scorer loops over windows instead
        return
    assert q.tolist() == [[1, 1, 2, 3, 4, 5], [10, 10, 10, 10, 20, 20], [0] * 6, [0] * 6]
    eq = window_edges(values, lo, hi, drift.Summarizer(num_bins=5, aggregation="Edges", bin_mode="Equal"))
    assert eq[0].tolist() == pytest.approx([1, 1.8, 2.6, 3.4, 4.2, 5], rel=1e-15) and eq[1, -1] == 20.0
    prov = window_edges(values, lo, hi, drift.Summarizer(num_bins=5, aggregation="Edges", bin_mode="Provided",
                                                         provided_edges=[2, 4, 6, 8, 30]))
    assert prov[:2].tolist() == [[1, 2, 4, 6, 8, 30], [2, 2, 4, 6, 8, 30]]  # e0 = min(window min, first edge)


def test_edges_scorer_falls_back_for_very_unequal_windows() -> None:
    """One crowded window and many near-empty ones: padding would be wasteful, the loop gives the same."""
    ms = np.r_[np.arange(5000), np.arange(1, 48) * 3_600_000] + T0.value // 1_000_000
    vals = np.random.default_rng(4).normal(size=ms.size)
    summ = {"num_bins": 5, "aggregation": "Edges"}
    base = drift.summarize(vals[:1000], summ)
    res = drift.score_windows(ms, vals, base, summ, start=T0, width="1 hour", until=T0 + pd.Timedelta(hours=48))
    ref = reference(ms, vals, base, drift.Summarizer.from_dict(summ), drift.plan_windows(T0, "1 hour",
                    until=T0 + pd.Timedelta(hours=48)), pd.Timedelta(hours=1))
    assert [r["window_summary"]["aggregated_values"] for r in res] == [w["aggregated_values"] for w, _ in ref if w]
