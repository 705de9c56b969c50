"""Baseline distribution and basic-stats comparison (``compare_basic_stats`` of the SDK)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..drift.edges import finite_edges
from ..drift.types import Summary
from . import _v2
from ._common import BASELINE_COLOR, WINDOW_COLOR, as_summary, bin_names, has_outlier_bins

STATS = ("count", "min", "max", "mean", "median", "std")


def stats_frame(baseline: Any, window: Any, iopath: str | None = None) -> pd.DataFrame:
    """Rows count/min/max/mean/median/std; columns Baseline, Window, diff (= W − B), pct_diff (= diff/B·100,
    NaN when the baseline value is 0). V2 summaries, results, previews and assays (``iopath``: default first)."""
    b, w = (_flat(baseline, iopath, "baseline"), _flat(window, iopath, "window"))
    df = pd.DataFrame({"Baseline": [_stat(b, k) for k in STATS], "Window": [_stat(w, k) for k in STATS]},
                      index=list(STATS))
    df["diff"] = df["Window"] - df["Baseline"]
    with np.errstate(divide="ignore", invalid="ignore"):
        df["pct_diff"] = np.where(df["Baseline"] != 0, df["diff"] / df["Baseline"] * 100, np.nan)
    return df


def format_stat(x: float) -> str:
    """A stat as people read it: whole numbers and values ≥ 1000 with thousands separators (1,617,110.50,
    never 1.61711e+06), smaller ones with 6 significant digits."""
    if not np.isfinite(x):
        return "n/a"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.2f}" if abs(x) >= 1000 else f"{x:.6g}"


def _stat(summary: Summary, key: str) -> float:
    value = getattr(summary, key)
    return np.nan if value is None else value


def _flat(item: Any, iopath: str | None, name: str) -> Summary:
    """The typed Summary of a V1 input (typed or its dict) or of a V2 one (its ``iopath`` series, flattened)."""
    if _v2.is_v2(item):
        s = _v2.summary(item, iopath)
        if s is None:
            raise ValueError(f"{name} has no V2 summary for {iopath or 'its first iopath'}")
        return Summary.from_api(_v2.flat(s), name, edges_required=False)
    return as_summary(item, name)


def stats_comparison(baseline: Any, window: Any, title: str = "Basic stats", iopath: str | None = None) -> go.Figure:
    """A table figure of ``stats_frame`` (pct_diff with a % sign)."""
    df = stats_frame(baseline, window, iopath)
    cells = [list(df.index), *[[format_stat(v) for v in df[c]] for c in ("Baseline", "Window", "diff")],
             [("n/a" if not np.isfinite(v) else f"{v:+.2f}%") for v in df["pct_diff"]]]
    fig = go.Figure([go.Table(header={"values": ["", "Baseline", "Window", "diff", "pct_diff"],
                                      "fill_color": "#e8eef7", "align": "left"},
                              cells={"values": cells, "align": "left"})])
    fig.update_layout(title=title, height=300, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def bin_shares(summary: Summary) -> np.ndarray | None:
    """Each bin's share of the values (K,): Density as is, Cumulative differenced; None for Edges (the
    summary holds edge positions, not shares) or when there are no aggregated values."""
    agg = np.asarray([np.nan if v is None else v for v in summary.aggregated_values], dtype=np.float64)
    aggregation = summary.aggregation or "Density"
    if not agg.size or aggregation == "Edges":
        return None
    return np.diff(agg, prepend=0.0) if aggregation == "Cumulative" else agg


def baseline_distribution(baseline: Any, values: Any = None, window_values: Any = None,
                          nbins: int = 60, title: str = "Baseline distribution", iopath: str | None = None) -> go.Figure:
    """Histogram of the baseline values (and optionally a window's, on the same bins) with the baseline
    edges drawn; y = share of the values per histogram bin.

    Without raw ``values`` the regular bins are drawn from the summary: bar width = bin range, height =
    share / width (density per unit of value; Cumulative summaries are differenced first). An Edges summary
    holds no shares: only the edge lines are drawn, with a note. Outlier bins have no width and are reported
    in the title. A V2 baseline (summary or ``AssayV2``, ``iopath``: default the first) draws its edges
    e0, e1, …; a V2 Quantile summary has no outlier bins, its two unbounded tails are reported instead.
    """
    base = _flat(baseline, iopath, "baseline")
    v2_layout = base.outlier_bins is not None
    if v2_layout and not base.edges:
        raise ValueError("this V2 baseline has no finite edge to draw (Quantile 1 or bin mode None)")
    edges = finite_edges(list(base.edges))
    names = bin_names(base)
    shares = bin_shares(base)
    fig = go.Figure()
    if values is not None:
        vals = np.asarray(values, dtype=np.float64)
        vals = vals[np.isfinite(vals)]
        wv = None if window_values is None else np.asarray(window_values, dtype=np.float64)
        both = vals if wv is None else np.concatenate([vals, wv[np.isfinite(wv)]])
        lo, hi = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
        size = (hi - lo) / nbins * (1 + 1e-9) if hi > lo else 1.0  # a hair wider: the max falls in the last bin
        xbins = {"start": lo, "end": lo + nbins * size, "size": size}  # shared by both traces
        fig.add_trace(go.Histogram(x=vals, xbins=xbins, name=f"Baseline ({np.asarray(values).size})",
                                   marker={"color": BASELINE_COLOR}, opacity=0.6, histnorm="probability"))
        if wv is not None:
            fig.add_trace(go.Histogram(x=wv[np.isfinite(wv)], xbins=xbins, name=f"Window ({wv.size})",
                                       marker={"color": WINDOW_COLOR}, opacity=0.6, histnorm="probability"))
        fig.update_layout(barmode="overlay", yaxis_title="share of values per histogram bin")
    else:
        widths = np.diff(edges)
        mids = edges[:-1] + widths / 2
        heights = ([float(shares[i + 1] / w) if w > 0 else 0.0 for i, w in enumerate(widths)]
                   if shares is not None and shares.size == edges.size + 1 else [])
        fig.add_trace(go.Bar(x=mids.tolist() if heights else [], y=heights, width=widths.tolist() if heights else None,
                             name="Baseline density", marker={"color": BASELINE_COLOR}, opacity=0.6))
        fig.update_layout(yaxis_title="density (share of values per unit)")
        if shares is None:
            fig.add_annotation(text="Edges aggregation: the summary holds edge positions, not bin shares "
                                    "(pass the baseline values to draw a histogram)", showarrow=False,
                               x=0.5, y=0.5, xref="paper", yref="paper")
    for i, e in enumerate(edges):
        label = (f"e{i}" if v2_layout else
                 names[i] if i < len(names) - 1 and i > 0 else ("e0 (min)" if i == 0 else f"e{i}"))
        fig.add_vline(x=float(e), line_dash="dot", line_color="black", line_width=1,
                      annotation_text=label, annotation_textangle=-90, annotation_font_size=9)
    outer = "outlier bins" if has_outlier_bins(base) else "tails (≤ e0, > last edge)"
    outl = f"{outer} {shares[0] + shares[-1]:.1%}" if shares is not None and shares.size >= 2 else ""
    count = len(base.aggregated_values) if v2_layout else edges.size - 1
    fig.update_layout(title=f"{title} ({count} bins{'; ' + outl if outl else ''})", xaxis_title="value",
                      legend={"orientation": "h", "y": -0.2})
    return fig
