"""The assay panels' figures: thin adapters over :mod:`wallaroo_widgets.plots` that also cover the
"nothing selected yet" states with a placeholder, and click-to-select wiring for the score timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import plots
from .figures import empty_figure


def timeline_figure(results: list[dict[str, Any]], warning: float | None, alert: float | None,
                    title: str = "Model Insights Score") -> go.Figure:
    """Score per window (plots.score_timeline: line + one marker trace per status, threshold bands)."""
    return plots.score_timeline(list(results or []), warning, alert, title=title)


def bins_figure(baseline: dict[str, Any] | None, result: dict[str, Any] | None) -> go.Figure:
    """Baseline vs one window's bins (plots.bins_comparison); the baseline alone when no window."""
    if not baseline:
        return empty_figure("Baseline vs window", "no baseline yet")
    return plots.bins_comparison(baseline, result if result else baseline)


def contribution_figure(result: dict[str, Any] | None) -> go.Figure:
    """Per-bin share of one window's score (plots.bin_contributions)."""
    if not result or not result.get("scores"):
        return empty_figure("Bin contributions", "select a window")
    return plots.bin_contributions(result)


def baseline_figure(baseline: dict[str, Any] | None, values: Any = None) -> go.Figure:
    """Preview histogram of the baseline values with its edges (plots.baseline_distribution)."""
    if not baseline:
        return empty_figure("Baseline distribution", "pick a baseline")
    return plots.baseline_distribution(baseline, values)


def stats_table(baseline: dict[str, Any] | None, window: dict[str, Any] | None) -> pd.DataFrame:
    """count/min/max/mean/median/std of baseline vs window with diff and pct_diff (plots.stats_frame)."""
    if not baseline or not window:
        return pd.DataFrame(columns=["stat", "Baseline", "Window", "diff", "pct_diff"])
    return plots.stats_frame(baseline, window).rename_axis("stat").reset_index()


def on_point_click(widget: go.FigureWidget, handler: Callable[[int], Any]) -> None:
    """Call ``handler(result index)`` when a timeline marker is clicked (customdata[0] = index); traces
    added later get the handler on the next call."""
    for trace in widget.data:
        if getattr(trace, "_ww_click", False) or trace.mode != "markers":
            continue

        def clicked(tr: Any, points: Any, _state: Any) -> None:
            if points.point_inds:
                handler(int(tr.customdata[points.point_inds[0]][0]))

        trace.on_click(clicked)
        trace._ww_click = True
