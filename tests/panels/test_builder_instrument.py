"""The assay builder as an instrument (issue 16 §3), without a server: a box-select on the logs timeline sets the
baseline (the selection message a browser sends, through the FigureWidget's own trait), date-time pickers,
the bins slider, window-width presets and the "compare with the previous settings" overlay; the knobs are
traits of ``builder.config`` linked both ways to the widgets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wallaroo_widgets.panels.builder import AssayBuilder
from wallaroo_widgets.panels.builder_timeline import PREVIOUS, selected_range

from .helpers import T0
from .test_builder import expected


def scores(b: AssayBuilder) -> list[float]:
    return [float(y) for y in b.timeline.data[0].y]


def drag(fig, x0: str, x1: str) -> None:
    """What the browser sends after a box-select from x0 to x1 (plotly.js 'plotly_selected', date strings)."""
    bars = fig.data[0]
    xs = [pd.Timestamp(x) for x in bars.x]
    inside = [i for i, x in enumerate(xs) if pd.Timestamp(x0) <= x <= pd.Timestamp(x1)]
    fig._js2py_pointsCallback = {
        "event_type": "plotly_selected",
        "points": {"xs": [str(xs[i]) for i in inside], "ys": [bars.y[i] for i in inside],
                   "point_indexes": inside, "trace_indexes": [0] * len(inside)},
        "selector": {"type": "box", "selector_state": {"xrange": [x0, x1], "yrange": [0, 100]}},
    }


def test_a_drag_on_the_logs_timeline_sets_the_baseline_and_rescores(builder):
    fig = builder.logs_timeline.widget
    assert fig.layout.dragmode == "select" and len(fig.data[0].x) == 288  # 15-minute buckets over 72 h
    assert sum(fig.data[0].y) == len(builder.model.logs)
    before_scores, computed = scores(builder), builder.model.stats["results_computed"]
    drag(fig, "2024-03-01 06:00:00", "2024-03-01 18:00:00")  # naive = UTC, as plotly.js sends dates
    start, end = T0 + pd.Timedelta(hours=6), T0 + pd.Timedelta(hours=18)
    assert (builder.config.baseline_start, builder.config.baseline_end) == (start, end)
    assert pd.Timestamp(builder.baseline_start.value) == start and pd.Timestamp(builder.baseline_end.value) == end
    # the pickers show the dragged UTC times as UTC wall times (naive: the browser shows them as they are)
    assert builder.pickers["baseline_start"].value == dt.datetime(2024, 3, 1, 6)
    assert builder.pickers["baseline_end"].get_state()["value"] == {
        "year": 2024, "month": 2, "date": 1, "hours": 18, "minutes": 0, "seconds": 0, "milliseconds": 0}
    assert builder.model.stats["results_computed"] == computed + 1 and builder.error == ""
    want = expected(builder.model.logs, baseline=(start, end), width="6 hours")
    assert scores(builder) == [r["score"] for r in want] != before_scores
    shade = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(shade) == 1 and pd.Timestamp(shade[0].x0) == start.tz_localize(None)
    assert builder.model.baseline()["count"] == int(sum(
        y for x, y in zip(fig.data[0].x, fig.data[0].y, strict=True) if start.tz_localize(None) <= pd.Timestamp(x)
        < end.tz_localize(None)))  # buckets centred inside the hours: exactly the baseline's records
    drag(fig, "2024-03-01 06:00:00", "2024-03-01 06:00:00")  # a click, no range: nothing changes
    assert builder.config.baseline_end == end


def test_selected_range_reads_the_box_else_the_points():
    from plotly.callbacks import BoxSelector, Points

    box = BoxSelector(xrange=["2024-03-02 00:00", "2024-03-01 12:00"], yrange=[0, 1])
    assert selected_range(Points(), box) == (T0 + pd.Timedelta(hours=12), T0 + pd.Timedelta(hours=24))
    lasso_points = Points(point_inds=[1, 2], xs=["2024-03-01 03:30", "2024-03-01 01:30"], ys=[1, 1])
    assert selected_range(lasso_points, None) == (T0 + pd.Timedelta(hours=1.5), T0 + pd.Timedelta(hours=3.5))
    assert selected_range(Points(), None) is None


def test_date_time_pickers_and_text_are_one_knob(builder):
    picker = builder.pickers["baseline_end"]
    assert picker.value == dt.datetime(2024, 3, 2)  # UTC wall time, naive
    picker.value = dt.datetime(2024, 3, 1, 12)
    assert pd.Timestamp(builder.baseline_end.value) == T0 + pd.Timedelta(hours=12) and builder.error == ""
    want = expected(builder.model.logs, baseline=(T0, T0 + pd.Timedelta(hours=12)), width="6 hours")
    assert scores(builder) == [r["score"] for r in want]
    builder.window_start.value = "garbage"  # a bad text leaves the picker empty and shows the error inline
    assert builder.pickers["window_start"].value is None and "Window start 'garbage'" in builder.error
    builder.window_start.value = ""
    assert builder.error == ""


def test_bins_slider_and_width_presets(builder):
    builder.bins_slider.value = 8
    assert builder.num_bins.value == 8 == builder.config.num_bins
    want = expected(builder.model.logs, baseline=(T0, T0 + pd.Timedelta(hours=24)), width="6 hours", num_bins=8)
    assert scores(builder) == [r["score"] for r in want]
    builder.num_bins.value = 10
    assert builder.bins_slider.value == 10
    day = next(b for b in builder.width_presets if b.description == "1 day")
    day.click()
    assert builder.width.value == "24 hours" == builder.config.width
    want = expected(builder.model.logs, baseline=(T0, T0 + pd.Timedelta(hours=24)), num_bins=10)
    assert scores(builder) == [r["score"] for r in want] and len(want) == 2
    next(b for b in builder.width_presets if b.description == "1 hour").click()
    assert builder.error == "" and len(scores(builder)) == 48


def test_compare_overlays_the_previous_settings(builder):
    first = scores(builder)
    builder.num_bins.value = 8
    second = scores(builder)
    assert not [t for t in builder.timeline.data if t.name == PREVIOUS and t.visible is not False]
    builder.compare.value = True
    overlay = next(t for t in builder.timeline.data if t.name == PREVIOUS)
    assert list(overlay.y) == first and overlay.visible is not False and scores(builder) == second
    builder.metric.value = "MaxDiff"  # each change: the overlay is the settings just before it
    assert list(next(t for t in builder.timeline.data if t.name == PREVIOUS).y) == second
    builder.compare.value = False
    assert not [t for t in builder.timeline.data if t.name == PREVIOUS and t.visible is not False]


def test_config_traits_drive_the_widgets_too(builder):
    c = builder.config
    c.alert_threshold = "0.5"
    assert builder.alert_threshold.value == "0.5"
    c.warning_threshold = 0.1  # a number from Python shows as text
    assert builder.warning_threshold.value == "0.1" and builder.model.thresholds() == (0.1, 0.5)
    c.bin_weights = [1, 1, 1, 1, 1, 1, 1]
    assert builder.weights.value == "1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0" and builder.error == ""
    builder.weights.value = "1, 2"  # bad text: an inline error on the next score, no exception
    assert "Weights need 7 values" in builder.error
    assert np.isfinite(scores(builder)).all()


def test_pickers_show_and_take_utc_whatever_the_time_zone(builder):
    """Every picker is labelled UTC and holds the UTC wall time as a naive value (a browser in any time zone shows
    it as it is); what a user types there is that UTC instant, and a time typed with an offset shows in UTC."""
    pickers = [*builder.pickers.values(), *builder.logs_pickers]
    assert len(pickers) == 6 and {p.description for p in pickers} == {"UTC"}
    assert all(type(p).__name__ == "NaiveDatetimePicker" for p in pickers)
    picker = builder.pickers["baseline_start"]
    # what the browser sends when a user types 2024-03-01 05:30 into the picker
    picker.set_state({"value": {"year": 2024, "month": 2, "date": 1, "hours": 5, "minutes": 30, "seconds": 0,
                                "milliseconds": 0}})
    assert builder.config.baseline_start == pd.Timestamp("2024-03-01T05:30:00Z")
    assert builder.baseline_start.value == "2024-03-01T05:30:00+00:00" and builder.error == ""
    want = expected(builder.model.logs, baseline=(T0 + pd.Timedelta(minutes=330), T0 + pd.Timedelta(hours=24)),
                    width="6 hours")
    assert scores(builder) == [r["score"] for r in want]
    builder.baseline_start.value = "2024-03-01T09:00:00+05:30"  # typed with an offset: 03:30 UTC
    assert picker.value == dt.datetime(2024, 3, 1, 3, 30)
    assert builder.config.baseline_start == "2024-03-01T09:00:00+05:30"  # kept as typed, scored as that instant
    builder.config.window_start = dt.datetime(2024, 3, 1, 20, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert builder.pickers["window_start"].value == dt.datetime(2024, 3, 2, 1)
    builder.baseline_start.value = "2024-03-01 04:00"  # naive text is UTC, as everywhere
    assert picker.value == dt.datetime(2024, 3, 1, 4)
    picker.value = None  # a cleared picker: no baseline start (an inline error, no exception)
    assert builder.config.baseline_start is None and builder.baseline_start.value == "" and builder.error
    logs_from = builder.logs_pickers[0]
    logs_from.value = dt.datetime(2024, 3, 1, 12)
    assert builder.logs_start.value == "2024-03-01T12:00:00+00:00"
    builder.logs_end.value = "2024-03-02T00:00:00-08:00"
    assert builder.logs_pickers[1].value == dt.datetime(2024, 3, 2, 8)
