"""Per-bin and stats figures: bars, contributions, labels, distributions, from local results and server dicts."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift, plots

from .helpers import SUMM, T0, server_shape


def test_statuses_of_fixture(local) -> None:
    _, res = local
    assert [r["status"] for r in res] == ["Ok", "Ok", "Ok", "Alert", "Warning", "NoData"]


def test_bins_comparison(local) -> None:
    base, res = local
    alert = res[3]
    fig = plots.bins_comparison(base, alert)
    b, w = fig.data
    assert fig.layout.barmode == "group"
    assert b.marker.color == plots.BASELINE_COLOR and w.marker.color == plots.WINDOW_COLOR
    assert b.name == "Baseline (10)" and w.name == f"Window ({alert['window_summary']['count']})"
    assert list(b.y) == base["aggregated_values"] and list(w.y) == alert["window_summary"]["aggregated_values"]
    assert b.x[0] == "left_outlier ⚠<br>< 1" and b.x[1] == "q_20<br>[1, 2]" and b.x[2] == "q_40<br>(2, 4]"
    assert b.x[-1] == "right_outlier ⚠<br>> 10"
    assert list(b.marker.pattern.shape) == ["/", "", "", "", "", "", "/"]
    assert list(w.text) == [f"{s:.4f}" for s in alert["scores"]]
    assert b.customdata[1] == "[1, 2]"
    title = fig.layout.title.text
    assert f"PSI={alert['score']:.3f}" in title and "Alert" in title and "5 Quantile Density" in title
    assert pd.Timestamp(alert["window_start"]).strftime("%Y-%m-%d %H:%M UTC") in title
    # the same from the server's dicts
    served = server_shape(alert)
    fig2 = plots.bins_comparison(served["baseline_summary"], served)
    assert list(fig2.data[1].y) == list(w.y) and fig2.data[0].x == b.x


def test_bins_comparison_window_summary_and_maxdiff() -> None:
    s = drift.Summarizer(num_bins=5, metric="MaxDiff")
    base = drift.summarize(np.arange(1, 11.0), s)
    [res] = drift.score_windows(np.arange(10) + T0.value // 1_000_000, np.arange(3, 13.0), base, s,
                                start=T0, width="1 minute", until=T0 + pd.Timedelta(minutes=1))
    assert "bin#=1" in plots.bins_comparison(base, res).layout.title.text
    fig = plots.bins_comparison(base, res["window_summary"])  # a bare Summary works too
    assert fig.data[1].text is None and len(fig.data[1].y) == 7


def test_bin_contributions(local) -> None:
    _, res = local
    r = res[3]
    fig = plots.bin_contributions(r)
    [bar] = fig.data
    total = sum(r["scores"])
    assert list(bar.y) == pytest.approx([100 * s / total for s in r["scores"]])
    assert sum(bar.y) == pytest.approx(100)
    assert bar.marker.color[0] == "indianred" and bar.marker.color[1] == "slategray"
    share = 100 * drift.outlier_share(r)
    assert f"outlier bins: {share:.1f}%" in fig.layout.title.text
    # the same bin names as bins_comparison (the baseline's q_20 …, not the window's e_…)
    assert list(bar.x) == list(plots.bins_comparison(r["baseline_summary"], r).data[1].x)
    assert [t.split("<br>")[0].rstrip(" ⚠") for t in bar.x] == r["baseline_summary"]["edge_names"]
    assert not any("e_" in t for t in bar.x)


def test_compare_windows_and_against_baseline(local) -> None:
    base, res = local
    fig = plots.compare_windows(res[0], res[3], labels=("hour 0", "hour 3"))
    a, b = fig.data
    assert a.name.startswith("hour 0") and b.name.startswith("hour 3")
    expected = drift.score(res[0]["window_summary"], res[3]["window_summary"], SUMM)
    assert f"PSI={expected['score']:.3f}" in fig.layout.title.text
    assert list(b.text) == [f"{v:.4f}" for v in expected["scores"]]
    vs_base = plots.compare_windows(base, res[3], labels=("baseline", "window"))
    assert f"PSI={res[3]['score']:.3f}" in vs_base.layout.title.text
    names = base["edge_names"]  # the bins are the baseline's (both windows use its edges), as in bins_comparison
    assert [t.split("<br>")[0].rstrip(" ⚠") for t in a.x] == names[:len(a.x)]
    assert fig.layout.xaxis.title.text == "bin"


def test_stats_frame_and_table(local) -> None:
    base, res = local
    r = res[3]
    df = plots.stats_frame(base, r)
    assert list(df.index) == ["count", "min", "max", "mean", "median", "std"]
    assert list(df.columns) == ["Baseline", "Window", "diff", "pct_diff"]
    w = r["window_summary"]
    assert df.loc["mean", "diff"] == pytest.approx(w["mean"] - 5.5)
    assert df.loc["mean", "pct_diff"] == pytest.approx((w["mean"] - 5.5) / 5.5 * 100)
    assert df.loc["count", "Window"] == 60
    fig = plots.stats_comparison(base, r)
    [table] = fig.data
    assert table.type == "table" and list(table.header.values) == ["", "Baseline", "Window", "diff", "pct_diff"]
    assert list(table.cells.values[0]) == ["count", "min", "max", "mean", "median", "std"]
    assert table.cells.values[4][3] == f"{df.loc['mean', 'pct_diff']:+.2f}%"
    from wallaroo_widgets.plots.stats import format_stat

    assert [format_stat(v) for v in (1617110.5, 5389700.0, 60.0, 0.0123456789, -2500.125, float("nan"))] == [
        "1,617,110.50", "5,389,700", "60", "0.0123457", "-2,500.12", "n/a"]
    zero = copy.deepcopy(base)
    zero["min"] = 0.0
    assert np.isnan(plots.stats_frame(zero, r).loc["min", "pct_diff"])


def test_baseline_distribution_edges_drawn() -> None:
    vals = np.random.default_rng(5).normal(size=1000)
    base = drift.summarize(vals, SUMM)
    fig = plots.baseline_distribution(base, vals)
    assert fig.data[0].type == "histogram" and len(fig.data[0].x) == 1000
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [ln.x0 for ln in lines] == base["edges"][:-1]
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["e0 (min)", "q_20", "q_40", "q_60", "q_80", "q_100"]
    assert "5 bins" in fig.layout.title.text
    from_summary = plots.baseline_distribution(base)  # no raw values: bars over the bin ranges
    bar = from_summary.data[0]
    assert bar.type == "bar" and len(bar.x) == 5
    assert sum(h * w for h, w in zip(bar.y, bar.width, strict=True)) == pytest.approx(1.0)


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="window"):
        plots.bins_comparison({"edges": [1, 2, None], "aggregated_values": [0, 1, 0]}, {"score": 1})
    with pytest.raises(ValueError, match="baseline"):
        plots.stats_comparison(None, {"aggregated_values": []})


def test_compact_labels() -> None:
    from wallaroo_widgets.plots._common import bin_ranges, fmt, fmt_time
    assert [fmt(x) for x in (0.5, 999, 1234, 32069.4, 395_000, 1.49e6, 3e9, -4177.63)] == [
        "0.5", "999", "1.23K", "32.1K", "395K", "1.49M", "3B", "-4.18K"]
    assert bin_ranges({"edges": [32069.4, 395_000, 1.49e6, None]}) == [
        "< 32.1K", "[32.1K, 395K]", "(395K, 1.49M]", "> 1.49M"]
    # the suffix is picked after rounding: 999.7 -> 1.00e3 -> "1K", 999,600 -> "1M" (never "1e+03")
    assert [fmt(999.7), fmt(999_600), fmt(999.155), fmt(1000.824, 4)] == ["1K", "1M", "999", "1.001K"]
    assert fmt_time("2026-11-08T00:00:00.000000Z") == fmt_time(1_794_096_000_000) == "2026-11-08 00:00 UTC"
    assert fmt_time("not a time") == "not a time"


def test_bins_comparison_baseline_alone_and_empty_window(local) -> None:
    base, res = local
    fig = plots.bins_comparison(base, base)
    assert len(fig.data) == 1 and fig.layout.title.text == "Baseline (5 bins, Density)"
    empty = plots.bins_comparison(base, res[5])  # NoData window
    assert "PSI=n/a (no data)" in empty.layout.title.text and "NoData" in empty.layout.title.text


def test_textbook_psi_is_labelled() -> None:
    base = drift.summarize(np.arange(1, 11.0), SUMM)
    ms = np.arange(10) + T0.value // 1_000_000
    kw = {"start": T0, "width": "1 minute", "until": T0 + pd.Timedelta(minutes=1)}
    [wall] = drift.score_windows(ms, np.arange(3, 13.0), base, SUMM, **kw)
    [text] = drift.score_windows(ms, np.arange(3, 13.0), base, SUMM, textbook_psi=True, **kw)
    assert "psi_variant" not in wall and text["psi_variant"] == "textbook"
    assert text["score"] > wall["score"]
    assert "textbook PSI" in plots.bins_comparison(base, text).layout.title.text
    assert "textbook" not in plots.bins_comparison(base, wall).layout.title.text
    assert "textbook PSI" in plots.score_timeline([text]).layout.title.text


def test_bin_labels_stay_distinct_at_common_magnitudes() -> None:
    """Edges of a normal(1000, 1) baseline: 3 digits would print (999, 1K], (1K, 1K], (1K, 1K]; 4 digits
    tell every neighbour apart. Hover keeps ≥ 6 significant digits."""
    from wallaroo_widgets.plots._common import bin_ranges

    summary = {"edges": [996.451, 999.155, 999.718, 1000.224, 1000.824, 1003.932, None],
               "edge_names": ["left_outlier", "q_20", "q_40", "q_60", "q_80", "q_100", "right_outlier"],
               "aggregated_values": [0, .2, .2, .2, .2, .2, 0], "count": 5}
    assert bin_ranges(summary) == ["< 996.5", "[996.5, 999.2]", "(999.2, 999.7]", "(999.7, 1K]",
                                   "(1K, 1.001K]", "(1.001K, 1.004K]", "> 1.004K"]
    assert bin_ranges(summary, precise=True) == [
        "< 996.451", "[996.451, 999.155]", "(999.155, 999.718]", "(999.718, 1000.22]", "(1000.22, 1000.82]",
        "(1000.82, 1003.93]", "> 1003.93"]
    # tied edges may print alike (they are equal); 1 + 1e-15 needs 16 digits to differ from 1
    assert bin_ranges({"edges": [1.0, 1.0, 1 + 1e-15, None]}) == ["< 1", "[1, 1]", "(1, 1.000000000000001]",
                                                                  "> 1.000000000000001"]
    fig = plots.bins_comparison(summary, summary)
    assert fig.data[0].x[3] == "q_60<br>(999.7, 1K]" and fig.data[0].customdata[3] == "(999.718, 1000.22]"


def test_baseline_distribution_from_summaries_and_shared_bins() -> None:
    """B = 1..10, 5 quantile bins: edges [1, 2, 4, 6, 8, 10], shares .2 each -> density .2 / 1 for [1, 2]
    and .2 / 2 = .1 for the width-2 bins, whether the summary is Density or Cumulative."""
    vals = np.arange(1, 11.0)
    dens = plots.baseline_distribution(drift.summarize(vals, SUMM))
    cum = plots.baseline_distribution(drift.summarize(vals, {**SUMM, "aggregation": "Cumulative"}))
    for fig in (dens, cum):
        assert list(fig.data[0].y) == pytest.approx([0.2, 0.1, 0.1, 0.1, 0.1])
        assert list(fig.data[0].width) == [1, 2, 2, 2, 2]
        assert fig.layout.yaxis.title.text == "density (share of values per unit)"
        assert "outlier bins 0.0%" in fig.layout.title.text
    edges = plots.baseline_distribution(drift.summarize(vals, {**SUMM, "aggregation": "Edges"}))
    assert len(edges.data[0].y or ()) == 0 and len([s for s in edges.layout.shapes if s.type == "line"]) == 6
    assert any("holds edge positions, not bin shares" in a.text for a in edges.layout.annotations)
    # raw values: baseline and window histograms share one set of bins spanning both (1..30 in 60 bins of 29/60)
    fig = plots.baseline_distribution(drift.summarize(vals, SUMM), vals, np.arange(20, 31.0), nbins=60)
    b, w = fig.data
    assert b.xbins.start == w.xbins.start == 1.0 and b.xbins.size == w.xbins.size == pytest.approx(29 / 60, rel=1e-8)
    assert b.xbins.end == w.xbins.end >= 30.0
    assert fig.layout.yaxis.title.text == "share of values per histogram bin" and b.histnorm == "probability"


def _one_window(summ: dict) -> tuple[dict, dict]:
    """B = 1..10 vs W = 3..12 (assay-math §10.4), one 1-minute window."""
    base = drift.summarize(np.arange(1, 11.0), summ)
    [res] = drift.score_windows(np.arange(10) + T0.value // 1_000_000, np.arange(3, 13.0), base, summ,
                                start=T0, width="1 minute", until=T0 + pd.Timedelta(minutes=1))
    return base, res


def test_bin_contributions_maxdiff_puts_the_score_on_bin_index() -> None:
    """MaxDiff §10.4: |Δ| = [0, .2, 0, 0, 0, 0, .2], score = max = .2 at bin_index 1 (first of the tie), so
    bin 1 carries the whole score (not 50/50 with the right outlier bin)."""
    _, res = _one_window({"num_bins": 5, "metric": "MaxDiff"})
    assert res["scores"] == pytest.approx([0, .2, 0, 0, 0, 0, .2]) and res["bin_index"] == 1
    fig = plots.bin_contributions(res)
    assert list(fig.data[0].y) == [0, 100, 0, 0, 0, 0, 0]
    # named after the baseline's bins (q_20 …), as bins_comparison and compare_windows, not the window's e_…
    assert fig.layout.title.text == ("Bin contributions (MaxDiff: the score is bin q_20's difference alone; "
                                     "outlier bins: 0.0% of the score)")
    assert drift.outlier_share(res) == 0.0
    assert drift.outlier_share({**res, "bin_index": 6}) == 1.0


def test_edges_aggregation_has_no_outlier_bins() -> None:
    _, res = _one_window({"num_bins": 5, "aggregation": "Edges"})
    assert drift.outlier_share(res) is None
    fig = plots.bin_contributions(res)
    assert list(fig.data[0].x) == ["e0", "e1", "e2", "e3", "e4", "e5"]
    assert list(fig.data[0].marker.pattern.shape) == [""] * 6 and "no outlier bins" in fig.layout.title.text
    ms = np.arange(10) + T0.value // 1_000_000
    sc = drift.WindowScorer(ms, np.arange(3, 13.0), start=T0, width="1 minute", until=T0 + pd.Timedelta(minutes=1),
                            baseline_values=np.arange(1, 11.0))
    assert np.isnan(sc.score({"num_bins": 5, "aggregation": "Edges"}).outlier_share).all()
    assert sc.score({"num_bins": 5, "metric": "MaxDiff"}).outlier_share.tolist() == [0.0]


def test_bins_comparison_scores_a_bare_summary_with_a_summarizer() -> None:
    """§10.4 PSI: scores [0, .7193…, 0, 0, 0, 0, .7193…], score 1.4386629871044352."""
    base, res = _one_window({"num_bins": 5})
    fig = plots.bins_comparison(base, res["window_summary"], summarizer={"num_bins": 5})
    assert list(fig.data[1].text) == ["0.0000", "0.7193", "0.0000", "0.0000", "0.0000", "0.0000", "0.7193"]
    assert fig.layout.title.text.startswith("5 Quantile Density · PSI=1.439")
    mx = plots.bins_comparison(base, res["window_summary"], summarizer={"num_bins": 5, "metric": "MaxDiff"})
    assert "MaxDiff=0.200" in mx.layout.title.text and "bin#=1" in mx.layout.title.text
    assert plots.bins_comparison(base, res["window_summary"]).data[1].text is None  # no summarizer: no scores


def test_v2_native_labels_are_not_outlier_bins() -> None:
    """V2 (assay-math §11): n bins, right edges with the last "INFINITY", bin 0 = (−∞, e0]; "< 20%" is the
    first quantile bin, not an outlier bin."""
    labels = ["< 20%", "20% - 40%", "40% - 60%", "60% - 80%", "> 80%"]
    base = {"edges": [0.2, 0.4, 0.6, 0.8, "INFINITY"], "labels": labels, "aggregated_values": [0.2] * 5, "count": 5}
    win = {**base, "aggregated_values": [1.0, 0, 0, 0, 0], "count": 256}
    fig = plots.bins_comparison(base, win)
    assert list(fig.data[0].x) == ["< 20%<br>≤ 0.2", "20% - 40%<br>(0.2, 0.4]", "40% - 60%<br>(0.4, 0.6]",
                                   "60% - 80%<br>(0.6, 0.8]", "> 80%<br>> 0.8"]
    assert list(fig.data[0].marker.pattern.shape) == [""] * 5 == list(fig.data[1].marker.pattern.shape)
    result = {"window_summary": win, "scores": [1.2875503299472804] + [0.7193314935522176] * 4,
              "score": 4.1648763041561505, "bin_index": None}
    contrib = plots.bin_contributions(result)
    assert contrib.layout.title.text == "Bin contributions (no outlier bins in this layout)"
    assert list(contrib.data[0].marker.color) == ["slategray"] * 5


def test_thirty_bins_short_slanted_ticks() -> None:
    """30 bins: ticks are the edge names alone (no two-line name<br>range), slanted -45°; ranges in the hover."""
    from wallaroo_widgets.plots.bins import MANY_BINS

    summ = {"num_bins": 30}
    vals = np.random.default_rng(3).normal(size=3000)
    with pytest.warns(drift.DriftWarning, match="num_bins=30 is outside the recommended range"):
        base = drift.summarize(vals[:2000], summ)
        [res] = drift.score_windows(np.arange(1000) + T0.value // 1_000_000, vals[2000:] + 0.5, base, summ,
                                    start=T0, width="1 minute", until=T0 + pd.Timedelta(minutes=1))
        figs = (plots.bins_comparison(base, res), plots.bin_contributions(res), plots.compare_windows(base, res))
    n = len(base["aggregated_values"])
    assert n == 32 > MANY_BINS
    for fig in figs:
        bar = fig.data[-1]
        assert len(bar.x) == n and not any("<br>" in t for t in bar.x)
        assert [t.rstrip(" ⚠") for t in bar.x] == base["edge_names"]
        assert bar.x[0].endswith("⚠") and bar.x[-1].endswith("⚠")
        assert fig.layout.xaxis.tickangle == -45 and fig.layout.xaxis.automargin
        ranges = [c if isinstance(c, str) else c[0] for c in bar.customdata]
        assert ranges[0].startswith("< ") and ranges[1].startswith("[") and ranges[-1].startswith("> ")
    few = plots.bins_comparison(*_one_window(SUMM))
    assert few.layout.xaxis.tickangle is None and "<br>" in few.data[0].x[1]
