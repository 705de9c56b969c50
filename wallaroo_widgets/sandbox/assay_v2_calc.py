"""The sandbox's bridge to the V2 math: summaries and window scores as wire dicts.

PROVISIONAL: a compact implementation of assays-v2.md §5 used until ``wallaroo_widgets.drift.v2`` lands;
the two public functions keep their signatures when they are switched to the drift module.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

INF = "INFINITY"


def _pct(x: float) -> str:
    return f"{x:g}%"


def _num(x: float) -> str:
    mant, _, exp = f"{x:.2e}".partition("e")
    return f"{mant}e{int(exp)}"


def _labels(edges: list[float], fmt) -> list[str]:
    if not edges:
        return []
    out = [f"< {fmt(edges[0])}"]
    out += [f"{fmt(a)} - {fmt(b)}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return out + [f"> {fmt(edges[-1])}"]


def _bins(finite: np.ndarray, mode: Any, dtype: Any) -> tuple[list[float], list[str]]:
    """Finite right edges and labels of a baseline (assays-v2 §5.3)."""
    if mode == "None":
        return [], []
    (kind, n), = mode.items()
    if kind == "Provided":
        edges = sorted(float(e) for e in n)
        return edges, _labels(edges, _num)
    if finite.size == 0:
        raise ValueError("baseline has no finite values to bin")
    mn, mx = float(finite.min()), float(finite.max())
    if kind == "Equal":
        w = (mx - mn) / n
        edges = [mn + i * w for i in range(n)] + [mx]
        return edges, _labels(edges, _num)
    qs = np.quantile(finite, [i / n for i in range(1, n)], method="linear").astype(dtype).astype(float).tolist()
    if kind == "Quantile":
        return qs, _labels([100 * i / n for i in range(1, n)], _pct)
    return [mn, *qs, mx], _labels([100 * i / n for i in range(0, n + 1)], _pct)  # QuantileWithExplicitOutliers


def _counts(values: np.ndarray, edges: list[float], left_closed_first: bool) -> np.ndarray:
    k = len(edges) + 1
    if not edges:
        return np.zeros(0)
    idx = np.searchsorted(np.asarray(edges), values, side="left")
    if left_closed_first:
        idx[values == edges[0]] = 1
    idx[np.isnan(values)] = 0
    return np.bincount(idx, minlength=k).astype(float)


def _stats(values: np.ndarray, f32: bool) -> dict[str, Any]:
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return {"count": int(values.size), "max": 0.0, "mean": 0.0, "median": 0.0, "min": 0.0, "std": 0.0}
    cast = (lambda x: float(np.float32(x))) if f32 else float
    return {"count": int(values.size), "max": cast(finite.max()), "mean": float(finite.astype(np.float64).mean()),
            "median": cast(np.median(finite)), "min": cast(finite.min()), "std": cast(finite.std())}


def _aggregate(counts: np.ndarray, total: int, aggregation: str) -> list[float]:
    dens = counts / total if total else np.zeros_like(counts)
    return (np.cumsum(dens) if aggregation == "Cumulative" else dens).tolist()


def _first_closed(mode: Any) -> bool:
    return isinstance(mode, dict) and next(iter(mode)) in ("Equal", "Provided", "QuantileWithExplicitOutliers")


def summarize(values: np.ndarray, f32: bool, uc: dict, *, name: str | None, start: str | None,
              end: str | None) -> dict[str, Any]:
    """A SeriesSummary of baseline ``values`` (NaN allowed) for the UnivariateContinuous settings ``uc``."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[~np.isnan(values)]
    dtype = np.float32 if f32 else np.float64
    edges, labels = _bins(finite, uc["bin_mode"], dtype)
    counts = _counts(values, edges, _first_closed(uc["bin_mode"]))
    return {"name": name, "aggregated_values": _aggregate(counts, values.size, uc["aggregation"]),
            "aggregation": uc["aggregation"], "bins": {"edges": [*edges, INF] if edges else [], "labels": labels,
                                                       "mode": uc["bin_mode"]},
            "statistics": _stats(values, f32), "start": start, "end": end}


def finite_edges(bins: dict) -> list[float]:
    return [float(e) for e in bins["edges"] if not (isinstance(e, str) or math.isinf(e))]


def _score(b: np.ndarray, w: np.ndarray, uc: dict) -> dict[str, Any]:
    metric, aggregation = uc["metric"], uc["aggregation"]
    if b.size == 0:
        return {"score": 0.0, "scores": [], "bin_index": None}
    if metric == "PSI" and aggregation == "Density":
        bb, ww = np.where(b == 0, 0.005, b), np.where(w == 0, 0.005, w)
        s = np.where((b == 0) & (w == 0), 0.0, (ww - bb) * np.log(ww / bb))
    else:
        s = np.abs(w - b)
    weights = uc.get("bin_weights")
    if weights is not None:
        wt = np.asarray(weights, dtype=float)
        s = s * (wt / wt.sum())
    if metric == "MaxDiff":
        i = int(np.argmax(s))
        return {"score": float(s[i]), "scores": s.tolist(), "bin_index": i}
    total = float(s.sum())
    return {"score": total / 2 if metric == "SumDiff" else total, "scores": s.tolist(), "bin_index": None}


def score_windows(baseline: dict, uc: dict, values: np.ndarray, f32: bool,
                  bounds: list[tuple[int, int]]) -> list[tuple[dict, dict]]:
    """(MinimalSummary without start/end, ScoreData) per window ``values[lo:hi]``, binned on the baseline."""
    values = np.asarray(values, dtype=np.float64)
    edges = finite_edges(baseline["bins"])
    first = _first_closed(baseline["bins"]["mode"])
    b = np.asarray(baseline["aggregated_values"], dtype=float)
    out = []
    for lo, hi in bounds:
        win = values[lo:hi]
        agg = _aggregate(_counts(win, edges, first), win.size, baseline.get("aggregation") or uc["aggregation"])
        summary = {"aggregated_values": agg, "bins": baseline["bins"], "statistics": _stats(win, f32)}
        out.append((summary, _score(b, np.asarray(agg), uc)))
    return out


def check_weights(uc: dict, baseline: dict) -> None:
    """ValueError when ``bin_weights`` do not match the baseline's bin count."""
    weights = uc.get("bin_weights")
    if weights is not None and len(weights) != len(baseline["aggregated_values"]):
        raise ValueError(f"summarizer.UnivariateContinuous.bin_weights: {len(weights)} values but the baseline has "
                         f"{len(baseline['aggregated_values'])} bins")
