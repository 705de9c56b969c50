"""Typed V1 summaries and assay results with ``from_api`` / ``to_api`` (shapes: docs/spec/mlops-api.md §8,
docs/spec/assay-math.md §2-§7). V2's typed objects are in ``drift.v2.types``; these sit beside them.

``Summary`` is what ``/v1/api/assays/summarize`` answers and what a result carries as ``baseline_summary`` /
``window_summary``; ``AssayResult`` is one element of ``run_interactive`` / ``get_assay_results``. ``from_api``
checks the shape once, at the boundary (the sandbox's request bodies, the plots' and panels' inputs), and
raises :class:`SummaryError` naming the field; ``to_api`` gives the dict back key for key (keys this module
does not know are kept in ``extra``, so a round trip changes nothing on the wire).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import numbers
from collections.abc import Mapping
from typing import Any

from .edges import edge_values
from .validate import as_values

STATS = ("count", "min", "max", "mean", "median", "std")


class SummaryError(ValueError):
    """A Summary or assay result that does not have the V1 shape; ``field`` names where, ``message`` what."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _number(value: Any, field: str, name: str) -> float | None:
    if value is None:
        return None
    if type(value) is float or type(value) is int:  # the wire's case, fast
        return float(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise SummaryError(field, f"{name} must be a number, got {value!r}")
    return float(value)


_PLAIN = frozenset({float, int, type(None)})


def _numbers(values: Any, field: str, name: str) -> tuple[float | None, ...]:
    """The engine's rule (``validate.as_values``): numbers, None for a missing one (NaN)."""
    if values is None or (isinstance(values, list | tuple) and not values):
        return ()
    if isinstance(values, list | tuple) and set(map(type, values)) <= _PLAIN:  # the wire's case, fast
        out = tuple(None if v is None or v != v else float(v) for v in values)
        if not any(v is not None and math.isinf(v) for v in out):
            return out
    try:
        arr = as_values(values, name, allow_empty=True)
    except ValueError as exc:
        raise SummaryError(field, str(exc)) from None
    return tuple(None if math.isnan(v) else v for v in arr.tolist())


def _edges(values: Any, field: str) -> tuple[float | None, ...]:
    """The engine's rule (``edges.edge_values``): numbers, None / ``"INFINITY"`` for +inf."""
    if isinstance(values, list | tuple) and set(map(type, values)) <= _PLAIN:  # the wire's case, fast
        return tuple(None if v is None else float(v) for v in values)
    try:
        return tuple(edge_values(values))
    except ValueError as exc:
        raise SummaryError(field, str(exc)) from None


@dataclasses.dataclass(frozen=True)
class Summary:
    """A V1 Summary: statistics, edges (``None`` = +inf), edge names, aggregated values, aggregation, span.

    ``labels`` and ``outlier_bins`` (None: not said) are what a V2 series summary flattened for the figures
    adds (``plots._v2.flat``): its bin labels and whether its first and last bins are outlier bins."""

    aggregated_values: tuple[float | None, ...]
    edges: tuple[float | None, ...] = ()
    edge_names: tuple[str, ...] = ()
    aggregation: str | None = None
    count: float | None = None
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    median: float | None = None
    std: float | None = None
    start: str | None = None
    end: str | None = None
    labels: tuple[str, ...] = ()
    outlier_bins: bool | None = None
    #: the mapping as received (key order, raw edges and keys this class does not model)
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, data: Any, field: str = "summary", *, edges_required: bool = True) -> Summary:
        """The Summary in ``data`` (a Summary or a ``Summary``); ``edges_required=False`` also takes the
        edge-less flat V2 summaries the plots draw."""
        if isinstance(data, Summary):
            return data
        if not isinstance(data, Mapping):
            raise SummaryError(field, f"expected a Summary object, got {type(data).__name__}")
        if "aggregated_values" not in data:
            raise SummaryError(field, "has no 'aggregated_values' (expected a Summary, as /assays/summarize returns)")
        raw_edges = data.get("edges")
        if edges_required and not isinstance(raw_edges, list | tuple):
            raise SummaryError(field, "has no 'edges' list (expected a Summary, as /assays/summarize returns)")
        names, labels = data.get("edge_names"), data.get("labels")
        return cls(aggregated_values=_numbers(data["aggregated_values"], f"{field}.aggregated_values",
                                              "aggregated_values"),
                   edges=_edges(raw_edges or (), f"{field}.edges"),
                   edge_names=tuple(str(n) for n in names) if isinstance(names, list | tuple) else (),
                   aggregation=data.get("aggregation"),
                   **{k: _number(data.get(k), f"{field}.{k}", k) for k in STATS},
                   start=data.get("start"), end=data.get("end"),
                   labels=tuple(str(n) for n in labels) if isinstance(labels, list | tuple) else (),
                   outlier_bins=bool(data["outlier_bins"]) if "outlier_bins" in data else None, raw=dict(data))

    def to_api(self) -> dict[str, Any]:
        """The wire dict: as received for a parsed Summary, else in ``drift.summarize``'s key order (plus
        ``labels`` / ``outlier_bins`` when set)."""
        if self.raw:
            return dict(self.raw)
        out = {**{k: getattr(self, k) for k in STATS}, "edges": list(self.edges), "edge_names": list(self.edge_names),
               "aggregated_values": list(self.aggregated_values), "aggregation": self.aggregation,
               "start": self.start, "end": self.end}
        if self.labels:
            out["labels"] = list(self.labels)
        if self.outlier_bins is not None:
            out["outlier_bins"] = self.outlier_bins
        return out

    @property
    def names(self) -> tuple[str, ...]:
        """The bins' names: edge names, else (V2) labels."""
        return self.edge_names or self.labels

    @property
    def finite_edges(self) -> tuple[float, ...]:
        """The edges without the +inf one(s)."""
        return tuple(e for e in self.edges if e is not None and math.isfinite(e))


#: a V1 result record's keys in the server's order (``to_api`` of a result built here)
RECORD_KEYS = ("id", "assay_id", "window_start", "analyzed_at", "elapsed_millis", "pipeline_id", "workspace_id",
               "workspace_name", "baseline_summary", "window_summary", "warning_threshold", "alert_threshold",
               "score", "scores", "bin_index", "summarizer", "status", "created_at")
#: the server's own fields, taken as they come
_SERVER = ("id", "assay_id", "analyzed_at", "elapsed_millis", "pipeline_id", "workspace_id", "workspace_name",
           "summarizer", "created_at")


@dataclasses.dataclass(frozen=True)
class AssayResult:
    """One V1 assay result window (``run_interactive`` / ``get_assay_results`` element): the engine's part
    (summaries, score, scores, bin index, status, thresholds) and the server's (ids, times, summarizer echo)."""

    window_summary: Summary | None
    baseline_summary: Summary | None = None
    window_start: str | None = None
    score: float | None = None
    scores: tuple[float | None, ...] | None = None
    bin_index: int | None = None
    status: str | None = None
    warning_threshold: float | None = None
    alert_threshold: float | None = None
    id: int | None = None
    assay_id: int | None = None
    analyzed_at: str | None = None
    elapsed_millis: int | None = None
    pipeline_id: int | None = None
    workspace_id: int | None = None
    workspace_name: str | None = None
    summarizer: Mapping[str, Any] | None = None
    created_at: str | None = None
    #: ``"textbook"`` on a local result scored with the textbook PSI rule (never Wallaroo's numbers)
    psi_variant: str | None = None
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, data: Any, field: str = "result", *, baseline: Summary | None = None) -> AssayResult:
        """The result in ``data``; ``baseline`` is used for a ``baseline_summary`` equal to its wire dict
        (a run's results share one baseline: parsed once)."""
        if isinstance(data, AssayResult):
            return data
        if not isinstance(data, Mapping):
            raise SummaryError(field, f"expected an assay result object, got {type(data).__name__}")
        win, base = data.get("window_summary"), data.get("baseline_summary")
        scores = data.get("scores")
        index = data.get("bin_index")
        if baseline is not None and base != baseline.raw:
            baseline = None
        return cls(
            window_summary=_summary_or_none(win, f"{field}.window_summary"),
            baseline_summary=baseline or _summary_or_none(base, f"{field}.baseline_summary"),
            window_start=data.get("window_start"), score=_number(data.get("score"), f"{field}.score", "score"),
            scores=None if scores is None else _numbers(scores, f"{field}.scores", "scores"),
            bin_index=None if index is None else int(index), status=data.get("status"),
            warning_threshold=_number(data.get("warning_threshold"), f"{field}.warning_threshold", "warning_threshold"),
            alert_threshold=_number(data.get("alert_threshold"), f"{field}.alert_threshold", "alert_threshold"),
            **{k: data.get(k) for k in _SERVER}, psi_variant=data.get("psi_variant"), raw=dict(data))

    def to_api(self) -> dict[str, Any]:
        """The wire dict: as received for a parsed result, else every :data:`RECORD_KEYS` key in order."""
        if self.raw:
            return dict(self.raw)
        out = {k: _wire_value(getattr(self, k)) for k in RECORD_KEYS}
        if self.psi_variant is not None:
            out["psi_variant"] = self.psi_variant
        return out

    def replace(self, **changes: Any) -> AssayResult:
        """A copy with ``changes`` (field names); a parsed result's wire dict changes the same keys only."""
        new = copy.copy(self)  # not dataclasses.replace: a run's hundreds of results are stamped at once
        for k, v in changes.items():
            if k not in _FIELDS:
                raise TypeError(f"AssayResult has no field {k!r}")
            object.__setattr__(new, k, v)
        object.__setattr__(new, "raw", {**self.raw, **{k: _wire_value(v) for k, v in changes.items()}}
                           if self.raw else {})
        return new


_FIELDS = frozenset(f.name for f in dataclasses.fields(AssayResult)) - {"raw"}


def _summary_or_none(data: Any, field: str) -> Summary | None:
    if isinstance(data, Summary):
        return data
    if isinstance(data, Mapping) and "aggregated_values" in data:
        return Summary.from_api(data, field, edges_required=False)
    return None


def _wire_value(value: Any) -> Any:
    if value is None or type(value) in (str, int, float):
        return value
    if isinstance(value, Summary):
        return value.to_api()
    return list(value) if isinstance(value, tuple) else value


def results_from_api(items: Any, field: str = "results", *, baseline: Summary | None = None) -> list[AssayResult]:
    """Every result of a list; a run's results share their baseline Summary (``baseline``, else the first one
    parsed): one object, parsed once."""
    out: list[AssayResult] = []
    base = baseline
    for i, item in enumerate(items):
        out.append(AssayResult.from_api(item, f"{field}[{i}]", baseline=base))
        base = out[-1].baseline_summary or base
    return out


def as_summary(item: Any, name: str = "window") -> Summary:
    """The Summary of a Summary, an AssayResult (its ``window_summary``) or their dicts (parsed once, here)."""
    if isinstance(item, AssayResult):
        if item.window_summary is None:
            raise ValueError(f"{name} has neither 'window_summary' nor 'aggregated_values'")
        return item.window_summary
    if isinstance(item, Summary):
        return item
    return Summary.from_api(summary_dict(item, name, check=False), name, edges_required=False)


def summary_dict(item: Any, name: str = "window", *, check: bool = True) -> Mapping[str, Any]:
    """The Summary dict of a Summary, an AssayResult (its ``window_summary``) or their dicts (checked once)."""
    if isinstance(item, AssayResult):
        item = item.window_summary
    if isinstance(item, Summary):
        return item.to_api()
    if not isinstance(item, Mapping):
        raise ValueError(f"{name} must be a Summary or an assay result dict, got {type(item).__name__}")
    if isinstance(item.get("window_summary"), Mapping):
        item = item["window_summary"]
    elif "aggregated_values" not in item:
        raise ValueError(f"{name} has neither 'window_summary' nor 'aggregated_values'")
    if check:
        Summary.from_api(item, name, edges_required=False)  # checked once, here
    return item  # the caller's own dict (identity tells a baseline shown against itself)


def wire(item: Any) -> Any:
    """A typed V1 object as its wire dict; anything else unchanged."""
    return item.to_api() if isinstance(item, Summary | AssayResult) else item
