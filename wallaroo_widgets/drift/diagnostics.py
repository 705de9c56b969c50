"""Diagnostics no server gives: tied quantile edges, constant or tiny baselines, empty windows, and how
much of a score the outlier bins carry."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from .edges import finite_edges, quantile_names
from .summarizer import Summarizer
from .types import AssayResult, results_from_api, wire
from .validate import as_values
from .windows import common_interval, missing_after, times_to_ns


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable ``code``, a sentence for users and a level ("warning" | "info")."""

    code: str
    message: str
    level: str = "warning"


def baseline_findings(n_values: int, n_finite: int, edges: np.ndarray, summ: Summarizer) -> list[Diagnostic]:
    """Findings from a baseline's sizes and edges (what ``summarize`` already knows)."""
    out: list[Diagnostic] = []
    n = summ.num_bins
    if n_finite < n:
        out.append(Diagnostic("too_small", f"the baseline has {n_finite} values for {n} bins; "
                                           "some bins cannot hold any value"))
    constant = bool(edges.size and edges[0] == edges[-1])
    if constant:
        out.append(Diagnostic("constant", f"the baseline is constant ({edges[0]:g}): every bin but one is "
                                          "empty and any change scores near the PSI ceiling"))
    # bin 1 = [e0, e1] still holds the values equal to e0 (e0 == e1 is harmless); a bin i ≥ 2 =
    # (e(i−1), e(i)] can never hold a value when its edges are tied: warn only then
    empty = [name for i, name in enumerate(quantile_names(n), start=1) if i >= 2 and edges[i] == edges[i - 1]]
    if empty and summ.bin_mode == "Quantile" and not constant:
        dupes = int(np.sum(np.diff(edges) == 0))
        out.append(Diagnostic("tied_edges", f"{dupes} of {n} quantile edges coincide with the previous edge "
                                            f"(tied values): {len(empty)} bins ({', '.join(empty)}) can never "
                                            "hold a value"))
    nans = n_values - n_finite
    if nans:
        out.append(Diagnostic("nan_values", f"{nans} of {n_values} baseline values are NaN (counted in the "
                                            "left_outlier bin)", "info"))
    return out


def baseline_diagnostics(values: Any, baseline: Any,
                         summarizer: Summarizer | dict | None = None) -> list[Diagnostic]:
    """Findings about a baseline (a Summary, typed or its dict): too small, constant, collapsed (tied) edges,
    NaN share."""
    summ = Summarizer.from_dict(summarizer)
    baseline = wire(baseline)
    vals = as_values(values, "values")
    n_finite = int(vals.size - np.isnan(vals).sum())
    return baseline_findings(vals.size, n_finite, finite_edges(baseline["edges"]), summ)


def outlier_share(result: Any) -> float | None:
    """Share (0..1) of a result's score coming from the two outlier bins: of the summed per-bin scores, or for
    MaxDiff (score = one bin's difference) 1 or 0 by ``bin_index``. None without scores, and for the Edges
    aggregation (its entries are edge positions e0..en, not bins: there are no outlier bins). ``result``: an
    AssayResult, typed or its dict."""
    r = AssayResult.from_api(result)
    scores, summ = r.scores, r.summarizer or {}
    if not scores or "Edges" in (summ.get("aggregation"), r.window_summary and r.window_summary.aggregation):
        return None
    if summ.get("metric") == "MaxDiff" and r.bin_index is not None:
        return float(r.bin_index in (0, len(scores) - 1))
    s = np.asarray(scores, dtype=np.float64)
    total = s.sum()
    return float((s[0] + s[-1]) / total) if total > 0 else 0.0


def missing_windows(results: list[Any]) -> tuple[pd.Timedelta | None, list[pd.Timestamp]]:
    """(interval, starts of the windows missing between results): the interval is the most common spacing of
    ``window_start``; a larger spacing means windows without a result (the server omits empty windows).
    Only gaps between the first and the last result can be seen."""
    starts = [r.window_start for r in results_from_api(results) if r.window_start is not None]
    if len(starts) < 2:
        return None, []
    ns = np.unique(times_to_ns(starts, "window_start"))
    step = common_interval(ns)
    if step is None:
        return None, []
    counts = missing_after(ns, step)
    prev = np.repeat(ns[:-1], counts)
    k = np.arange(prev.size) - np.repeat(np.cumsum(counts) - counts, counts) + 1  # 1, 2, … within each gap
    return pd.Timedelta(step), list(pd.to_datetime(prev + k * step, unit="ns", utc=True))


def human_duration(delta: pd.Timedelta) -> str:
    """``1 hour``, ``30 minutes``, ``7 days``: the largest unit that divides ``delta`` (else seconds)."""
    ns = int(delta.value)
    for unit, size in (("week", 604_800), ("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        if ns % (size * 10**9) == 0:
            n = ns // (size * 10**9)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{ns / 1e9:g} seconds"


def results_diagnostics(results: list[Any]) -> list[Diagnostic]:
    """Findings over many results (AssayResults, typed or their dicts): empty windows (no score, or missing from
    the window_start sequence), windows whose score is mostly outlier bins."""
    out: list[Diagnostic] = []
    results = results_from_api(results)
    empty = sum(1 for r in results if r.score is None)
    if empty:
        out.append(Diagnostic("empty_windows", f"{empty} of {len(results)} windows have no data (no score)"))
    step, missing = missing_windows(results)
    if missing:
        shown = ", ".join(t.strftime("%Y-%m-%d %H:%M:%S UTC") for t in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        out.append(Diagnostic("missing_windows", f"{len(missing)} windows have no result (results come every "
                                                 f"{human_duration(step)}; empty windows are omitted): {shown}{more}"))
    mostly = sum(1 for r in results if (outlier_share(r) or 0) > 0.5)
    if mostly:
        out.append(Diagnostic("outlier_driven", f"in {mostly} windows more than half of the score comes from "
                                                "the outlier bins (values outside the baseline range)", "info"))
    return out
