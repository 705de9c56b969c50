"""Assays V2 inputs for the figures: V2 results, previews, summaries and ``WindowScoresV2`` (typed or JSON)
turned into the flat result/summary dicts the figures draw, for one iopath.

A V2 result carries no baseline and no summarizer (the assay has them): pass the baseline summary (or the
``AssayV2``) and, for metric names, the summarizer. Thresholds and statuses follow the iopath's own
thresholds (``targeting``), as the SDK's charts do, else the result's copies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..drift import v2

V2_TYPES = (v2.SeriesSummary, v2.AssayResultV2, v2.PreviewResult, v2.WindowScoresV2, v2.AssayV2)


def is_v2(item: Any) -> bool:
    """A V2 object, or V2 JSON (a summary with ``bins``/``statistics``, a result with per-iopath ``scores``)."""
    if isinstance(item, V2_TYPES):
        return True
    if isinstance(item, Mapping):
        return ("bins" in item and "statistics" in item) or isinstance(item.get("summaries"), Mapping) or (
            "baseline" in item and "targeting" in item)
    return False


def is_v2_list(items: Any) -> bool:
    if isinstance(items, v2.WindowScoresV2):
        return True
    return isinstance(items, list | tuple) and bool(items) and is_v2(items[0])


def typed(item: Any) -> Any:
    """The typed V2 object of a V2 item (JSON parsed; typed objects as they are)."""
    if isinstance(item, V2_TYPES):
        return item
    if "bins" in item and "statistics" in item:
        return v2.SeriesSummary.from_api(item)
    if "baseline" in item and "targeting" in item:
        return v2.AssayV2.from_api(item)
    return v2.AssayResultV2.from_api(item) if "window_start" in item else v2.PreviewResult.from_api(item)


def first_key(item: Any) -> str:
    if isinstance(item, v2.AssayV2):
        return item.targeting.keys[0] if item.targeting.iopath else next(iter(_summaries(item)))
    keys = list(item.scores)
    if not keys:
        raise ValueError("the V2 result has no iopath scores")
    return keys[0]


def _summaries(assay: v2.AssayV2) -> Mapping[str, v2.SeriesSummary]:
    if not isinstance(assay.baseline, v2.SummaryBaseline):
        raise ValueError("the assay's baseline is not a stored Summary")
    return assay.baseline.summaries


def summary(item: Any, iopath: str | None = None) -> v2.SeriesSummary | None:
    """The SeriesSummary of a V2 summary, a result/preview window or an assay's baseline, for ``iopath``."""
    obj = typed(item)
    if isinstance(obj, v2.SeriesSummary):
        return obj
    if isinstance(obj, v2.AssayV2):
        sums = _summaries(obj)
        return sums.get(iopath or first_key(obj))
    return obj.summaries.get(iopath or first_key(obj))


def outlier_layout(s: v2.SeriesSummary) -> bool:
    """Whether the first and last bins lie outside the edges (Equal, Provided, explicit outliers, V1 layouts);
    a V2-native Quantile has no such bins."""
    return not (s.bins.mode.kind == "Quantile" and len(s.bins.edges) == s.bins.mode.n) and bool(s.bins.edges)


def flat(s: v2.SeriesSummary) -> dict[str, Any]:
    """The flat summary dict the figures read (statistics at the top, ``labels``, ``edges`` with INFINITY)."""
    out = {**s.statistics.to_api(), "aggregated_values": list(s.aggregated_values),
           "edges": s.bins.to_api()["edges"], "labels": list(s.labels), "aggregation": s.aggregation or "Density",
           "start": v2.wire.server_time(s.start), "end": v2.wire.server_time(s.end), "outlier_bins": outlier_layout(s)}
    if not s.bins.finite_edges:  # Quantile 1 or mode None: no ranges to print
        out["edges"] = []
    return out


def summarizer_dict(summ: v2.UnivariateContinuous | None, s: v2.SeriesSummary | None) -> dict[str, Any]:
    """What the figure titles read: num_bins, bin_mode, metric, aggregation."""
    mode = summ.bin_mode if summ is not None else (s.bins.mode if s is not None else None)
    out: dict[str, Any] = {}
    if mode is not None:
        out.update(bin_mode=mode.kind, num_bins=mode.n if mode.n is not None else len(mode.edges or ()))
    if summ is not None:
        out.update(metric=summ.metric, aggregation=summ.aggregation)
    return out


def thresholds_for(obj: Any, iopath: str, targeting: v2.Targeting | None) -> v2.Thresholds:
    if targeting is not None:
        for path in targeting.iopath:
            if path.key == iopath:
                return path.thresholds
    if isinstance(obj, v2.AssayResultV2):
        return v2.Thresholds(obj.warning_threshold, obj.alert_threshold)
    return v2.Thresholds()


def result(item: Any, baseline: Any = None, iopath: str | None = None,
           summarizer: v2.UnivariateContinuous | None = None, targeting: v2.Targeting | None = None) -> dict[str, Any]:
    """A V2 result / preview / window summary as a flat result dict (window_summary, baseline_summary, score,
    scores, bin_index, status from the iopath's thresholds, summarizer)."""
    obj = typed(item)
    base = summary(baseline, iopath) if baseline is not None else None
    if isinstance(obj, v2.SeriesSummary):
        win, sd, th = obj, None, v2.Thresholds()
        if base is not None and summarizer is not None and win is not base:
            sd = v2.score(base, win, summarizer)
        start = obj.start
    else:
        key = iopath or first_key(obj)
        win = obj.summaries.get(key)
        raw = obj.scores.get(key)
        sd = raw if isinstance(raw, v2.ScoreData) else None
        th = thresholds_for(obj, key, targeting)
        start = (win.start if win is not None else None) or getattr(obj, "window_start", None)
    out: dict[str, Any] = {
        "window_start": v2.wire.server_time(start), "window_summary": flat(win) if win is not None else {},
        "score": None if sd is None else sd.score, "scores": None if sd is None else list(sd.scores),
        "bin_index": None if sd is None else sd.bin_index,
        "status": None if sd is None else th.status(sd.score),
        "warning_threshold": th.warning, "alert_threshold": th.alert,
        "summarizer": summarizer_dict(summarizer, win if win is not None else base)}
    if base is not None:
        out["baseline_summary"] = flat(base)
    if not isinstance(obj, v2.SeriesSummary) and win is not None and not out["window_summary"].get("end"):
        out["window_summary"]["end"] = v2.wire.server_time(obj.window_end)
    return out


def timeline_rows(results: Any, iopath: str | None = None,
                  targeting: v2.Targeting | None = None) -> tuple[list[dict[str, Any]], str]:
    """(rows for score_timeline, the iopath drawn) of V2 results / previews / a ``WindowScoresV2``."""
    if isinstance(results, v2.WindowScoresV2):
        th = results.thresholds
        rows = [{"window_start": v2.wire.server_time(s), "window_summary": {"end": v2.wire.server_time(e), "count": int(c)},
                 "score": None if np.isnan(v) else float(v), "status": str(st),
                 "bin_index": None if results.bin_index is None or results.bin_index[i] < 0 else int(results.bin_index[i]),
                 "warning_threshold": th.warning, "alert_threshold": th.alert,
                 "baseline_summary": {"count": results.baseline.statistics.count}}
                for i, (s, e, c, v, st) in enumerate(zip(results.starts, results.ends, results.count, results.score,
                                                          results.status, strict=True))]
        return rows, iopath or results.baseline.name or "score"
    items = [typed(r) for r in results]
    key = iopath or first_key(items[0])
    rows = []
    for obj in items:
        row = result(obj, None, key, None, targeting)
        if row["score"] is None:
            row["status"] = "NoData"
        row["window_summary"] = {"end": row["window_summary"].get("end") or v2.wire.server_time(obj.window_end),
                                 "count": row["window_summary"].get("count")}
        rows.append(row)
    return rows, key
