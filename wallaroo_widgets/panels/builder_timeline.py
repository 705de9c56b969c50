"""The assay builder's instrument charts: a timeline of the logs on which a box-select (a mouse drag) picks the
baseline range, and the "previous settings" overlay of the score timeline.

:class:`LogsTimeline` draws the logged values per time bucket (count bars and the bucket mean) with the baseline
range shaded; a Plotly selection on it (``on_selection``: the box's x range, else the selected buckets' span)
calls ``on_range(start, end)``, which the builder turns into the config's baseline start/end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .figures import figure_widget, sync_figure

#: bucket widths tried, smallest first: the first giving at most MAX_BUCKETS buckets is used
BUCKETS = ("1min", "5min", "15min", "1h", "3h", "6h", "12h", "1D", "7D")
MAX_BUCKETS = 400
BASELINE_COLOR = "rgba(31,119,180,0.15)"
PREVIOUS = "previous settings"


def bucket_of(span: pd.Timedelta) -> str:
    """The smallest bucket width that splits ``span`` into at most MAX_BUCKETS buckets."""
    return next((b for b in BUCKETS if span / pd.Timedelta(b) <= MAX_BUCKETS), BUCKETS[-1])


def logs_figure(times_ms: np.ndarray | None, values: np.ndarray | None, baseline: tuple[Any, Any] | None,
                iopath: str = "") -> go.Figure:
    """Count of logged values per bucket (bars, the drag target) and their mean (line), baseline shaded."""
    fig = go.Figure()
    # no hover events: the widget sends the last pointer event of a burst, and a hover right after the drag's
    # mouse-up would replace its selection before the kernel sees it
    fig.update_layout(title="Logs: drag across the timeline to pick the baseline", dragmode="select",
                      selectdirection="h", showlegend=False, bargap=0.05, hovermode=False,
                      yaxis={"title": "records"}, yaxis2={"title": iopath or "mean", "overlaying": "y",
                                                          "side": "right", "showgrid": False})
    if times_ms is None or not len(times_ms):
        fig.add_bar(x=[], y=[], name="records")
        fig.add_annotation(text="Load logs to see them here", showarrow=False, x=0.5, y=0.5, xref="paper",
                           yref="paper")
        return fig
    t = pd.to_datetime(np.asarray(times_ms, dtype="int64"), unit="ms", utc=True)
    frame = pd.DataFrame({"v": np.asarray(values, dtype=float)}, index=t)
    width = bucket_of(t[-1] - t[0])
    grouped = frame["v"].resample(width)
    counts, means = grouped.count(), grouped.mean()
    starts = counts.index + pd.Timedelta(width) / 2  # bar centres
    fig.add_bar(x=starts.tz_convert(None), y=counts.to_numpy(), name="records", width=pd.Timedelta(width) /
                pd.Timedelta("1ms") * 0.95, marker={"color": "#9ecae1"})
    fig.add_scatter(x=starts.tz_convert(None), y=means.to_numpy(), mode="lines", name="mean", yaxis="y2",
                    line={"color": "#08519c", "width": 1}, hoverinfo="skip")
    fig.update_layout(shapes=baseline_shapes(baseline))
    return fig


def baseline_shapes(baseline: tuple[Any, Any] | None) -> list[dict[str, Any]]:
    """The shaded baseline range (none when there is no date-range baseline)."""
    if not baseline or baseline[0] is None or baseline[1] is None:
        return []
    return [{"type": "rect", "xref": "x", "yref": "paper", "x0": _naive(baseline[0]), "x1": _naive(baseline[1]),
             "y0": 0, "y1": 1, "fillcolor": BASELINE_COLOR, "line": {"width": 0}, "layer": "below",
             "label": {"text": "baseline", "textposition": "top left"}}]


def _naive(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return (ts.tz_convert("UTC") if ts.tzinfo else ts).tz_localize(None)


def selected_range(points: Any, selector: Any) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The (start, end) in UTC a Plotly selection covers: the box's x range, else the selected points' span."""
    xs = list(getattr(selector, "xrange", None) or ()) if selector is not None else []
    if len(xs) != 2:
        xs = list(getattr(points, "xs", None) or ())
    if not xs:
        return None
    stamps = sorted(pd.Timestamp(x) for x in xs)
    start, end = stamps[0], stamps[-1]
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    end = end.tz_localize("UTC") if end.tzinfo is None else end.tz_convert("UTC")
    return (start, end) if end > start else None


class LogsTimeline:
    """The logs timeline FigureWidget; ``on_range(start, end)`` is called after a box-select."""

    def __init__(self, on_range: Callable[[pd.Timestamp, pd.Timestamp], Any]) -> None:
        self.on_range = on_range
        self.widget = figure_widget(logs_figure(None, None, None), height=230)
        self._wired: set[int] = set()
        self._wire()

    def show(self, times_ms: np.ndarray | None, values: np.ndarray | None, baseline: tuple[Any, Any] | None,
             iopath: str = "") -> None:
        """Draw these logs with the baseline shaded."""
        sync_figure(self.widget, logs_figure(times_ms, values, baseline, iopath))
        self._wire()

    def shade(self, baseline: tuple[Any, Any] | None) -> None:
        """Move the shaded baseline range only (the bars stay)."""
        self.widget.layout.shapes = baseline_shapes(baseline)

    def _wire(self) -> None:
        for trace in self.widget.data:
            if id(trace) not in self._wired:
                trace.on_selection(self._selected)
                self._wired.add(id(trace))

    def _selected(self, _trace: Any, points: Any, selector: Any) -> None:
        rng = selected_range(points, selector)
        if rng is not None:
            self.on_range(*rng)


def with_previous(fig: go.Figure, previous: list[dict[str, Any]] | None) -> go.Figure:
    """The score timeline ``fig`` with the previous settings' scores overlaid (a grey dashed line)."""
    if previous:
        fig.add_scatter(x=[r["window_start"] for r in previous], y=[r["score"] for r in previous],
                        mode="lines", name=PREVIOUS, line={"color": "#888", "dash": "dash", "width": 2},
                        hovertemplate="previous: %{y:.4f}<extra></extra>")
        fig.update_layout(showlegend=True)
    return fig
