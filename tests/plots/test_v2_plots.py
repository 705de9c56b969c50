"""Every figure takes Assays V2 results, previews and summaries (typed or JSON), per iopath, with V2 labels
and each iopath's own thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import plots
from wallaroo_widgets.drift import v2

T0 = pd.Timestamp("2025-01-01T00:00:00Z")
SUMM = v2.UnivariateContinuous()
ORIGIN = v2.DataOrigin(1, "p", 2, "w")
TARGETING = v2.Targeting(ORIGIN, (v2.DataPath("out.variable", (0,), v2.Thresholds(0.05, 0.5)),
                                  v2.DataPath("out.other", None, v2.Thresholds(None, 5.0))))


@pytest.fixture(scope="module")
def run():
    """Baseline 1..100 (both iopaths); four hourly windows: same data (Ok), shifted up (Alert on out.variable.0),
    10 % moved from the fourth bin to the fifth (Warning), none (no result)."""
    base = v2.summarize(np.arange(1.0, 101.0), v2.BinMode.quantile(5), name="out.variable.0")
    wins = v2.grid(T0, pd.Timedelta(hours=1), pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=4))
    hours = [np.arange(1.0, 101.0), np.arange(1.0, 101.0) + 60, np.r_[np.arange(1.0, 71.0), np.full(30, 95.0)]]
    times = np.concatenate([T0.value // 1_000_000 + h * 3_600_000 + 1000 + np.arange(100) for h in range(3)])
    vals = np.concatenate(hours)
    batches = {key: v2.score_windows(times, vals, base, wins, SUMM, p.thresholds)
               for key, p in zip(TARGETING.keys, TARGETING.iopath, strict=True)}
    outcomes = v2.combine(batches)
    results = [o.result(assay_id="00000000-0000-0000-0000-000000000001", pipeline_id=1, workspace_id=2,
                        workspace_name="w", thresholds=TARGETING.iopath[0].thresholds, id=i)
               for i, o in enumerate(outcomes)]
    previews = [o.preview(assay_id="00000000-0000-0000-0000-000000000002", pipeline_id=1, workspace_id=2,
                          workspace_name="w") for o in outcomes]
    return base, batches, results, previews


def _statuses(fig) -> dict[str, int]:
    return {t.name: len(t.x) for t in fig.data[1:] if t.x is not None and len(t.x)}


def test_timeline_per_iopath_thresholds(run) -> None:
    base, batches, results, previews = run
    scores = [r.scores["out.variable.0"].score for r in results]
    want = [v2.status(s, TARGETING.iopath[0].thresholds) for s in scores]
    assert want[0] == "Ok" and "Alert" in want and "Warning" in want
    for given in (results, [r.to_api() for r in results], previews, [p.to_api() for p in previews]):
        fig = plots.score_timeline(given, targeting=TARGETING)
        assert fig.layout.title.text == "Assays V2 Score · out.variable.0"
        assert _statuses(fig) == {s: want.count(s) for s in set(want)}
        assert {round(s.y0, 6) for s in fig.layout.shapes if s.type == "line"} == {0.05, 0.5}
    other = plots.score_timeline(results, iopath="out.other", targeting=TARGETING)
    assert _statuses(other) == {"Ok": 3}  # same scores, alert 5.0 for this iopath
    assert {round(s.y0, 6) for s in other.layout.shapes if s.type == "line"} == {5.0}
    arrays = plots.score_timeline(batches["out.variable.0"])  # WindowScoresV2: its own thresholds, NoData hour
    assert _statuses(arrays) == {**{s: want.count(s) for s in set(want)}, "NoData": 1}


def test_bins_comparison_with_v2_labels(run) -> None:
    base, _, results, previews = run
    r = results[1]
    fig = plots.bins_comparison(base, r, summarizer=SUMM, targeting=TARGETING)
    b, w = fig.data
    assert [t.split("<br>")[0] for t in b.x] == ["< 20%", "20% - 40%", "40% - 60%", "60% - 80%", "> 80%"]
    assert b.x[0].endswith("≤ 20.8") and b.x[-1].endswith("> 80.2")
    assert list(b.marker.pattern.shape) == [""] * 5  # V2 Quantile: no outlier bins
    sd = r.scores["out.variable.0"]
    assert list(w.y) == list(r.summaries["out.variable.0"].aggregated_values)
    assert list(w.text) == [f"{s:.4f}" for s in sd.scores]
    title = fig.layout.title.text
    assert "5 Quantile Density" in title and f"PSI={sd.score:.3f}" in title and "Alert" in title
    assert b.name == "Baseline (100)" and w.name == "Window (100)"
    same = plots.bins_comparison(base.to_api(), previews[1].to_api(), summarizer=SUMM)  # JSON preview
    assert list(same.data[1].y) == list(w.y) and same.data[0].x == b.x
    with pytest.raises(ValueError, match="no summary"):
        plots.bins_comparison(base, {**r.to_api(), "scores": {"out.variable.0": "boom"}, "summaries": {}})


def test_equal_bins_are_hatched_at_the_ends() -> None:
    base = v2.summarize(np.arange(1.0, 11.0), v2.BinMode.equal(3))
    win = v2.summarize_window(np.arange(3.0, 13.0), base)
    fig = plots.bins_comparison(base, win, summarizer=v2.UnivariateContinuous(v2.BinMode.equal(3)))
    assert [t.split("<br>")[0] for t in fig.data[0].x] == ["< 1.00e0 ⚠", "1.00e0 - 4.00e0", "4.00e0 - 7.00e0",
                                                           "7.00e0 - 1.00e1", "> 1.00e1 ⚠"]
    assert list(fig.data[0].marker.pattern.shape) == ["/", "", "", "", "/"]
    assert fig.data[1].text is not None and "PSI=" in fig.layout.title.text


def test_bin_contributions_stats_and_compare(run) -> None:
    base, _, results, previews = run
    r = results[2]
    sd = r.scores["out.variable.0"]
    fig = plots.bin_contributions(r, baseline=base, summarizer=SUMM)
    assert list(fig.data[0].y) == pytest.approx([100 * s / sum(sd.scores) for s in sd.scores])
    assert "no outlier bins" in fig.layout.title.text and fig.data[0].x[0].startswith("< 20%")
    df = plots.stats_frame(base, r.to_api())
    st = r.summaries["out.variable.0"].statistics
    assert df.loc["mean", "Window"] == st.mean and df.loc["count", "Baseline"] == 100
    assert "Basic stats" in plots.stats_comparison(base, previews[2]).layout.title.text
    cmp = plots.compare_windows(previews[0], previews[2], summarizer=SUMM)
    want = v2.score(previews[0].summaries["out.variable.0"], previews[2].summaries["out.variable.0"], SUMM)
    assert list(cmp.data[1].text) == [f"{s:.4f}" for s in want.scores]
    assert f"PSI={want.score:.3f}" in cmp.layout.title.text
    plain = plots.compare_windows(base, r, iopath="out.other")
    assert plain.data[1].text is None and list(plain.data[1].y) == list(r.summaries["out.other"].aggregated_values)


def test_baseline_distribution_of_a_v2_baseline(run) -> None:
    base, _, _, _ = run
    fig = plots.baseline_distribution(base)
    [bars] = fig.data
    widths = np.diff(base.bins.finite_edges)
    assert list(bars.width) == pytest.approx(widths.tolist())  # the three bounded bins (20%-80%)
    assert list(bars.y) == pytest.approx([0.2 / w for w in widths])
    assert [a.text for a in fig.layout.annotations] == ["e0", "e1", "e2", "e3"]
    assert fig.layout.title.text == "Baseline distribution (5 bins; tails (≤ e0, > last edge) 40.0%)"
    eq = plots.baseline_distribution(v2.summarize(np.arange(1.0, 11.0), v2.BinMode.equal(3)).to_api())
    assert "(5 bins; outlier bins 0.0%)" in eq.layout.title.text
