"""Typed V2 summaries and scores with ``from_api`` / ``to_api`` (shapes: docs/assays-v2-math.md "Wire shapes").

``SeriesSummary`` serves both the full summary (``name`` and ``aggregation`` set) and the preview's
``MinimalSummary`` (both None: left out of ``to_api``). ``start`` / ``end`` keys are always written (null
allowed), ``statistics`` always has its six keys, ``bins.edges`` end with ``"INFINITY"`` (unless mode
``"None"``: no bins at all).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import math
from collections.abc import Mapping
from typing import Any

from . import wire

AGGREGATIONS = ("Density", "Cumulative", "Edges")
METRICS = ("PSI", "MaxDiff", "SumDiff")
BIN_MODE_KINDS = ("None", "Equal", "Quantile", "QuantileWithExplicitOutliers", "Provided")
STATUSES = ("Ok", "Warning", "Alert")


@dataclasses.dataclass(frozen=True)
class BinMode:
    """``"None"`` · ``{"Equal": n}`` · ``{"Quantile": n}`` · ``{"QuantileWithExplicitOutliers": n}`` ·
    ``{"Provided": [e0, …]}``; ``n`` for the counted modes, ``edges`` (sorted) for Provided."""

    kind: str = "Quantile"
    n: int | None = 5
    edges: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        wire.choice(self.kind, "bin_mode", BIN_MODE_KINDS)
        if self.kind == "Provided":
            if not self.edges:
                raise wire.WireError("bin_mode.Provided", "needs at least one edge")
            edges = tuple(sorted(wire.floats(self.edges, "bin_mode.Provided")))
            object.__setattr__(self, "edges", edges)
            object.__setattr__(self, "n", None)
        elif self.kind == "None":
            object.__setattr__(self, "n", None)
            object.__setattr__(self, "edges", None)
        else:
            object.__setattr__(self, "n", wire.integer(self.n, f"bin_mode.{self.kind}", minimum=1))
            object.__setattr__(self, "edges", None)

    @classmethod
    def quantile(cls, n: int = 5) -> BinMode:
        return cls("Quantile", n)

    @classmethod
    def equal(cls, n: int = 5) -> BinMode:
        return cls("Equal", n)

    @classmethod
    def quantile_with_outliers(cls, n: int = 5) -> BinMode:
        return cls("QuantileWithExplicitOutliers", n)

    @classmethod
    def provided(cls, edges: Any) -> BinMode:
        return cls("Provided", None, tuple(edges))

    @classmethod
    def none(cls) -> BinMode:
        return cls("None", None)

    @classmethod
    def from_api(cls, data: Any, field: str = "bin_mode") -> BinMode:
        kind, value = wire.tagged(data, field, BIN_MODE_KINDS)
        if kind == "None":
            return cls("None", None)
        if kind == "Provided":
            return cls("Provided", None, wire.floats(value, f"{field}.Provided"))
        return cls(kind, wire.integer(value, f"{field}.{kind}", minimum=1))

    def to_api(self) -> Any:
        if self.kind == "None":
            return "None"
        if self.kind == "Provided":
            return {"Provided": [float(e) for e in self.edges or ()]}
        return {self.kind: self.n}

    @property
    def num_bins(self) -> int:
        """Bins this mode produces: Quantile n; Equal and QuantileWithExplicitOutliers n + 2; Provided k + 1;
        None 0."""
        if self.kind == "None":
            return 0
        if self.kind == "Provided":
            return len(self.edges or ()) + 1
        assert self.n is not None
        return self.n if self.kind == "Quantile" else self.n + 2


@dataclasses.dataclass(frozen=True)
class Statistics:
    count: int
    max: float
    mean: float
    median: float
    min: float
    std: float

    @classmethod
    def from_api(cls, data: Any, field: str = "statistics") -> Statistics:
        d = wire.obj(data, field)
        nums = {k: wire.number(wire.req(d, k, field), f"{field}.{k}") for k in ("max", "mean", "median", "min", "std")}
        return cls(count=wire.integer(wire.req(d, "count", field), f"{field}.count", minimum=0), **nums)  # type: ignore[arg-type]

    def to_api(self) -> dict[str, Any]:
        return {"count": int(self.count), "max": float(self.max), "mean": float(self.mean),
                "median": float(self.median), "min": float(self.min), "std": float(self.std)}


@dataclasses.dataclass(frozen=True)
class Bins:
    """Right edges of the bins (last +∞, ``"INFINITY"`` on the wire), their labels and the mode that made them."""

    edges: tuple[float, ...]
    labels: tuple[str, ...]
    mode: BinMode

    @classmethod
    def from_api(cls, data: Any, field: str = "bins") -> Bins:
        d = wire.obj(data, field)
        raw_edges, raw_labels = d.get("edges"), d.get("labels")
        if not isinstance(raw_edges, list):
            raise wire.WireError(f"{field}.edges", "expected a list")
        if not isinstance(raw_labels, list) or not all(isinstance(x, str) for x in raw_labels):
            raise wire.WireError(f"{field}.labels", "expected a list of strings")
        edges = tuple(wire.edge(e, f"{field}.edges[{i}]") for i, e in enumerate(raw_edges))
        if any(b < a for a, b in zip(edges[:-1], edges[1:], strict=True)):
            raise wire.WireError(f"{field}.edges", "must be sorted ascending")
        return cls(edges, tuple(raw_labels), BinMode.from_api(wire.req(d, "mode", field), f"{field}.mode"))

    def to_api(self) -> dict[str, Any]:
        edges, labels, mode = self._api
        if not isinstance(mode, str):  # a fresh {"Quantile": 5} / {"Provided": [...]} for every caller
            mode = {k: list(v) if isinstance(v, list) else v for k, v in mode.items()}
        return {"edges": list(edges), "labels": list(labels), "mode": mode}

    @functools.cached_property
    def _api(self) -> tuple[tuple[float | str, ...], tuple[str, ...], Any]:
        """The wire pieces, converted once (every window of a run repeats the baseline's bins)."""
        return tuple(wire.edge_out(e) for e in self.edges), self.labels, self.mode.to_api()

    @property
    def finite_edges(self) -> tuple[float, ...]:
        return tuple(e for e in self.edges if e != math.inf)


@dataclasses.dataclass(frozen=True)
class SeriesSummary:
    """A V2 summary (baseline, result window or, with ``name``/``aggregation`` None, a preview MinimalSummary)."""

    aggregated_values: tuple[float, ...]
    bins: Bins
    statistics: Statistics
    aggregation: str | None = "Density"
    name: str | None = None
    start: _dt.datetime | None = None
    end: _dt.datetime | None = None

    @classmethod
    def from_api(cls, data: Any, field: str = "summary") -> SeriesSummary:
        d = wire.obj(data, field)
        agg = d.get("aggregation")
        return cls(aggregated_values=wire.floats(wire.req(d, "aggregated_values", field), f"{field}.aggregated_values"),
                   bins=Bins.from_api(wire.req(d, "bins", field), f"{field}.bins"),
                   statistics=Statistics.from_api(wire.req(d, "statistics", field), f"{field}.statistics"),
                   aggregation=None if agg is None else wire.choice(agg, f"{field}.aggregation", AGGREGATIONS),
                   name=wire.text(d.get("name"), f"{field}.name", optional=True),
                   start=wire.time(d.get("start"), f"{field}.start", optional=True),
                   end=wire.time(d.get("end"), f"{field}.end", optional=True))

    def to_api(self, minimal: bool = False) -> dict[str, Any]:
        """The wire dict; ``minimal``: as ``self.minimal().to_api()`` (no name, no aggregation) without a copy."""
        out: dict[str, Any] = {}
        if self.name is not None and not minimal:
            out["name"] = self.name
        out["aggregated_values"] = [float(v) for v in self.aggregated_values]
        if self.aggregation is not None and not minimal:
            out["aggregation"] = self.aggregation
        out.update(bins=self.bins.to_api(), statistics=self.statistics.to_api(),
                   start=wire.server_time(self.start), end=wire.server_time(self.end))
        return out

    def minimal(self) -> SeriesSummary:
        """The preview's MinimalSummary form (no name, no aggregation)."""
        return dataclasses.replace(self, name=None, aggregation=None)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.bins.labels


def summaries_from_api(data: Any, field: str) -> dict[str, SeriesSummary]:
    """A FieldTaggedSummaries map ``{<iopath key>: SeriesSummary}``."""
    d = wire.obj(data, field)
    return {str(k): SeriesSummary.from_api(v, f"{field}.{k}") for k, v in d.items()}


@dataclasses.dataclass(frozen=True)
class ScoreData:
    """``score`` (float), per-bin ``scores``, ``bin_index`` (MaxDiff only; the key is always written)."""

    score: float
    scores: tuple[float, ...]
    bin_index: int | None = None

    @classmethod
    def from_api(cls, data: Any, field: str = "score") -> ScoreData:
        d = wire.obj(data, field)
        return cls(wire.number(wire.req(d, "score", field), f"{field}.score"),  # type: ignore[arg-type]
                   wire.floats(d.get("scores") or [], f"{field}.scores"),
                   wire.integer(d.get("bin_index"), f"{field}.bin_index", optional=True))

    def to_api(self) -> dict[str, Any]:
        return {"score": float(self.score), "scores": [float(s) for s in self.scores], "bin_index": self.bin_index}


def scores_from_api(data: Any, field: str = "scores") -> dict[str, ScoreData | str]:
    """``{<iopath key>: ScoreData | "<error message>"}``."""
    d = wire.obj(data, field)
    return {str(k): v if isinstance(v, str) else ScoreData.from_api(v, f"{field}.{k}") for k, v in d.items()}


def scores_to_api(scores: Mapping[str, ScoreData | str]) -> dict[str, Any]:
    return {k: v if isinstance(v, str) else v.to_api() for k, v in scores.items()}
