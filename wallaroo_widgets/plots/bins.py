"""Per-bin figures: baseline vs window bars, bin contributions, two windows compared."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..drift import Summarizer, outlier_share, score, v2
from . import _v2
from ._common import (
    BASELINE_COLOR,
    OUTLIER_PATTERN,
    TOP_LEGEND,
    WINDOW_COLOR,
    bin_names,
    bin_ranges,
    fmt_time,
    has_outlier_bins,
    outlier_flags,
    share,
    summary_of,
    wire,
)

MANY_BINS = 12  # beyond this, ticks are the edge names alone (ranges in the hover), slanted


def _ticks(summary: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Tick labels (edge name + compact range; the name alone beyond ``MANY_BINS`` bins) and the hover
    ranges (≥ 6 significant digits)."""
    names, ranges, hover = bin_names(summary), bin_ranges(summary), bin_ranges(summary, precise=True)
    if len(ranges) != len(names):
        ranges = hover = [""] * len(names)
    flags = outlier_flags(len(names), summary)
    if len(names) > MANY_BINS:
        return [f"{n}{' ⚠' if o else ''}" for n, o in zip(names, flags, strict=True)], hover
    ticks = [f"{n}{' ⚠' if o else ''}<br>{r}" for n, r, o in zip(names, ranges, flags, strict=True)]
    return ticks, hover


def _xaxis(ticks: list[str], title: str = "bin") -> dict[str, Any]:
    """The bin axis: slanted ticks when there are many bins, so their labels don't overlap."""
    many = {"tickangle": -45} if len(ticks) > MANY_BINS else {}
    return {"title": title, "automargin": True, **many}


def _reference(result: dict[str, Any], win: dict[str, Any]) -> dict[str, Any]:
    """The result's baseline summary when it has the window's bins (windows are binned with the baseline's
    edges; name them after it, q_20 …, as bins_comparison does), else the window summary itself."""
    base = result.get("baseline_summary")
    if isinstance(base, dict) and len(base.get("aggregated_values") or []) == len(win.get("aggregated_values") or []):
        return base
    return win


def _bar(summary: dict[str, Any], name: str, color: str, ticks: list[str], ranges: list[str],
         text: list[str] | None = None) -> go.Bar:
    vals = list(summary.get("aggregated_values") or [])
    flags = outlier_flags(len(vals), summary)
    return go.Bar(x=ticks[:len(vals)], y=vals, name=f"{name} ({summary.get('count', 0)})", marker={
        "color": color, "pattern": {"shape": [OUTLIER_PATTERN if f else "" for f in flags]}},
        customdata=ranges[:len(vals)], text=text, textposition="outside" if text else None,
        hovertemplate=f"{name}<br>bin %{{customdata}}<br>value=%{{y:.4f}}<extra></extra>")


def _title(result: dict[str, Any], summ: dict[str, Any] | None, window: dict[str, Any]) -> str:
    s = summ or {}
    parts = [f"{s.get('num_bins', '')} {s.get('bin_mode', '')} {window.get('aggregation', '')}".strip()]
    sc = result.get("score")
    metric = s.get("metric", "score")
    if isinstance(sc, int | float):
        textbook = " (textbook PSI, not Wallaroo's)" if result.get("psi_variant") == "textbook" else ""
        parts.append(f"{metric}={sc:.3f}{textbook}")
    elif result:
        parts.append(f"{metric}=n/a (no data)")
    if result.get("bin_index") is not None:
        parts.append(f"bin#={result['bin_index']}")
    if result.get("status"):
        parts.append(str(result["status"]))
    if window.get("start"):
        parts.append(fmt_time(window["start"]))
    return " · ".join(p for p in parts if p)


def _v2_pair(baseline: Any, window: Any, summarizer: Any, iopath: str | None,
             targeting: v2.Targeting | None) -> tuple[dict[str, Any], dict[str, Any], None]:
    """(flat result, flat baseline summary, None) of V2 inputs (see ``bins_comparison``)."""
    summ = summarizer if isinstance(summarizer, v2.UnivariateContinuous) else None
    res = _v2.result(window, baseline, iopath, summ, targeting)
    if not res["window_summary"]:
        raise ValueError(f"the V2 result has no summary for {iopath or 'its first iopath'} (a failed iopath)")
    return res, res.get("baseline_summary") or res["window_summary"], None


def bins_comparison(baseline: Any, window: Any, title: str | None = None,
                    summarizer: Summarizer | dict[str, Any] | v2.UnivariateContinuous | None = None, *,
                    iopath: str | None = None, targeting: v2.Targeting | None = None) -> go.Figure:
    """Grouped bars of baseline and window aggregated values per bin.

    ``window`` is an AssayResult (local or server) or a window Summary. Ticks show the edge name and the
    bin's range (outlier bins marked ⚠ and hatched); window bars carry the per-bin score; the title gives
    metric, score, bin#, status and window start. A bare window Summary has no scores: pass ``summarizer``
    to score it against the baseline here (a result keeps its own, server-computed, scores).

    V2: ``window`` a result, preview or V2 summary (typed or JSON), ``baseline`` its baseline summary or the
    ``AssayV2``; ``iopath`` picks the series (default: the first), bins carry the V2 labels, the status comes
    from the iopath's thresholds (``targeting``), a ``v2.UnivariateContinuous`` names the metric.
    """
    baseline, window = wire(baseline), wire(window)
    if _v2.is_v2(window) or _v2.is_v2(baseline):
        window, baseline, summarizer = _v2_pair(baseline, window, summarizer, iopath, targeting)
    base = summary_of(baseline, "baseline")
    win = summary_of(window, "window")
    result = window if "window_summary" in window else {}
    if not result and summarizer is not None and win is not base:
        summ = Summarizer.from_dict(summarizer)
        result = {**score(base, win, summ), "summarizer": summ.to_dict()}
    ticks, ranges = _ticks(base)
    if win is base:  # nothing to compare yet: the baseline alone
        fig = go.Figure([_bar(base, "Baseline", BASELINE_COLOR, ticks, ranges)])
        count = len(ticks) - 2 if "outlier_bins" not in base else len(ticks)  # V2: every bin counts
        fig.update_layout(title=title or f"Baseline ({count} bins, {base.get('aggregation', '')})",
                          yaxis_title=base.get("aggregation") or "", xaxis=_xaxis(ticks))
        return fig
    scores = result.get("scores") or []
    text = [f"{s:.4f}" for s in scores] if scores else None
    if base.get("aggregation") == "Edges":
        return _edges_figure(base, win, title or _title(result, result.get("summarizer"), win))
    fig = go.Figure([_bar(base, "Baseline", BASELINE_COLOR, ticks, ranges),
                     _bar(win, "Window", WINDOW_COLOR, ticks, ranges, text)])
    fig.update_layout(barmode="group", title=title or _title(result, result.get("summarizer"), win) or "Baseline vs window",
                      yaxis_title=base.get("aggregation") or "", xaxis=_xaxis(ticks),
                      legend=TOP_LEGEND)
    return fig


def _edges_figure(base: dict[str, Any], win: dict[str, Any], title: str) -> go.Figure:
    """Edges aggregation: each edge as a vertical line (baseline blue ``e<i>``, window orange)."""
    fig = go.Figure()
    for summary, color, label in ((base, BASELINE_COLOR, "Baseline"), (win, WINDOW_COLOR, "Window")):
        xs = [v for v in summary.get("aggregated_values") or [] if v is not None]
        fig.add_trace(go.Scatter(x=[x for v in xs for x in (v, v, None)], y=[y for _ in xs for y in (0, 1, None)],
                                 mode="lines", name=label, line={"color": color},
                                 hovertemplate=f"{label} edge %{{x:.4g}}<extra></extra>"))
    fig.update_layout(title=title, yaxis={"visible": False}, xaxis_title="edge position")
    return fig


def bin_contributions(result: Any, title: str | None = None, *, baseline: Any = None, iopath: str | None = None,
                      summarizer: v2.UnivariateContinuous | None = None,
                      targeting: v2.Targeting | None = None) -> go.Figure:
    """Each bin's share of the score (%), outlier bins hatched; title gives the outlier bins' share.

    PSI / SumDiff / Cumulative: shares of the summed per-bin scores. MaxDiff: the score is the ``bin_index``
    bin's difference alone, so that bin carries 100 % (the title says so). Edges: the entries are edge
    positions, not bins: no outlier bins. V2 results and previews (typed or JSON) take ``iopath`` (default: the
    first), optionally the ``baseline`` summary / ``AssayV2`` and the ``summarizer`` (metric, MaxDiff note).
    """
    result = wire(result)
    if _v2.is_v2(result):
        result = _v2.result(result, baseline, iopath, summarizer, targeting)
    win = summary_of(result, "result")
    scores = result.get("scores") or []
    summ = result.get("summarizer") or {}
    edges_agg = "Edges" in (summ.get("aggregation"), win.get("aggregation"))
    ref = _reference(result, win)
    ticks, ranges = _ticks(ref)
    pct = share(scores) * 100
    flags = [False] * len(pct) if edges_agg else outlier_flags(len(pct), ref)
    out = outlier_share(result) if has_outlier_bins(ref) else None
    note = "no outlier bins in this layout" if out is None else f"outlier bins: {100 * out:.1f}% of the score"
    bin_index = result.get("bin_index")
    if summ.get("metric") == "MaxDiff" and bin_index is not None and 0 <= int(bin_index) < len(pct):
        pct = np.zeros(len(pct))
        pct[int(bin_index)] = 100.0
        names = bin_names(ref)
        name = names[int(bin_index)] if int(bin_index) < len(names) else f"bin {bin_index}"
        note = f"MaxDiff: the score is bin {name}'s difference alone; {note}"
    if edges_agg:
        ticks = [f"e{i}" for i in range(len(pct))]
        ranges = [f"edge {i}" for i in range(len(pct))]
        note = "Edges aggregation: shares of the summed |Δ edge| (no outlier bins)"
    fig = go.Figure([go.Bar(
        x=ticks[:len(pct)], y=pct.tolist(), name="share of score", customdata=list(zip(ranges, scores, strict=False)),
        marker={"color": ["indianred" if f else "slategray" for f in flags],
                "pattern": {"shape": [OUTLIER_PATTERN if f else "" for f in flags]}},
        text=[f"{p:.1f}%" for p in pct], textposition="outside",
        hovertemplate="bin %{customdata[0]}<br>score=%{customdata[1]:.6g}<br>share=%{y:.1f}%<extra></extra>")])
    fig.update_layout(title=title or f"Bin contributions ({note})",
                      yaxis_title="% of score", yaxis_range=[0, 110], showlegend=False,
                      xaxis=_xaxis(ticks[:len(pct)], "bin"))
    return fig


def compare_windows(first: Any, second: Any, labels: tuple[str, str] = ("A", "B"),
                    summarizer: dict[str, Any] | Summarizer | v2.UnivariateContinuous | None = None,
                    title: str | None = None, *, iopath: str | None = None) -> go.Figure:
    """Two windows (results or summaries; pass a baseline Summary as ``first`` for window vs baseline),
    grouped per bin, scored against each other with the summarizer (from a result when not given).
    V2 results, previews and summaries (``iopath`` picks the series) are scored with a
    ``v2.UnivariateContinuous`` summarizer when one is given."""
    first, second = wire(first), wire(second)
    if _v2.is_v2(first) or _v2.is_v2(second):
        return _compare_v2(first, second, labels, summarizer, title, iopath)
    a, b = summary_of(first, labels[0]), summary_of(second, labels[1])
    summ = summarizer or first.get("summarizer") or second.get("summarizer")
    # both windows are binned with the baseline's edges: name the bins as bins_comparison does (q_20 ...)
    ticks, ranges = _ticks(_reference(first if isinstance(first.get("baseline_summary"), dict) else second, a))
    head = title
    text = None
    if summ is not None and len(a.get("aggregated_values") or []) == len(b.get("aggregated_values") or []):
        s = Summarizer.from_dict(summ)
        out = score(a, b, s)
        text = [f"{v:.4f}" for v in out["scores"]]
        head = head or f"{labels[1]} vs {labels[0]}: {s.metric}={out['score']:.3f}"
    return _pair_figure(a, b, labels, ticks, ranges, text, head)


def _pair_figure(a: dict[str, Any], b: dict[str, Any], labels: tuple[str, str], ticks: Any, ranges: Any,
                 text: list[str] | None, head: str | None) -> go.Figure:
    """Grouped bars of two summaries on the same bins (V1 and V2 compare)."""
    fig = go.Figure([_bar(a, labels[0], BASELINE_COLOR, ticks, ranges),
                     _bar(b, labels[1], WINDOW_COLOR, ticks, ranges, text)])
    fig.update_layout(barmode="group", title=head or f"{labels[1]} vs {labels[0]}", xaxis=_xaxis(ticks),
                      yaxis_title=a.get("aggregation") or "", legend=TOP_LEGEND)
    return fig


def _compare_v2(first: Any, second: Any, labels: tuple[str, str], summarizer: Any, title: str | None,
                iopath: str | None) -> go.Figure:
    sa, sb = _v2.summary(first, iopath), _v2.summary(second, iopath)
    if sa is None or sb is None:
        raise ValueError(f"no V2 summary for {iopath or 'the first iopath'} in both windows")
    a, b = _v2.flat(sa), _v2.flat(sb)
    ticks, ranges = _ticks(a)
    head, text = title, None
    if isinstance(summarizer, v2.UnivariateContinuous) and len(sa.aggregated_values) == len(sb.aggregated_values):
        out = v2.score(sa, sb, summarizer)
        text = [f"{v:.4f}" for v in out.scores]
        head = head or f"{labels[1]} vs {labels[0]}: {summarizer.metric}={out.score:.3f}"
    return _pair_figure(a, b, labels, ticks, ranges, text, head)
