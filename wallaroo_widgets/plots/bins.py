"""Per-bin figures: baseline vs window bars, bin contributions, two windows compared.

Inputs are read once into ``drift.types`` objects (``Summary``, ``AssayResult``; V2 inputs flattened by
``plots._v2`` first); the figures are drawn from those."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..drift import Summarizer, outlier_share, score, v2
from ..drift.types import AssayResult, Summary
from . import _v2
from ._common import (
    BASELINE_COLOR,
    OUTLIER_PATTERN,
    TOP_LEGEND,
    WINDOW_COLOR,
    as_summary,
    bin_names,
    bin_ranges,
    fmt_time,
    has_outlier_bins,
    outlier_flags,
    share,
)

MANY_BINS = 12  # beyond this, ticks are the edge names alone (ranges in the hover), slanted


def _ticks(summary: Summary) -> tuple[list[str], list[str]]:
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


def _is_result(item: Any) -> bool:
    return isinstance(item, AssayResult) or (isinstance(item, Mapping) and "window_summary" in item)


def _read(item: Any, name: str) -> tuple[AssayResult | None, Summary]:
    """(the result or None, its window Summary / the Summary itself) of a result, a Summary or their dicts."""
    if _is_result(item):
        result = AssayResult.from_api(item, name)
        if result.window_summary is not None:
            return result, result.window_summary
    return None, as_summary(item, name)  # a Summary, or the error naming what is missing


def _source(item: Any) -> Any:
    """The object a summary is read from (a baseline passed as its own window is drawn alone)."""
    if isinstance(item, AssayResult):
        return item.window_summary
    if isinstance(item, Mapping) and isinstance(item.get("window_summary"), Mapping):
        return item["window_summary"]
    return item


def _reference(result: AssayResult | None, win: Summary) -> Summary:
    """The result's baseline summary when it has the window's bins (windows are binned with the baseline's
    edges; name them after it, q_20 …, as bins_comparison does), else the window summary itself."""
    base = result.baseline_summary if result is not None else None
    if base is not None and len(base.aggregated_values) == len(win.aggregated_values):
        return base
    return win


def _count(summary: Summary) -> int | float:
    c = summary.count
    return 0 if c is None else int(c) if float(c).is_integer() else c


def _bar(summary: Summary, name: str, color: str, ticks: list[str], ranges: list[str],
         text: list[str] | None = None) -> go.Bar:
    vals = list(summary.aggregated_values)
    flags = outlier_flags(len(vals), summary)
    return go.Bar(x=ticks[:len(vals)], y=vals, name=f"{name} ({_count(summary)})", marker={
        "color": color, "pattern": {"shape": [OUTLIER_PATTERN if f else "" for f in flags]}},
        customdata=ranges[:len(vals)], text=text, textposition="outside" if text else None,
        hovertemplate=f"{name}<br>bin %{{customdata}}<br>value=%{{y:.4f}}<extra></extra>")


def _title(result: AssayResult | None, window: Summary) -> str:
    s = (result.summarizer if result is not None else None) or {}
    parts = [f"{s.get('num_bins', '')} {s.get('bin_mode', '')} {window.aggregation or ''}".strip()]
    metric = s.get("metric", "score")
    if result is not None and result.score is not None:
        textbook = " (textbook PSI, not Wallaroo's)" if result.psi_variant == "textbook" else ""
        parts.append(f"{metric}={result.score:.3f}{textbook}")
    elif result is not None:
        parts.append(f"{metric}=n/a (no data)")
    if result is not None and result.bin_index is not None:
        parts.append(f"bin#={result.bin_index}")
    if result is not None and result.status:
        parts.append(str(result.status))
    if window.start:
        parts.append(fmt_time(window.start))
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
    if _v2.is_v2(window) or _v2.is_v2(baseline):
        window, baseline, summarizer = _v2_pair(baseline, window, summarizer, iopath, targeting)
    same = _source(baseline) is _source(window)
    base = as_summary(baseline, "baseline")
    result, win = (None, base) if same else _read(window, "window")
    if result is None and summarizer is not None and not same:
        summ = Summarizer.from_dict(summarizer)
        out = score(base, win, summ)
        result = AssayResult(win, score=out["score"], scores=tuple(out["scores"]), bin_index=out["bin_index"],
                             summarizer=summ.to_dict(), psi_variant=out.get("psi_variant"))
    ticks, ranges = _ticks(base)
    if same:  # nothing to compare yet: the baseline alone
        fig = go.Figure([_bar(base, "Baseline", BASELINE_COLOR, ticks, ranges)])
        count = len(ticks) - 2 if base.outlier_bins is None else len(ticks)  # V2: every bin counts
        fig.update_layout(title=title or f"Baseline ({count} bins, {base.aggregation or ''})",
                          yaxis_title=base.aggregation or "", xaxis=_xaxis(ticks))
        return fig
    scores = (result.scores if result is not None else None) or ()
    text = [f"{s:.4f}" for s in scores] if scores else None
    if base.aggregation == "Edges":
        return _edges_figure(base, win, title or _title(result, win))
    fig = go.Figure([_bar(base, "Baseline", BASELINE_COLOR, ticks, ranges),
                     _bar(win, "Window", WINDOW_COLOR, ticks, ranges, text)])
    fig.update_layout(barmode="group", title=title or _title(result, win) or "Baseline vs window",
                      yaxis_title=base.aggregation or "", xaxis=_xaxis(ticks),
                      legend=TOP_LEGEND)
    return fig


def _edges_figure(base: Summary, win: Summary, title: str) -> go.Figure:
    """Edges aggregation: each edge as a vertical line (baseline blue ``e<i>``, window orange)."""
    fig = go.Figure()
    for summary, color, label in ((base, BASELINE_COLOR, "Baseline"), (win, WINDOW_COLOR, "Window")):
        xs = [v for v in summary.aggregated_values if v is not None]
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
    if _v2.is_v2(result):
        result = _v2.result(result, baseline, iopath, summarizer, targeting)
    res, win = _read(result, "result")
    res = res or AssayResult(win)
    scores = list(res.scores or ())
    summ = res.summarizer or {}
    edges_agg = "Edges" in (summ.get("aggregation"), win.aggregation)
    ref = _reference(res, win)
    ticks, ranges = _ticks(ref)
    pct = share(scores) * 100
    flags = [False] * len(pct) if edges_agg else outlier_flags(len(pct), ref)
    out = outlier_share(res) if has_outlier_bins(ref) else None
    note = "no outlier bins in this layout" if out is None else f"outlier bins: {100 * out:.1f}% of the score"
    bin_index = res.bin_index
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
    if _v2.is_v2(first) or _v2.is_v2(second):
        return _compare_v2(first, second, labels, summarizer, title, iopath)
    (ra, a), (rb, b) = _read(first, labels[0]), _read(second, labels[1])
    summ = summarizer or (ra and ra.summarizer) or (rb and rb.summarizer)
    # both windows are binned with the baseline's edges: name the bins as bins_comparison does (q_20 ...)
    ticks, ranges = _ticks(_reference(ra if ra is not None and ra.baseline_summary is not None else rb, a))
    head = title
    text = None
    if summ is not None and len(a.aggregated_values) == len(b.aggregated_values):
        s = Summarizer.from_dict(summ)
        out = score(a, b, s)
        text = [f"{v:.4f}" for v in out["scores"]]
        head = head or f"{labels[1]} vs {labels[0]}: {s.metric}={out['score']:.3f}"
    return _pair_figure(a, b, labels, ticks, ranges, text, head)


def _pair_figure(a: Summary, b: Summary, labels: tuple[str, str], ticks: Any, ranges: Any,
                 text: list[str] | None, head: str | None) -> go.Figure:
    """Grouped bars of two summaries on the same bins (V1 and V2 compare)."""
    fig = go.Figure([_bar(a, labels[0], BASELINE_COLOR, ticks, ranges),
                     _bar(b, labels[1], WINDOW_COLOR, ticks, ranges, text)])
    fig.update_layout(barmode="group", title=head or f"{labels[1]} vs {labels[0]}", xaxis=_xaxis(ticks),
                      yaxis_title=a.aggregation or "", legend=TOP_LEGEND)
    return fig


def _compare_v2(first: Any, second: Any, labels: tuple[str, str], summarizer: Any, title: str | None,
                iopath: str | None) -> go.Figure:
    sa, sb = _v2.summary(first, iopath), _v2.summary(second, iopath)
    if sa is None or sb is None:
        raise ValueError(f"no V2 summary for {iopath or 'the first iopath'} in both windows")
    a, b = (Summary.from_api(_v2.flat(s), name, edges_required=False) for s, name in ((sa, labels[0]), (sb, labels[1])))
    ticks, ranges = _ticks(a)
    head, text = title, None
    if isinstance(summarizer, v2.UnivariateContinuous) and len(sa.aggregated_values) == len(sb.aggregated_values):
        out = v2.score(sa, sb, summarizer)
        text = [f"{v:.4f}" for v in out.scores]
        head = head or f"{labels[1]} vs {labels[0]}: {summarizer.metric}={out.score:.3f}"
    return _pair_figure(a, b, labels, ticks, ranges, text, head)
