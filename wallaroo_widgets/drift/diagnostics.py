"""Diagnostics no server gives: tied quantile edges, constant or tiny baselines, empty windows, and how
much of a score the outlier bins carry."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .edges import finite_edges, quantile_names
from .summarizer import Summarizer
from .validate import as_values


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


def baseline_diagnostics(values: Any, baseline: dict[str, Any],
                         summarizer: Summarizer | dict | None = None) -> list[Diagnostic]:
    """Findings about a baseline: too small, constant, collapsed (tied) edges, NaN share."""
    summ = Summarizer.from_dict(summarizer)
    vals = as_values(values, "values")
    n_finite = int(vals.size - np.isnan(vals).sum())
    return baseline_findings(vals.size, n_finite, finite_edges(baseline["edges"]), summ)


def outlier_share(result: dict[str, Any]) -> float | None:
    """Share (0..1) of a result's summed per-bin scores coming from the two outlier bins; None if no score."""
    scores = result.get("scores")
    if not scores:
        return None
    s = np.asarray(scores, dtype=np.float64)
    total = s.sum()
    return float((s[0] + s[-1]) / total) if total > 0 else 0.0


def results_diagnostics(results: list[dict[str, Any]]) -> list[Diagnostic]:
    """Findings over many results: empty windows, windows whose score is mostly outlier bins."""
    out: list[Diagnostic] = []
    empty = sum(1 for r in results if r.get("score") is None)
    if empty:
        out.append(Diagnostic("empty_windows", f"{empty} of {len(results)} windows have no data (no score)"))
    mostly = sum(1 for r in results if (outlier_share(r) or 0) > 0.5)
    if mostly:
        out.append(Diagnostic("outlier_driven", f"in {mostly} windows more than half of the score comes from "
                                                "the outlier bins (values outside the baseline range)", "info"))
    return out
