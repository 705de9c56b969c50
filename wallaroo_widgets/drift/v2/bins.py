"""V2 bins (docs/assays-v2-math.md §3): edges per mode, labels, and which bin a value falls in.

Binning reuses the V1 machinery (``drift.binning``): every V2 layout is a V1 layout over some finite edges
E = e0..em (bin 0 = x < e0 or NaN, bin 1 = [e0, e1], bin i = (e(i−1), e(i)], last = x > em), except
Quantile, whose bins are right-closed from −∞. Quantile is binned with E = [−∞, q1, …] (bin 0 then holds
NaN only) and its first two V1 bins are merged: bin 0 = (−∞, q1] ∪ NaN.
"""

from __future__ import annotations

import math

import numpy as np

from ..binning import bin_counts, bin_indices
from ..edges import equal_edges, fmt_edge
from .stats import linear_quantiles
from .types import BinMode, Bins

F32 = np.float32


def percent(i: int, n: int) -> str:
    """``100·i/n`` as ``%g`` (20, 33.3333, 12.5)."""
    return f"{100 * i / n:g}"


def quantile_labels(n: int) -> list[str]:
    """``"< 20%"``, ``"20% - 40%"``, …, ``"> 80%"`` (n = 1: ``"0% - 100%"``)."""
    if n == 1:
        return ["0% - 100%"]
    return [f"< {percent(1, n)}%", *(f"{percent(i, n)}% - {percent(i + 1, n)}%" for i in range(1, n - 1)),
            f"> {percent(n - 1, n)}%"]


def outlier_quantile_labels(n: int) -> list[str]:
    """QuantileWithExplicitOutliers (choice): ``"< 0%"``, ``"0% - 20%"``, …, ``"80% - 100%"``, ``"> 100%"``."""
    return ["< 0%", *(f"{percent(i, n)}% - {percent(i + 1, n)}%" for i in range(n)), "> 100%"]


def value_labels(finite_edges: np.ndarray) -> list[str]:
    """Equal / Provided: ``"< 2.36e5"``, ``"2.36e5 - 5.90e5"``, …, ``"> 2.01e6"`` (Rust ``{:.2e}``)."""
    f = [fmt_edge(float(e)) for e in finite_edges]
    return [f"< {f[0]}", *(f"{a} - {b}" for a, b in zip(f[:-1], f[1:], strict=True)), f"> {f[-1]}"]


def _dtype(x: np.ndarray, float32: bool) -> np.ndarray:
    """Edges stored in the column dtype: float32 data give float32 edges (widened back exactly)."""
    return x.astype(F32).astype(np.float64) if float32 else x


def compute_bins(finite: np.ndarray, mode: BinMode, float32: bool = False, part: np.ndarray | None = None) -> Bins:
    """The baseline's bins from its non-NaN values (non-empty unless mode is Provided or None); ``part``: a copy
    of ``finite`` partitioned at ``stats.quantile_positions`` (Quantile modes), else one is made."""
    if mode.kind == "None":
        return Bins((), (), mode)
    if mode.kind == "Provided":
        given = np.asarray(mode.edges, dtype=np.float64)
        return Bins((*given.tolist(), math.inf), tuple(value_labels(given)), mode)
    if finite.size == 0:
        raise ValueError(f"a {mode.kind} baseline needs at least one non-NaN value")
    n = int(mode.n or 0)
    if mode.kind == "Equal":
        e = _dtype(equal_edges(float(finite.min()), float(finite.max()), n), float32)
        return Bins((*e.tolist(), math.inf), tuple(value_labels(e)), mode)
    q = _dtype(linear_quantiles(finite, n, part), float32)
    if mode.kind == "Quantile":
        return Bins((*q.tolist(), math.inf), tuple(quantile_labels(n)), mode)
    e = np.concatenate([[finite.min()], q, [finite.max()]])  # QuantileWithExplicitOutliers
    return Bins((*e.tolist(), math.inf), tuple(outlier_quantile_labels(n)), mode)


def layout(bins: Bins) -> tuple[np.ndarray, bool]:
    """(V1-layout finite edges E, merge the first two V1 bins) for binning values into ``bins``.

    Quantile n with n edges is V2-native (E = [−∞, q…], merged); any other edge count (a converted V1
    7-bin summary) and every other mode bin in the V1 layout over their finite edges.
    """
    finite = np.asarray(bins.finite_edges, dtype=np.float64)
    if bins.mode.kind == "Quantile" and len(bins.edges) == bins.mode.n:
        return np.concatenate([[-np.inf], finite]), True
    if not finite.size:
        raise ValueError("the baseline's bins have no finite edge to bin values with")
    return finite, False


def merge(counts: np.ndarray, merged: bool) -> np.ndarray:
    """V1-layout counts (…, K) → V2 bins: the first two columns summed when ``merged``."""
    if not merged:
        return counts
    return np.concatenate([counts[..., :2].sum(axis=-1, keepdims=True), counts[..., 2:]], axis=-1)


def count_bins(values: np.ndarray, bins: Bins) -> np.ndarray:
    """Counts per bin of ``values`` (NaN in bin 0) with these bins; empty for mode "None"."""
    if not bins.edges:
        return np.zeros(0, dtype=np.int64)
    edges, merged = layout(bins)
    if edges.size == 1:  # bin_counts needs two edges: [x < e0 or NaN, x ≥ e0]
        return merge(np.bincount(bin_indices(values, edges), minlength=2).astype(np.int64), merged)
    return merge(bin_counts(values, edges), merged)
