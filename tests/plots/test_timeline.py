"""Score timeline: traces, colours, bands, hover, gaps, statuses, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from wallaroo_widgets import drift, plots

from .helpers import SUMM, T0, server_shape


def test_timeline_traces_colours_and_bands(local) -> None:
    _, res = local
    fig = plots.score_timeline(res)
    assert isinstance(fig, go.Figure)
    line, *markers = fig.data
    assert line.mode == "lines" and len(line.x) == 5
    assert [t.name for t in markers] == ["Ok", "Warning", "Alert", "NoData", "BaselineRun"]
    assert [t.marker.color for t in markers] == ["green", "orange", "red", "grey", "steelblue"]
    assert [len(t.x) for t in markers] == [3, 1, 1, 1, 0]
    assert markers[4].showlegend is False  # no BaselineRun result: not in the legend
    assert [c[0] for c in markers[2].customdata] == [3]  # index into results for click handlers
    assert markers[3].y == (0.0,)
    # a selected window is enlarged; the others keep their colours at 60 % opacity (not Plotly's 20 %)
    assert {(t.selected.marker.size, t.unselected.marker.opacity) for t in markers} == {(14, 0.6)}
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(r.y0, r.y1, r.fillcolor) for r in rects][0] == (0.05, 0.5, "orange")
    assert rects[1].y0 == 0.5 and rects[1].fillcolor == "red"
    assert {a.text for a in fig.layout.annotations} == {"warning 0.05", "alert 0.5"}
    # hover: both ends in one UTC format (not "%{x}", which plotly prints as "Jan 1, 2024, 01:00")
    assert "window n=" in markers[0].hovertemplate and "%{x}" not in markers[0].hovertemplate
    assert markers[0].customdata[0][1] == "2024-01-01 00:00 → 2024-01-01 01:00 UTC"
    assert markers[3].customdata[0][1] == "2024-01-01 05:00 → 2024-01-01 06:00 UTC"
    # a PSI result has no bin index: no "bin#=null" in the hover
    assert markers[0].customdata[0][4] is None and markers[0].customdata[0][6] == ""
    assert "bin#" not in markers[0].hovertemplate and "%{customdata[6]}" in markers[0].hovertemplate
    assert fig.layout.title.text == "Model Insights Score"


def test_timeline_server_dicts_and_explicit_thresholds(local) -> None:
    _, res = local
    served = [server_shape(r) for r in res if r["score"] is not None]
    fig = plots.score_timeline(served, warning_threshold=None, alert_threshold=0.25)
    assert [len(t.x) for t in fig.data[1:]] == [3, 1, 1, 0, 0]
    assert fig.layout.shapes[-1].y0 == 0.25


def test_timeline_720_windows_readable() -> None:
    rows = [{"window_start": (T0 + pd.Timedelta(hours=i)).isoformat(), "score": 0.01 * (i % 40),
             "status": drift.status(0.01 * (i % 40), 0.1, 0.25), "window_summary": {"count": 10}}
            for i in range(720)]
    fig = plots.score_timeline(rows, 0.1, 0.25)
    assert sum(len(t.x) for t in fig.data[1:]) == 720 and fig.data[1].marker.size == 5
    assert all(t.type == "scatter" for t in fig.data)
    big = plots.score_timeline(rows * 4, 0.1, 0.25)
    assert all(t.type == "scattergl" for t in big.data)


def test_timeline_from_window_scores() -> None:
    ms = np.arange(0, 3 * 3_600_000, 60_000) + T0.value // 1_000_000
    sc = drift.WindowScorer(ms, np.sin(np.arange(ms.size)), start=T0, width="1 hour",
                            until=T0 + pd.Timedelta(hours=3), baseline_values=np.sin(np.arange(500)))
    fig = plots.score_timeline(sc.score(SUMM, warning_threshold=0.1, alert_threshold=0.25))
    assert sum(len(t.x) for t in fig.data[1:]) == 3
    # the WindowScores' own thresholds draw the bands; hover has the window and baseline counts
    assert [(r.y0, r.fillcolor) for r in fig.layout.shapes if r.type == "rect"] == [(0.1, "orange"), (0.25, "red")]
    point = next(t for t in fig.data[1:] if len(t.x)).customdata[0]
    assert point[2] == 60 and point[3] == 500
    mx = sc.score({"num_bins": 5, "metric": "MaxDiff"}, textbook_psi=True)  # no PSI formula: not textbook
    fig = plots.score_timeline(mx)
    assert all(c[4] == int(mx.bin_index[c[0]]) for t in fig.data[1:] for c in t.customdata)
    assert all(c[6] == f" · bin#={c[4]}" for t in fig.data[1:] for c in t.customdata)
    assert "textbook" not in fig.layout.title.text
    assert "textbook PSI" in plots.score_timeline(sc.score(SUMM, textbook_psi=True)).layout.title.text


def test_timeline_from_results_frame(local) -> None:
    """A results DataFrame spells null scores and thresholds as NaN: no NaN bands, empty windows grey."""
    from wallaroo_widgets.api.frames import results_frame

    _, res = local
    rows = [{**r, "warning_threshold": None} for r in res]  # like a server result without a warning threshold
    df = results_frame(rows)
    assert np.isnan(df["warning_threshold"]).all() and np.isnan(df["score"].iloc[-1])
    fig = plots.score_timeline(df)
    # line over scored windows; Ok, Warning, Alert, NoData, BaselineRun
    assert [len(t.x) for t in fig.data] == [5, 3, 1, 1, 1, 0]
    rects = [r for r in fig.layout.shapes if r.type == "rect"]
    assert [(r.y0, r.fillcolor) for r in rects] == [(0.5, "red")]  # alert band only
    assert np.isfinite(fig.layout.yaxis.range[1])
    alert = fig.data[3].customdata[0]
    assert alert[1] == "2024-01-01 03:00 → 2024-01-01 04:00 UTC" and alert[2] == 60 and alert[3] == 10


def test_timeline_bad_input_names_the_parameter() -> None:
    row = {"window_start": T0.isoformat(), "score": 0.1, "status": "Ok"}
    with pytest.raises(ValueError, match="warning_threshold"):
        plots.score_timeline([row], warning_threshold="abc")
    with pytest.raises(ValueError, match="alert_threshold"):
        plots.score_timeline([row], alert_threshold=float("nan"))
    with pytest.raises(TypeError, match="results must be a list"):
        plots.score_timeline(5)
    with pytest.raises(TypeError, match="results must be a list"):
        plots.score_timeline({"score": 1})
    with pytest.raises(TypeError, match=r"results\[1\] must be an assay result dict, got str"):
        plots.score_timeline([row, "a"])
    assert len(plots.score_timeline(None).data[1].x) == 0  # None / [] still give an empty timeline


def test_timeline_baseline_run_has_its_own_trace() -> None:
    rows = [{"window_start": (T0 + pd.Timedelta(hours=h)).isoformat(), "score": s, "status": st}
            for h, s, st in ((0, 0.0, "BaselineRun"), (1, 0.1, "Ok"), (2, 0.3, "Alert"), (3, 0.2, "Mystery"))]
    fig = plots.score_timeline(rows)
    names = [t.name for t in fig.data[1:]]
    assert names == ["Ok", "Warning", "Alert", "NoData", "BaselineRun"]  # the first five keep their indices
    run = fig.data[5]
    assert run.marker.color == "steelblue" and [c[0] for c in run.customdata] == [0] and run.showlegend
    assert [c[0] for c in fig.data[3].customdata] == [2, 3]  # an unknown status is drawn as Alert (V1 SDK)


def test_timeline_line_breaks_at_missing_and_empty_windows() -> None:
    """Hourly results with hours 2-3 omitted (server: empty windows have no result) and hour 5 NoData."""
    hours = [0, 1, 4, 5, 6]
    rows = [{"window_start": (T0 + pd.Timedelta(hours=h)).isoformat(), "score": None if h == 5 else 0.1 * h,
             "status": "NoData" if h == 5 else "Ok"} for h in hours]
    line = plots.score_timeline(rows).data[0]
    assert list(line.y) == [0.0, 0.1, None, 0.4, None, pytest.approx(0.6)]
    assert list(line.x) == [rows[0]["window_start"], rows[1]["window_start"], None, rows[2]["window_start"], None,
                            rows[4]["window_start"]]
    # contiguous results: no break (the panels compare data[0].y with the scores)
    full = [{**r, "score": 0.1, "status": "Ok", "window_start": (T0 + pd.Timedelta(hours=i)).isoformat()}
            for i, r in enumerate(rows)]
    assert list(plots.score_timeline(full).data[0].y) == [0.1] * 5


def test_fmt_span_one_utc_format() -> None:
    from wallaroo_widgets.plots._common import fmt_span

    assert fmt_span("2026-11-05T06:00:00+00:00", "2026-11-06T06:00:00.000000Z") == \
        "2026-11-05 06:00 → 2026-11-06 06:00 UTC"
    assert fmt_span("2026-11-05T07:00:00+01:00", None) == "2026-11-05 06:00 UTC"  # converted to UTC
    assert fmt_span("2026-11-05T06:00:00", "2026-11-05T06:00:30Z") == "2026-11-05 06:00:00 → 2026-11-05 06:00:30 UTC"
    assert fmt_span("soon", "") == "soon"


def _label_px(a, y0: float, y1: float, plot_h: float) -> tuple[float, float]:
    """A threshold label's vertical pixel span (from the plot area's bottom) for that y range and height."""
    from wallaroo_widgets.plots.timeline import LABEL_PX

    px = (a.y - y0) / (y1 - y0) * plot_h + (a.yshift or 0)
    return {"bottom": (px, px + LABEL_PX), "top": (px - LABEL_PX, px),
            "middle": (px - LABEL_PX / 2, px + LABEL_PX / 2)}[a.yanchor]


@pytest.mark.parametrize(("warn", "alert", "peak"), [(0.1, 0.25, 0.3), (0.1, 0.25, 2.5), (0.1, 0.25, 0.26),
                                                     (0.1, 0.11, 0.3), (0.001, 0.002, 2.0), (0.0, 0.01, 0.5),
                                                     (None, 0.001, 1.0), (0.3, None, 0.2), (0.25, 0.1, 0.3)])
def test_timeline_threshold_labels_never_overlap(warn, alert, peak) -> None:
    """Labels sit in the right margin (outside the plot area, so never over a marker, the last one at the
    right edge included) and, in pixel space for the Assays tab's 320 px figure and Plotly's default 450 px,
    at least a label height apart, each on its own line's side (warning under, alert over)."""
    from wallaroo_widgets.plots.timeline import CHAR_PX

    rows = [{"window_start": (T0 + pd.Timedelta(hours=h)).isoformat(), "score": peak * h / 3, "status": "Ok"}
            for h in range(4)]
    fig = plots.score_timeline(rows, warn, alert)
    y0, y1 = fig.layout.yaxis.range
    labels = {a.text.split()[0]: a for a in fig.layout.annotations}
    assert set(labels) == {k for k, v in (("warning", warn), ("alert", alert)) if v is not None}
    for a in labels.values():  # left edge at/after the plot area's right edge (paper x=1), text fits the margin
        assert (a.x, a.xref, a.xanchor, a.yref, a.showarrow) == (1, "paper", "left", "y", False)
        assert a.xshift >= 0 and fig.layout.margin.r >= a.xshift + CHAR_PX * len(a.text)
    for height, top_m, bottom_m in ((320, 60, 40), (450, 100, 80)):
        spans = {k: _label_px(a, y0, y1, height - top_m - bottom_m) for k, a in labels.items()}
        if len(spans) == 2:
            (lo, lo_span), (hi, hi_span) = sorted(spans.items(), key=lambda kv: kv[1][0])
            assert hi_span[0] >= lo_span[1] - 1e-9, (height, spans)  # centres >= one label height apart
        for k, (a_lo, a_hi) in spans.items():  # each label on its own side of its line, touching it
            line = (labels[k].y - y0) / (y1 - y0) * (height - top_m - bottom_m)
            assert line in (a_lo, a_hi)
    if warn is not None and alert is not None and warn < alert:
        assert labels["warning"].yanchor == "top" and labels["alert"].yanchor == "bottom"
    assert all(a.y == t for a, t in ((labels.get("warning"), warn), (labels.get("alert"), alert)) if a)
