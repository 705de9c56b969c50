"""Scores (assay-math §6) and status (§7). Vectorised over (W, K) matrices; one window is W = 1."""

from __future__ import annotations

from typing import Any

import numpy as np

from .summarizer import Summarizer
from .types import wire
from .validate import as_number, as_values

PSI_FLOOR = 0.005          # Wallaroo: exact-zero proportions become 0.005
TEXTBOOK_EPSILON = 1e-4    # "textbook PSI" (Evidently-style): zero proportions become 1e-4


def psi_terms(b: np.ndarray, w: np.ndarray, textbook: bool = False) -> np.ndarray:
    """Per-bin PSI (w′ − b′)·ln(w′/b′) with exact zeros floored; a bin 0 on both sides scores 0."""
    floor = TEXTBOOK_EPSILON if textbook else PSI_FLOOR
    bf = np.where(b == 0, floor, b)
    wf = np.where(w == 0, floor, w)
    s = (wf - bf) * np.log(wf / bf)
    return np.where((b == 0) & (w == 0), 0.0, s)


def uses_textbook(summ: Summarizer, textbook_psi: bool) -> bool:
    """Whether ``textbook_psi`` changes anything: only the PSI formula (metric PSI, Density) has a floor."""
    return bool(textbook_psi) and summ.metric == "PSI" and summ.aggregation == "Density"


def score_matrix(b: np.ndarray, w: np.ndarray, summ: Summarizer,
                 textbook_psi: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Scores of many windows at once.

    ``b``: baseline aggregated values (K,); ``w``: window aggregated values (W, K).
    Returns (per-bin scores (W, K), score (W,), bin_index (W,) int or None when the metric is not MaxDiff).
    """
    return score_arrays(b, w, summ.metric, summ.aggregation, summ.weights(), uses_textbook(summ, textbook_psi))


def score_arrays(b: Any, w: Any, metric: str, aggregation: str, weights: np.ndarray | None = None,
                 textbook: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``score_matrix`` from plain settings (V1 and V2 share the formulas, assay-math §6 / assays-v2 §5.5).

    ``weights``: normalised per-bin weights (sum 1) or None; ``textbook``: the 1e-4 PSI floor.
    """
    b = np.asarray(b, dtype=np.float64)
    w = np.atleast_2d(np.asarray(w, dtype=np.float64))
    if w.shape[1] != b.shape[0]:
        raise ValueError(f"window has {w.shape[1]} aggregated values, baseline has {b.shape[0]}")
    if metric == "PSI" and aggregation == "Density":
        s = psi_terms(b, w, textbook)
    else:  # MaxDiff/SumDiff; Cumulative + PSI = Σ|Δcum| (no PSI formula); Edges (OPEN): |Δ edge position|
        s = np.abs(w - b)
    if weights is not None:
        if weights.size != s.shape[1]:
            raise ValueError(f"bin_weights has {weights.size} values but there are {s.shape[1]} bins")
        s = s * weights
    if metric == "MaxDiff":
        idx = np.argmax(s, axis=1)
        return s, s[np.arange(s.shape[0]), idx], idx
    total = _rowsum(s)
    if metric == "SumDiff":
        total = total / 2
    return s, total, None


def _rowsum(s: np.ndarray) -> np.ndarray:
    """Left-to-right sum of each row (the order a plain loop over bins uses)."""
    total = np.zeros(s.shape[0])
    for j in range(s.shape[1]):
        total += s[:, j]
    return total


def score(baseline: Any, window: Any, summarizer: Summarizer | dict | None = None,
          textbook_psi: bool = False) -> dict[str, Any]:
    """``{"score", "scores", "bin_index"}`` of a window summary against a baseline summary (``drift.Summary``
    objects or their dicts).

    ``textbook_psi=True`` is NOT Wallaroo's rule: zero proportions become 1e-4 instead of 0.005 (for
    comparison with other tools); it only applies to metric PSI with Density, and only then is the result
    labelled ``"psi_variant": "textbook"``.
    """
    summ = Summarizer.from_dict(summarizer)
    baseline, window = wire(baseline), wire(window)
    b = as_values(_agg(baseline, "baseline"), "baseline aggregated_values", allow_nan=False)
    w = as_values(_agg(window, "window"), "window aggregated_values", allow_nan=False)
    s, total, idx = score_matrix(b, w[None, :], summ, textbook_psi)
    out = {"score": float(total[0]), "scores": s[0].tolist(), "bin_index": None if idx is None else int(idx[0])}
    if uses_textbook(summ, textbook_psi):
        out["psi_variant"] = "textbook"  # not Wallaroo's rule
    return out


def _agg(summary: Any, name: str) -> Any:
    if not isinstance(summary, dict) or "aggregated_values" not in summary:
        raise ValueError(f"{name} must be a Summary dict with 'aggregated_values'")
    return summary["aggregated_values"]


def status(score: float, warning_threshold: float | None = None, alert_threshold: float | None = 0.25) -> str:
    """``Alert`` if score ≥ alert, else ``Warning`` if score ≥ warning, else ``Ok`` (None thresholds skipped)."""
    value = as_number(score, "score")
    warn = as_number(warning_threshold, "warning_threshold", optional=True)
    alert = as_number(alert_threshold, "alert_threshold", optional=True)
    if alert is not None and value >= alert:  # type: ignore[operator]
        return "Alert"
    if warn is not None and value >= warn:  # type: ignore[operator]
        return "Warning"
    return "Ok"


def status_array(scores: np.ndarray, warning_threshold: float | None, alert_threshold: float | None) -> np.ndarray:
    """Vectorised ``status`` (NaN score -> "NoData")."""
    out = np.full(scores.shape, "Ok", dtype=object)
    if warning_threshold is not None:
        out[scores >= warning_threshold] = "Warning"
    if alert_threshold is not None:
        out[scores >= alert_threshold] = "Alert"
    out[np.isnan(scores)] = "NoData"
    return out
