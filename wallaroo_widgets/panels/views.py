"""Figures for the assay panels with a fixed trace layout (so live widgets can be restyled in place).

Timeline: one scatter trace (markers coloured by status, Wallaroo's Ok green / Warning orange / Alert red)
plus threshold lines. Bins: baseline and window bars (alpha 0.5, blue / orange) with per-bin scores.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

STATUS_COLORS = {"Ok": "green", "Warning": "orange", "Alert": "red"}


def timeline_figure(results: list[dict[str, Any]], warning: float | None, alert: float | None,
                    title: str = "Model Insights Score") -> go.Figure:
    """Score per window start, one marker per window coloured by status; dashed threshold lines."""
    xs = [r.get("window_start") for r in results]
    ys = [r.get("score") for r in results]
    colors = [STATUS_COLORS.get(r.get("status"), "red") for r in results]
    text = [f"{r.get('status')}<br>bin#={r.get('bin_index')}" for r in results]
    fig = go.Figure([go.Scatter(x=xs, y=ys, mode="markers+lines", name="score", text=text,
                                line={"color": "lightgrey", "width": 1},
                                marker={"color": colors, "size": 8},
                                hovertemplate="%{x}<br>score=%{y:.6g}<br>%{text}<extra></extra>")])
    for value, color, label in ((warning, "orange", "warning"), (alert, "red", "alert")):
        if value is not None:
            fig.add_hline(y=value, line_dash="dash", line_color=color, annotation_text=label,
                          annotation_position="top left")
    fig.update_layout(title=title, xaxis_title="window start", yaxis_title="score", showlegend=False)
    return fig


def bins_figure(baseline: dict[str, Any] | None, result: dict[str, Any] | None,
                title: str = "Baseline vs window") -> go.Figure:
    """Overlaid bars of the baseline and (when given) one window's aggregated values per bin."""
    names = list((baseline or {}).get("edge_names") or [])
    base_vals = list((baseline or {}).get("aggregated_values") or [])
    win = (result or {}).get("window_summary") or {}
    win_vals = list(win.get("aggregated_values") or [])
    scores = list((result or {}).get("scores") or [])
    labels = [f"{i}: {n}" for i, n in enumerate(names)]
    fig = go.Figure([
        go.Bar(x=labels, y=base_vals, name=f"Baseline ({(baseline or {}).get('count', 0)})",
               marker={"color": "steelblue"}, opacity=0.5),
        go.Bar(x=labels[: len(win_vals)], y=win_vals, name=f"Window ({win.get('count', 0)})",
               marker={"color": "darkorange"}, opacity=0.5,
               text=[f"{s:.4f}" for s in scores] if scores else None, textposition="outside"),
    ])
    head = title
    if result:
        head = (f"{title}: score={result.get('score', 0):.5g} status={result.get('status')} "
                f"window {win.get('start')}")
    fig.update_layout(barmode="overlay", title=head, yaxis_title=(baseline or {}).get("aggregation") or "",
                      legend={"orientation": "h", "y": -0.2})
    return fig
