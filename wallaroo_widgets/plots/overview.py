"""Figures of a drift overview (``drift.overview``): the fields × windows heatmap, and one field's windows as
the result dicts the other figures draw (V1 and V2 alike)."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..drift import v2
from ..drift.overview import Overview, field_label
from ..drift.scorer import result_records
from . import _v2
from ._common import STATUS_COLORS, TOP_LEGEND

#: colour of a score: white (0) through yellow to dark red at the top of the scale
COLORSCALE = [[0.0, "#ffffff"], [0.25, "#fff3b0"], [0.5, "#fdae61"], [0.75, "#e34a33"], [1.0, "#7f0000"]]
ROW_PX, MIN_HEIGHT, MAX_HEIGHT = 16, 320, 1400


def field_order(ov: Overview) -> list[int]:
    """Field rows by their peak score, highest first (fields never scored last, in their order)."""
    peaks = [np.nanmax(row) if np.isfinite(row).any() else -np.inf for row in ov.score]
    return sorted(range(len(ov.keys)), key=lambda i: -peaks[i])


def overview_heatmap(ov: Overview, title: str | None = None, order: list[int] | None = None) -> go.Figure:
    """Fields (rows, most drifted at the top) × window starts (columns), colour = score; Warning windows are
    marked with an orange ring, Alert windows with a red cross. Trace 0 is the heatmap; a click's y is the
    field label (``ov.labels``), x the window start. ``customdata`` of the marker traces: (field index, window
    index)."""
    rows = order if order is not None else field_order(ov)
    labels = [field_label(ov.keys[i]) for i in rows]
    z = ov.score[rows] if rows else np.zeros((0, len(ov.starts)))
    x = list(ov.starts)
    alert = ov.settings.alert_threshold
    finite = z[np.isfinite(z)]
    zmax = max(float(finite.max()) if finite.size else 0.0, (alert or 0.0) * 1.5, 1e-9)
    traces: list[Any] = [go.Heatmap(
        z=np.where(np.isfinite(z), z, None), x=x, y=labels, zmin=0, zmax=zmax, colorscale=COLORSCALE,
        colorbar={"title": {"text": "score"}, "thickness": 12}, xgap=0, ygap=1, name="score",
        hovertemplate="%{y}<br>window %{x}<br>score %{z:.4g}<extra></extra>")]
    for status, symbol in (("Warning", "circle-open"), ("Alert", "x-thin-open")):
        fi, wi = np.nonzero(ov.status[rows] == status) if rows else (np.array([], int), np.array([], int))
        traces.append(go.Scatter(
            x=[x[w] for w in wi], y=[labels[f] for f in fi], mode="markers", name=status,
            marker={"symbol": symbol, "color": STATUS_COLORS[status], "size": 7,
                    "line": {"width": 2, "color": STATUS_COLORS[status]}},
            customdata=[[rows[f], int(w)] for f, w in zip(fi, wi, strict=True)],
            hovertemplate="%{y}<br>window %{x}<br>" + status + "<extra></extra>"))
    fig = go.Figure(traces)
    if len(x):  # the cells' extent: the markers' autorange padding would leave an empty strip at each side
        half = (ov.ends[0] - ov.starts[0]) / 2 if len(x) == 1 else (ov.starts[1] - ov.starts[0]) / 2
        fig.update_xaxes(range=[x[0] - half, x[-1] + half])
    version = ov.settings.version
    fig.update_layout(
        title=title or f"Drift overview · {len(ov.keys)} fields × {len(ov.starts)} windows ({version}, "
                       f"{ov.settings.metric})",
        height=int(min(MAX_HEIGHT, max(MIN_HEIGHT, 140 + ROW_PX * len(labels)))),
        xaxis_title="window start", yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        legend=TOP_LEGEND, clickmode="event", plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 70, "b": 40})
    return fig


def _v2_flat(ov: Overview, key: str, scored: v2.WindowScoresV2, w: int) -> dict[str, Any]:
    out = _v2.result(scored.summary(w, key), ov.baselines[key], key, scored.summarizer)
    th = scored.thresholds
    empty = scored.count[w] == 0
    out.update(status=str(scored.status[w]), warning_threshold=th.warning, alert_threshold=th.alert,
               window_end=v2.wire.server_time(scored.ends[w]))
    if empty:
        out.update(score=None, scores=None, bin_index=None)
    return out


def window_result(ov: Overview, key: str, window: int) -> dict[str, Any]:
    """Window ``window`` of field ``key`` as the flat result dict ``bins_comparison`` / ``bin_contributions``
    / ``stats_frame`` draw (V1: the AssayResult dict; V2: the preview converted as the assay panels do)."""
    got = ov.result(key, window)
    if ov.settings.version == "V1":
        return got
    scored, w = got
    return _v2_flat(ov, key, scored, w)


def field_results(ov: Overview, key: str) -> list[dict[str, Any]]:
    """Every window of one field with data, as flat result dicts (for ``score_timeline`` and reports)."""
    if key in ov.errors:
        raise ValueError(f"field {key} was not scored: {ov.errors[key]}")
    ov.index_of(key)
    scored = ov.scored[key]
    if ov.settings.version == "V1":
        return result_records(scored, ov.rows[key].window_stats(), include_empty=False)
    return [_v2_flat(ov, key, scored, w) for w in range(len(scored)) if scored.count[w] > 0]
