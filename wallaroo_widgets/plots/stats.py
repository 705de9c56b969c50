"""Baseline distribution and basic-stats comparison (``compare_basic_stats`` of the SDK)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..drift.edges import finite_edges
from ._common import BASELINE_COLOR, WINDOW_COLOR, bin_names, summary_of

STATS = ("count", "min", "max", "mean", "median", "std")


def stats_frame(baseline: dict[str, Any], window: dict[str, Any]) -> pd.DataFrame:
    """Rows count/min/max/mean/median/std; columns Baseline, Window, diff (= W − B), pct_diff (= diff/B·100,
    NaN when the baseline value is 0)."""
    b, w = summary_of(baseline, "baseline"), summary_of(window, "window")
    df = pd.DataFrame({"Baseline": [float(b.get(k, np.nan)) for k in STATS],
                       "Window": [float(w.get(k, np.nan)) for k in STATS]}, index=list(STATS))
    df["diff"] = df["Window"] - df["Baseline"]
    with np.errstate(divide="ignore", invalid="ignore"):
        df["pct_diff"] = np.where(df["Baseline"] != 0, df["diff"] / df["Baseline"] * 100, np.nan)
    return df


def _cell(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.6g}"


def stats_comparison(baseline: dict[str, Any], window: dict[str, Any], title: str = "Basic stats") -> go.Figure:
    """A table figure of ``stats_frame`` (pct_diff with a % sign)."""
    df = stats_frame(baseline, window)
    cells = [list(df.index), *[[_cell(v) for v in df[c]] for c in ("Baseline", "Window", "diff")],
             [("n/a" if not np.isfinite(v) else f"{v:+.2f}%") for v in df["pct_diff"]]]
    fig = go.Figure([go.Table(header={"values": ["", "Baseline", "Window", "diff", "pct_diff"],
                                      "fill_color": "#e8eef7", "align": "left"},
                              cells={"values": cells, "align": "left"})])
    fig.update_layout(title=title, height=300, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def baseline_distribution(baseline: dict[str, Any], values: Any = None, window_values: Any = None,
                          nbins: int = 60, title: str = "Baseline distribution") -> go.Figure:
    """Histogram of the baseline values (and optionally a window's) with the baseline edges drawn.

    Without raw ``values`` the regular bins are drawn from the summary (bar width = bin range, height =
    density per unit); outlier bins have no width and are reported in the title.
    """
    base = summary_of(baseline, "baseline")
    edges = finite_edges(base.get("edges") or [])
    names = bin_names(base)
    fig = go.Figure()
    if values is not None:
        vals = np.asarray(values, dtype=np.float64)
        fig.add_trace(go.Histogram(x=vals[np.isfinite(vals)], nbinsx=nbins, name=f"Baseline ({vals.size})",
                                   marker={"color": BASELINE_COLOR}, opacity=0.6, histnorm="probability"))
        if window_values is not None:
            wv = np.asarray(window_values, dtype=np.float64)
            fig.add_trace(go.Histogram(x=wv[np.isfinite(wv)], nbinsx=nbins, name=f"Window ({wv.size})",
                                       marker={"color": WINDOW_COLOR}, opacity=0.6, histnorm="probability"))
        fig.update_layout(barmode="overlay")
    else:
        agg = list(base.get("aggregated_values") or [])
        widths = np.diff(edges)
        mids = edges[:-1] + widths / 2
        heights = [agg[i + 1] / w if w > 0 else 0.0 for i, w in enumerate(widths)] if len(agg) == edges.size + 1 else []
        fig.add_trace(go.Bar(x=mids.tolist(), y=heights, width=widths.tolist(), name="Baseline density",
                             marker={"color": BASELINE_COLOR}, opacity=0.6))
    for i, e in enumerate(edges):
        label = names[i] if i < len(names) - 1 and i > 0 else ("e0 (min)" if i == 0 else f"e{i}")
        fig.add_vline(x=float(e), line_dash="dot", line_color="black", line_width=1,
                      annotation_text=label, annotation_textangle=-90, annotation_font_size=9)
    agg = base.get("aggregated_values") or []
    outl = (agg[0] + agg[-1]) if len(agg) >= 2 and base.get("aggregation") == "Density" else 0.0
    fig.update_layout(title=f"{title} ({edges.size - 1} bins; outlier bins {outl:.1%})", xaxis_title="value",
                      yaxis_title="share", legend={"orientation": "h", "y": -0.2})
    return fig
