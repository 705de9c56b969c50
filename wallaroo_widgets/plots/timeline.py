"""Score timeline: one point per window coloured by status, threshold bands, rich hover."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..drift import v2
from ..drift.validate import as_number
from ..drift.windows import common_interval, missing_after, times_to_ns
from . import _v2
from ._common import STATUS_COLORS, TOP_LEGEND, as_float, fmt_span, wire

STATUS_ORDER = ("Ok", "Warning", "Alert", "NoData")
EXTRA_STATUSES = tuple(s for s in STATUS_COLORS if s not in STATUS_ORDER)  # own traces after the first five
WEBGL_ABOVE = 2000  # points; beyond this the markers use Scattergl


def _rows(results: Any) -> list[dict[str, Any]]:
    if hasattr(results, "starts") and hasattr(results, "score"):  # drift.WindowScores
        idx = results.bin_index if results.bin_index is not None else [None] * len(results.starts)
        extra = {"warning_threshold": results.warning_threshold, "alert_threshold": results.alert_threshold,
                 "baseline_summary": {"count": (results.baseline or {}).get("count")}}
        if results.textbook_psi:
            extra["psi_variant"] = "textbook"
        return [{"window_start": s.isoformat(), "window_summary": {"end": e.isoformat(), "count": int(c)},
                 "score": None if np.isnan(v) else float(v), "status": st,
                 "bin_index": None if b is None or b < 0 else int(b), **extra}
                for s, e, c, v, st, b in zip(results.starts, results.ends, results.count, results.score,
                                             results.status, idx, strict=True)]
    if hasattr(results, "to_dict") and hasattr(results, "columns"):  # a DataFrame of results (NaN = missing)
        return [{k: _missing_to_none(v) for k, v in r.items()} for r in results.to_dict("records")]
    if results is None:
        return []
    if isinstance(results, str | bytes | dict) or not hasattr(results, "__iter__"):
        raise TypeError("results must be a list of assay result dicts, a results DataFrame or drift.WindowScores, "
                        f"got {type(results).__name__}")
    rows = [wire(r) for r in results]
    bad = next((i for i, r in enumerate(rows) if not isinstance(r, dict)), None)
    if bad is not None:
        raise TypeError(f"results[{bad}] must be an assay result dict, got {type(rows[bad]).__name__}")
    return rows


def _missing_to_none(value: Any) -> Any:
    """NaN / NaT (how a DataFrame spells a null score or threshold) -> None."""
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    return None if value is pd.NaT else value


def _line(rows: list[dict[str, Any]], scored: list[int]) -> tuple[list[Any], list[float | None]]:
    """x and y of the connecting line over the scored rows, with a None break where windows are missing."""
    xs = [rows[i]["window_start"] for i in scored]
    ys: list[float | None] = [as_float(rows[i]["score"]) for i in scored]
    try:
        every = times_to_ns([r.get("window_start") for r in rows], "window_start")
        line = every[scored]
    except (ValueError, TypeError):  # unparseable starts: no gap detection
        return xs, ys
    step = common_interval(every)
    if step is None or len(scored) < 2:
        return xs, ys
    breaks = np.flatnonzero(missing_after(line, step) > 0) + 1  # position of the point after each gap
    for pos in breaks[::-1]:
        xs.insert(int(pos), None)
        ys.insert(int(pos), None)
    return xs, ys


def _threshold(value: Any, rows: list[dict[str, Any]], key: str) -> float | None:
    if value is not None:
        return as_number(value, key)
    for r in rows:
        t = as_float(r.get(key))
        if np.isfinite(t):
            return t
    return None


LABEL_PX = 18  # a threshold label's height in pixels (12 px font + padding)
CHAR_PX = 7.5  # a label character's width in pixels (12 px font), for the right margin


def _threshold_labels(warn: float | None, alert: float | None) -> list[tuple[str, float, str, str]]:
    """(text, y, yanchor, colour) of the threshold labels, in the right margin outside the plot area (so never
    over a marker): the warning label hangs under its line, the alert label stands on its line, so with
    warning < alert they never overlap, whatever the plot height or however close the thresholds are."""
    out: list[tuple[str, float, str, str]] = []
    if warn is not None:
        out.append((f"warning {warn:g}", warn, "bottom" if alert is not None and alert < warn else "top", "orange"))
    if alert is not None:
        out.append((f"alert {alert:g}", alert, "top" if warn is not None and alert < warn else "bottom", "red"))
    return out


def score_timeline(results: Any, warning_threshold: float | None = None, alert_threshold: float | None = None,
                   title: str | None = None, *, iopath: str | None = None,
                   targeting: v2.Targeting | None = None) -> go.Figure:
    """Scores over window starts (local or server results, or drift.WindowScores).

    Traces, always in this order: a grey connecting line, then one marker trace per status Ok (green),
    Warning (orange), Alert (red), NoData (grey, drawn at 0), then one per ``EXTRA_STATUSES`` (BaselineRun,
    steelblue; in the legend only when present); any other status is drawn as Alert (V1 SDK: red).
    ``customdata[0]`` of each point is its index in ``results`` (for click/select handlers), ``customdata[1]``
    the window as ``start → end UTC``, ``[4]`` its bin index (None: hover leaves bin# out). The line breaks
    (None) where windows are missing: a window without a score, or a spacing of window starts beyond the
    most common one (servers omit empty windows). Thresholds default to the results' own; the warning band
    (orange) spans [warning, alert), the alert band (red) everything ≥ alert.

    V2 results, previews (typed or JSON) or a ``WindowScoresV2``: one iopath (``iopath``, default the first),
    its thresholds from ``targeting`` (else the results' copies) and statuses recomputed from them, as the
    SDK's charts do; a failed iopath (string score) is drawn as NoData. Title "Assays V2 Score · <iopath>".
    """
    if _v2.is_v2_list(results):
        rows, key = _v2.timeline_rows(results, iopath, targeting)
        title = title or f"Assays V2 Score · {key}"
    else:
        rows = _rows(results)
    title = title or "Model Insights Score"
    warn = _threshold(warning_threshold, rows, "warning_threshold")
    alert = _threshold(alert_threshold, rows, "alert_threshold")
    scatter = go.Scattergl if len(rows) > WEBGL_ABOVE else go.Scatter
    groups: dict[str, list[int]] = {s: [] for s in (*STATUS_ORDER, *EXTRA_STATUSES)}
    rows = [{**r, "score": None} if r.get("score") is not None and not np.isfinite(as_float(r["score"])) else r
            for r in rows]
    for i, r in enumerate(rows):
        status = r.get("status") if r.get("score") is not None else "NoData"
        groups["NoData" if status == "NoData" else status if status in groups else "Alert"].append(i)

    def info(i: int) -> list[Any]:
        r = rows[i]
        win = r.get("window_summary") or {}
        base = r.get("baseline_summary") or {}
        end = win.get("end") or r.get("window_end") or ""
        bin_index = _missing_to_none(r.get("bin_index"))
        return [i, fmt_span(r.get("window_start"), end), _missing_to_none(win.get("count", r.get("window_count"))),
                _missing_to_none(base.get("count", r.get("baseline_count"))), bin_index,
                r.get("status") or "NoData", "" if bin_index is None else f" · bin#={bin_index}"]

    scored = [i for i in range(len(rows)) if rows[i].get("score") is not None]
    xs, ys = _line(rows, scored)
    traces = [scatter(x=xs, y=ys, mode="lines", line={"color": "lightgrey", "width": 1}, hoverinfo="skip",
                      showlegend=False, name="score")]
    size = 8 if len(rows) <= 200 else 5
    for status in (*STATUS_ORDER, *EXTRA_STATUSES):
        idx = groups[status]
        traces.append(scatter(
            x=[rows[i].get("window_start") for i in idx],
            y=[0.0 if status == "NoData" else as_float(rows[i]["score"]) for i in idx],
            mode="markers", name=status, marker={"color": STATUS_COLORS[status], "size": size},
            # a selected window stands out without washing out the status colours of the others
            selected={"marker": {"size": size + 6}}, unselected={"marker": {"opacity": 0.6}},
            showlegend=bool(idx) if status in EXTRA_STATUSES else None,
            customdata=[info(i) for i in idx],
            hovertemplate=("%{customdata[1]}<br>window n=%{customdata[2]}, baseline n=%{customdata[3]}"
                           "<br>score=%{y:.6g} · %{customdata[5]}%{customdata[6]}<extra></extra>")
            if status != "NoData" else "%{customdata[1]}<br>no data<extra></extra>"))
    fig = go.Figure(traces)
    scores = [as_float(rows[i]["score"]) for i in scored]
    top = max([*scores, *(t for t in (warn, alert) if t is not None), 0.0]) * 1.15 or 1.0
    if warn is not None:
        upper = alert if alert is not None and alert > warn else top
        fig.add_hrect(y0=warn, y1=upper, fillcolor="orange", opacity=0.1, line_width=0, layer="below")
        fig.add_hline(y=warn, line_dash="dash", line_color="orange")
    if alert is not None:
        fig.add_hrect(y0=alert, y1=max(top, alert * 1.15), fillcolor="red", opacity=0.06, line_width=0,
                      layer="below")
        fig.add_hline(y=alert, line_dash="dash", line_color="red")
    labels = _threshold_labels(warn, alert)
    for text, y, anchor, color in labels:
        fig.add_annotation(text=text, x=1, xref="paper", xanchor="left", xshift=4, y=y, yref="y",
                           yanchor=anchor, showarrow=False, font={"color": color, "size": 12})
    right = int(8 + CHAR_PX * max((len(t) for t, *_ in labels), default=0)) if labels else 20
    if any(r.get("psi_variant") == "textbook" for r in rows):
        title = f"{title} (textbook PSI, not Wallaroo's)"
    fig.update_layout(title=title, xaxis_title="window start", yaxis_title="score", yaxis_range=[0, top],
                      clickmode="event+select", dragmode="select", legend=TOP_LEGEND,
                      margin={"r": right})
    return fig
