"""Plotly FigureWidget helpers: copy a freshly built figure into a live widget in place (no re-creation)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import traitlets

_SKIP = {"type", "uid"}


@cache
def _plotly_esm() -> str:
    """Plotly's own widget front end (its whole plotly.js bundle), read once."""
    return (Path(plotly.__file__).parent / "package_data" / "widgetbundle.js").read_text(encoding="utf-8")


class ChartWidget(go.FigureWidget):
    """A FigureWidget whose front end is ready at once: its ESM (plotly_widget.js) is tiny and imports plotly's
    bundle once per page, replaying edits sent meanwhile. Plotly's own ESM, 5 MB per chart, can miss anywidget's
    2 s window on a busy machine; such a chart never receives later updates (e.g. the results loaded into the
    Assays timeline stay blank)."""

    _esm = Path(__file__).with_name("plotly_widget.js")
    _plotly_esm = traitlets.Unicode().tag(sync=True)
    _plotly_version = traitlets.Unicode(plotly.__version__).tag(sync=True)

    @traitlets.default("_plotly_esm")
    def _default_plotly_esm(self) -> str:  # in the state the comm opens with: a later update could come too late
        return _plotly_esm()


def figure_widget(fig: go.Figure | None = None, height: int = 320) -> go.FigureWidget:
    """A FigureWidget (empty or from ``fig``) with a fixed height that fills the panel's width: Plotly
    autosize with no layout width, responsive to resizes. (Plotly 6+'s anywidget FigureWidget has no
    ipywidgets ``Layout``: its ``layout`` is Plotly's, so the width comes from the containing box.)"""
    w = ChartWidget(fig) if fig is not None else ChartWidget()
    w.update_layout(height=height, width=None, autosize=True, margin={"l": 50, "r": 20, "t": 60, "b": 40})
    w._config = {**(w._config or {}), "responsive": True}
    return w


def sync_figure(widget: go.FigureWidget, fig: go.Figure) -> None:
    """Make ``widget`` show ``fig``: traces of the same type are updated in place inside one
    ``batch_update`` (the trace objects stay the same, so the browser restyles instead of redrawing);
    surplus traces are hidden and emptied; missing ones are appended."""
    new = list(fig.data)
    old = list(widget.data)
    with widget.batch_update():
        for i, trace in enumerate(old):
            if i < len(new) and new[i].type == trace.type:
                props = {k: val for k, val in new[i].to_plotly_json().items() if k not in _SKIP}
                props.update({k: None for k in trace.to_plotly_json() if k not in props and k not in _SKIP})
                trace.update(props, overwrite=True)
                if "visible" not in props:
                    trace.visible = True
            elif i >= len(new):
                trace.update({"x": [], "y": [], "visible": False}) if hasattr(trace, "x") else None
        layout = fig.layout.to_plotly_json()
        layout.pop("template", None)
        layout.pop("height", None)
        layout.pop("width", None)  # the widget fills the panel width (autosize), whatever the figure says
        layout["autosize"] = True
        widget.layout.shapes = layout.pop("shapes", ())
        widget.layout.annotations = layout.pop("annotations", ())
        for axis in ("xaxis", "yaxis"):  # a placeholder's hidden axes / fixed range must not stick
            spec = dict(layout.get(axis) or {})
            spec.setdefault("visible", True)
            if "range" not in spec:
                spec.setdefault("autorange", True)
            layout[axis] = spec
        widget.update_layout(layout)
    mismatch = [i for i in range(min(len(old), len(new))) if new[i].type != old[i].type]
    if mismatch:  # a different chart kind: replace from the first mismatch (rare)
        first = mismatch[0]
        widget.data = widget.data[:first]
        widget.add_traces(new[first:])
    elif len(new) > len(old):
        widget.add_traces(new[len(old):])


def figures_in(widget: Any) -> list[go.FigureWidget]:
    """Every FigureWidget in ``widget`` and its ``children``, depth first."""
    if isinstance(widget, go.FigureWidget):
        return [widget]
    return [f for child in getattr(widget, "children", ()) or () for f in figures_in(child)]


def refit(widget: go.FigureWidget) -> None:
    """Make the browser re-measure the chart's width: a chart first drawn while hidden (a tab not shown yet)
    keeps the fallback width it got then, as Plotly.js only measures its box on a window resize or a relayout.
    Any relayout re-runs its autosize (``autosize`` is on), so this sends one that changes nothing visible:
    a counter in ``layout.meta``, a free-form field no chart here shows."""
    meta = widget.layout.meta
    count = meta.get("refit", 0) if isinstance(meta, dict) else 0
    widget.layout.meta = {**(meta if isinstance(meta, dict) else {}), "refit": count + 1}


def refit_all(widget: Any) -> int:
    """:func:`refit` every chart inside ``widget`` (call it when ``widget`` becomes visible) -> charts refit."""
    charts = figures_in(widget)
    for chart in charts:
        refit(chart)
    return len(charts)


def trace_ids(widget: go.FigureWidget) -> list[int]:
    """Python ids of the widget's trace objects (tests check they survive an update)."""
    return [id(t) for t in widget.data]


def empty_figure(title: str, message: str = "") -> go.Figure:
    """A placeholder figure with a centred note."""
    fig = go.Figure()
    fig.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False})
    if message:
        fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


__all__ = ["ChartWidget", "figure_widget", "sync_figure", "figures_in", "refit", "refit_all", "trace_ids", "empty_figure"]
