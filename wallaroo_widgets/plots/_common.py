"""Shared helpers: accept local engine results and server dicts alike; colours; bin labels."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..drift.edges import finite_edges
from ..drift.timeutil import try_utc

# as_summary: a typed Summary from anything the plots take (checked once); wire: typed V1 objects in, wire
# dicts inside the score timeline (its rows also come from DataFrames and WindowScores)
from ..drift.types import Summary, as_summary, wire  # noqa: F401

BASELINE_COLOR = "#1f77b4"   # Wallaroo's charts: baseline blue
WINDOW_COLOR = "#ff7f0e"     # window orange
STATUS_COLORS = {"Ok": "green", "Warning": "orange", "Alert": "red", "NoData": "grey", "BaselineRun": "steelblue"}
OTHER_STATUS_COLOR = "red"   # V1 SDK: anything else is red
OUTLIER_PATTERN = "/"


_SI = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
MAX_DIGITS = 17  # enough to tell any two distinct float64 apart


def fmt(x: float, digits: int = 3) -> str:
    """Compact number for labels: ``digits`` significant digits, thousands as K/M/B/T (395K, 1.49M).

    The suffix is chosen after rounding, so 999.7 prints ``1K`` (never ``1e+03``).
    """
    if not np.isfinite(x):
        return f"{x}"
    r = float(f"{x:.{digits}g}")
    for scale, suffix in _SI:
        if scale <= abs(r) < scale * 1000:
            return f"{r / scale:.{digits}g}{suffix}"
    return f"{r:.{digits}g}"  # below 1000, or beyond 999T (scientific)


def fmt_precise(x: float, digits: int = 6) -> str:
    """A number with ``digits`` significant digits and no suffix (hover text)."""
    return f"{x:.{digits}g}" if np.isfinite(x) else f"{x}"


def distinct_digits(values: np.ndarray, formatter: Callable[[float, int], str], start: int) -> int:
    """The fewest significant digits (≥ ``start``) at which neighbouring distinct values print differently."""
    pairs = [(a, b) for a, b in zip(values[:-1], values[1:], strict=True) if a != b]
    for digits in range(start, MAX_DIGITS + 1):
        if all(formatter(a, digits) != formatter(b, digits) for a, b in pairs):
            return digits
    return MAX_DIGITS


def fmt_time(value: Any) -> str:
    """A window start/end as ``2026-11-08 00:00 UTC`` (other values unchanged)."""
    ts = try_utc(value)
    return str(value) if ts is None else ts.strftime("%Y-%m-%d %H:%M UTC")


def fmt_span(start: Any, end: Any) -> str:
    """A window as ``2026-11-05 06:00 → 2026-11-06 06:00 UTC`` (seconds only when either end has them);
    an end that is missing or unparseable is left out or shown as given."""
    a, b = try_utc(start), try_utc(end)
    secs = any(t is not None and (t.second or t.microsecond) for t in (a, b))
    form = "%Y-%m-%d %H:%M:%S" if secs else "%Y-%m-%d %H:%M"
    first = a.strftime(form) if a is not None else str(start)
    if end is None or end == "":
        return f"{first} UTC" if a is not None else first
    second = b.strftime(form) if b is not None else str(end)
    return f"{first} → {second}{' UTC' if a is not None or b is not None else ''}"


TOP_LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0}


def _layout(summary: Summary | Mapping[str, Any] | None) -> tuple[list[Any], list[str], int, bool | None]:
    """(edges, bin names, number of aggregated values, outlier_bins or None) of a typed Summary or its dict."""
    if isinstance(summary, Summary):
        return list(summary.edges), list(summary.names), len(summary.aggregated_values), summary.outlier_bins
    s = summary or {}
    outlier = bool(s["outlier_bins"]) if "outlier_bins" in s else None
    return (list(s.get("edges") or []), list(s.get("edge_names") or s.get("labels") or []),
            len(s.get("aggregated_values") or []), outlier)


def bin_ranges(summary: Summary | Mapping[str, Any], precise: bool = False) -> list[str]:
    """``< e0``, ``[e0, e1]``, ``(e1, e2]``, …, ``> en`` for each bin of a summary (right-closed bins).

    Compact (``fmt``, ≥ 3 digits) or ``precise`` (≥ 6 digits, no suffix, for hover text); either way with
    as many digits as it takes for neighbouring distinct edges to print differently.
    """
    raw_edges, _, count, outlier = _layout(summary)
    if outlier is not None and not raw_edges:  # V2 Quantile 1 / mode "None": no edges
        return [""] * count
    edges = finite_edges(raw_edges)
    formatter = fmt_precise if precise else fmt
    digits = distinct_digits(edges, formatter, 6 if precise else 3)

    def f(x: float) -> str:
        return formatter(float(x), digits)

    if not has_outlier_bins(summary):  # V2 layout: right edges only, bin 0 = (−∞, e0]
        return [f"≤ {f(edges[0])}", *(f"({f(a)}, {f(b)}]" for a, b in zip(edges[:-1], edges[1:], strict=True)),
                f"> {f(edges[-1])}"]
    out = [f"< {f(edges[0])}", f"[{f(edges[0])}, {f(edges[1])}]"] if edges.size > 1 else [f"< {f(edges[0])}"]
    out += [f"({f(a)}, {f(b)}]" for a, b in zip(edges[1:-1], edges[2:], strict=True)]
    out.append(f"> {f(edges[-1])}")
    return out


def bin_names(summary: Summary | Mapping[str, Any]) -> list[str]:
    """Edge names, or bin numbers when a summary has none."""
    _, names, count, _ = _layout(summary)
    return names or [f"bin {i}" for i in range(count)]


def has_outlier_bins(summary: Summary | Mapping[str, Any] | None) -> bool:
    """V1 layout (``left_outlier`` … ``right_outlier``, or no names at all: the engine's layout) vs a V2-native
    summary whose labels (``< 20%``, ``20% - 40%`` …, ``> 80%``) are all regular quantile bins."""
    _, names, _, outlier = _layout(summary)
    if outlier is not None:  # a V2 summary says so itself (plots._v2.flat)
        return outlier
    return not names or (names[0] == "left_outlier" and names[-1] == "right_outlier")


def outlier_flags(n: int, summary: Summary | Mapping[str, Any] | None = None) -> list[bool]:
    """First and last bins are the outlier bins (V1 layout, K = n + 2); none for a V2-native ``summary``."""
    if summary is not None and not has_outlier_bins(summary):
        return [False] * n
    return [i in (0, n - 1) for i in range(n)]


def as_float(value: Any) -> float:
    """float or NaN (None, strings such as "INFINITY" -> inf/NaN)."""
    if value is None:
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf") if str(value).upper().startswith("INF") else float("nan")


def share(scores: list[float] | np.ndarray) -> np.ndarray:
    """Each bin's share (0..1) of the summed per-bin scores (zeros when the sum is 0)."""
    s = np.asarray([as_float(v) for v in scores], dtype=np.float64)
    total = np.nansum(s)
    return s / total if total > 0 else np.zeros_like(s)
