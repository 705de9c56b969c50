"""Typed V2 assay configuration with ``from_api`` / ``to_api``: summarizer, targeting (iopaths and their
thresholds), scheduling, window, baselines and the ``AssayV2`` object (docs/assays-v2-math.md "Wire shapes").
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import uuid
from collections.abc import Mapping
from typing import Any

from . import wire
from .types import AGGREGATIONS, METRICS, BinMode, SeriesSummary, summaries_from_api

INTERVAL_UNITS = ("Minute", "Hour", "Day", "Week")
UNIT_SECONDS = {"Minute": 60, "Hour": 3600, "Day": 86400, "Week": 604800}


@dataclasses.dataclass(frozen=True)
class UnivariateContinuous:
    """``{"UnivariateContinuous": {aggregation, bin_mode, metric, bin_weights}}`` (the V2 summarizer)."""

    bin_mode: BinMode = dataclasses.field(default_factory=BinMode)
    aggregation: str = "Density"
    metric: str = "PSI"
    bin_weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        wire.choice(self.aggregation, "aggregation", AGGREGATIONS)
        wire.choice(self.metric, "metric", METRICS)
        if self.bin_weights is not None:
            w = wire.floats(self.bin_weights, "bin_weights")
            if min(w, default=0.0) < 0 or sum(w) <= 0:
                raise wire.WireError("bin_weights", "must be >= 0 with a positive sum")
            object.__setattr__(self, "bin_weights", w)

    @classmethod
    def from_api(cls, data: Any, field: str = "summarizer") -> UnivariateContinuous:
        kind, body = wire.tagged(data, field, ("UnivariateContinuous", "MultivariateContinuous"))
        if kind != "UnivariateContinuous":
            raise wire.WireError(field, "only UnivariateContinuous summarizers can be computed")
        f = f"{field}.UnivariateContinuous"
        d = wire.obj(body, f)
        weights = d.get("bin_weights")
        return cls(BinMode.from_api(wire.req(d, "bin_mode", f), f"{f}.bin_mode"),
                   wire.choice(wire.req(d, "aggregation", f), f"{f}.aggregation", AGGREGATIONS),
                   wire.choice(wire.req(d, "metric", f), f"{f}.metric", METRICS),
                   None if weights is None else wire.floats(weights, f"{f}.bin_weights"))

    def to_api(self) -> dict[str, Any]:
        return {"UnivariateContinuous": {
            "aggregation": self.aggregation, "bin_mode": self.bin_mode.to_api(), "metric": self.metric,
            "bin_weights": None if self.bin_weights is None else [float(w) for w in self.bin_weights]}}


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Per-iopath thresholds; either may be None (skipped). Always written with both keys."""

    warning: float | None = None
    alert: float | None = None

    @classmethod
    def from_api(cls, data: Any, field: str = "thresholds") -> Thresholds:
        if data is None:
            return cls()
        d = wire.obj(data, field)
        return cls(wire.number(d.get("warning"), f"{field}.warning", optional=True),
                   wire.number(d.get("alert"), f"{field}.alert", optional=True))

    def to_api(self) -> dict[str, Any]:
        return {"warning": wire.opt_float(self.warning), "alert": wire.opt_float(self.alert)}

    def status(self, score: float) -> str:
        """``Alert`` if alert set and score ≥ alert; else ``Warning`` if warning set and score ≥ warning;
        else ``Ok``."""
        if self.alert is not None and score >= self.alert:
            return "Alert"
        if self.warning is not None and score >= self.warning:
            return "Warning"
        return "Ok"


@dataclasses.dataclass(frozen=True)
class DataPath:
    """An iopath: ``field`` (``in.<name>`` / ``out.<name>``), ``indexes`` (list columns) and thresholds."""

    field: str
    indexes: tuple[int, ...] | None = None
    thresholds: Thresholds = dataclasses.field(default_factory=Thresholds)

    @classmethod
    def from_api(cls, data: Any, field: str = "iopath") -> DataPath:
        d = wire.obj(data, field)
        idx = d.get("indexes")
        if idx is not None and not isinstance(idx, list):
            raise wire.WireError(f"{field}.indexes", f"expected a list of integers or null, got {idx!r}")
        return cls(wire.text(wire.req(d, "field", field), f"{field}.field"),  # type: ignore[arg-type]
                   None if idx is None else tuple(wire.integer(v, f"{field}.indexes[{i}]", minimum=0)  # type: ignore[misc]
                                                  for i, v in enumerate(idx)),
                   Thresholds.from_api(d.get("thresholds"), f"{field}.thresholds"))

    def to_api(self) -> dict[str, Any]:
        return {"field": self.field, "indexes": None if self.indexes is None else list(self.indexes),
                "thresholds": self.thresholds.to_api()}

    @property
    def key(self) -> str:
        """``field.<indexes[0]>`` for a non-empty index list, else ``field`` (keys of scores/summaries)."""
        return f"{self.field}.{self.indexes[0]}" if self.indexes else self.field


@dataclasses.dataclass(frozen=True)
class DataOrigin:
    pipeline_id: int
    pipeline_name: str
    workspace_id: int
    workspace_name: str
    locations: tuple[str, ...] | None = None
    model_id: str | None = None

    @classmethod
    def from_api(cls, data: Any, field: str = "data_origin") -> DataOrigin:
        d = wire.obj(data, field)
        locs = d.get("locations")
        if locs is not None and (not isinstance(locs, list) or not all(isinstance(x, str) for x in locs)):
            raise wire.WireError(f"{field}.locations", "expected a list of strings or null")
        return cls(wire.integer(d.get("pipeline_id"), f"{field}.pipeline_id"),  # type: ignore[arg-type]
                   wire.text(d.get("pipeline_name"), f"{field}.pipeline_name"),  # type: ignore[arg-type]
                   wire.integer(d.get("workspace_id"), f"{field}.workspace_id"),  # type: ignore[arg-type]
                   wire.text(d.get("workspace_name"), f"{field}.workspace_name"),  # type: ignore[arg-type]
                   None if locs is None else tuple(locs), wire.text(d.get("model_id"), f"{field}.model_id", True))

    def to_api(self) -> dict[str, Any]:
        return {"pipeline_id": self.pipeline_id, "pipeline_name": self.pipeline_name,
                "workspace_id": self.workspace_id, "workspace_name": self.workspace_name,
                "locations": None if self.locations is None else list(self.locations), "model_id": self.model_id}


@dataclasses.dataclass(frozen=True)
class Targeting:
    data_origin: DataOrigin
    iopath: tuple[DataPath, ...] = ()

    @classmethod
    def from_api(cls, data: Any, field: str = "targeting") -> Targeting:
        d = wire.obj(data, field)
        paths = d.get("iopath") or []
        if not isinstance(paths, list):
            raise wire.WireError(f"{field}.iopath", "expected a list")
        return cls(DataOrigin.from_api(wire.req(d, "data_origin", field), f"{field}.data_origin"),
                   tuple(DataPath.from_api(p, f"{field}.iopath[{i}]") for i, p in enumerate(paths)))

    def to_api(self) -> dict[str, Any]:
        return {"data_origin": self.data_origin.to_api(), "iopath": [p.to_api() for p in self.iopath]}

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.iopath]


@dataclasses.dataclass(frozen=True)
class Scheduling:
    """``first_run`` (echoed with its offset), ``SimpleRunFrequency`` quantity·unit or a ``Cron`` string, ``end``."""

    first_run: _dt.datetime
    quantity: int | None = 1
    unit: str | None = "Day"
    cron: str | None = None
    end: _dt.datetime | None = None

    @classmethod
    def from_api(cls, data: Any, field: str = "scheduling") -> Scheduling:
        d = wire.obj(data, field)
        first = wire.time(wire.req(d, "first_run", field), f"{field}.first_run")
        end = wire.time(d.get("end"), f"{field}.end", optional=True)
        kind, body = wire.tagged(wire.req(d, "run_frequency", field), f"{field}.run_frequency",
                                 ("Cron", "SimpleRunFrequency"))
        if kind == "Cron":
            return cls(first, None, None, wire.text(body, f"{field}.run_frequency.Cron"), end)  # type: ignore[arg-type]
        f = f"{field}.run_frequency.SimpleRunFrequency"
        b = wire.obj(body, f)
        return cls(first, wire.integer(b.get("quantity"), f"{f}.quantity", minimum=1),  # type: ignore[arg-type]
                   wire.choice(b.get("unit"), f"{f}.unit", INTERVAL_UNITS), None, end)

    def to_api(self, with_end: bool = True) -> dict[str, Any]:
        freq = ({"Cron": self.cron} if self.cron is not None
                else {"SimpleRunFrequency": {"quantity": self.quantity, "unit": self.unit}})
        out: dict[str, Any] = {"first_run": wire.echo_time(self.first_run), "run_frequency": freq}
        if with_end:
            out["end"] = wire.echo_time(self.end)
        return out

    @property
    def frequency(self) -> _dt.timedelta:
        """The run interval (Cron is not computed: ValueError)."""
        if self.cron is not None or self.unit is None or self.quantity is None:
            raise ValueError("Cron run frequencies are not supported; use SimpleRunFrequency")
        return _dt.timedelta(seconds=UNIT_SECONDS[self.unit] * self.quantity)


@dataclasses.dataclass(frozen=True)
class RollingWindow:
    """``{"width": {"seconds": n}}``."""

    width_seconds: int

    @classmethod
    def from_api(cls, data: Any, field: str = "window") -> RollingWindow:
        width = wire.obj(wire.req(wire.obj(data, field), "width", field), f"{field}.width")
        return cls(wire.integer(width.get("seconds"), f"{field}.width.seconds", minimum=1))  # type: ignore[arg-type]

    def to_api(self) -> dict[str, Any]:
        return {"width": {"seconds": int(self.width_seconds)}}

    @property
    def width(self) -> _dt.timedelta:
        return _dt.timedelta(seconds=self.width_seconds)


@dataclasses.dataclass(frozen=True)
class SummaryBaseline:
    summaries: Mapping[str, SeriesSummary]

    def to_api(self) -> dict[str, Any]:
        return {"Summary": {k: v.to_api() for k, v in self.summaries.items()}}


@dataclasses.dataclass(frozen=True)
class StaticBaseline:
    start: _dt.datetime
    end: _dt.datetime

    def to_api(self) -> dict[str, Any]:
        return {"Static": [wire.echo_time(self.start), wire.echo_time(self.end)]}


@dataclasses.dataclass(frozen=True)
class RollingBaseline:
    start: _dt.datetime
    width_seconds: int

    def to_api(self) -> dict[str, Any]:
        return {"Rolling": {"start": wire.echo_time(self.start), "width": {"seconds": self.width_seconds}}}


@dataclasses.dataclass(frozen=True)
class VectorBaseline:
    values: tuple[float, ...]  # NaN for null

    def to_api(self) -> dict[str, Any]:
        return {"Vector": [None if v != v else float(v) for v in self.values]}


Baseline = SummaryBaseline | StaticBaseline | RollingBaseline | VectorBaseline


def baseline_from_api(data: Any, field: str = "baseline") -> Baseline:
    kind, body = wire.tagged(data, field, ("Summary", "Static", "Rolling", "Vector"))
    f = f"{field}.{kind}"
    if kind == "Summary":
        return SummaryBaseline(summaries_from_api(body, f))
    if kind == "Vector":
        return VectorBaseline(wire.floats(body, f, allow_null=True))
    if kind == "Static":
        if not isinstance(body, list) or len(body) != 2:
            raise wire.WireError(f, "expected [start, end]")
        start, end = (wire.time(v, f"{f}[{i}]") for i, v in enumerate(body))
        if end <= start:  # type: ignore[operator]
            raise wire.WireError(f, "end must be after start")
        return StaticBaseline(start, end)  # type: ignore[arg-type]
    b = wire.obj(body, f)
    width = RollingWindow.from_api(b, f).width_seconds
    return RollingBaseline(wire.time(wire.req(b, "start", f), f"{f}.start"), width)  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True)
class AssayV2:
    """A stored V2 assay as ``get`` / ``get/:id`` return it."""

    id: uuid.UUID
    name: str
    active: bool
    baseline: Baseline
    scheduling: Scheduling
    summarizer: UnivariateContinuous
    targeting: Targeting
    window: RollingWindow
    created_at: _dt.datetime
    updated_at: _dt.datetime

    @classmethod
    def from_api(cls, data: Any, field: str = "assay") -> AssayV2:
        d = wire.obj(data, field)
        try:
            uid = uuid.UUID(str(wire.req(d, "id", field)))
        except ValueError:
            raise wire.WireError(f"{field}.id", f"expected a UUID, got {d.get('id')!r}") from None
        active = d.get("active")
        if not isinstance(active, bool):
            raise wire.WireError(f"{field}.active", f"expected true or false, got {active!r}")
        return cls(uid, wire.text(d.get("name"), f"{field}.name"), active,  # type: ignore[arg-type]
                   baseline_from_api(wire.req(d, "baseline", field), f"{field}.baseline"),
                   Scheduling.from_api(wire.req(d, "scheduling", field), f"{field}.scheduling"),
                   UnivariateContinuous.from_api(wire.req(d, "summarizer", field), f"{field}.summarizer"),
                   Targeting.from_api(wire.req(d, "targeting", field), f"{field}.targeting"),
                   RollingWindow.from_api(wire.req(d, "window", field), f"{field}.window"),
                   wire.time(wire.req(d, "created_at", field), f"{field}.created_at"),  # type: ignore[arg-type]
                   wire.time(wire.req(d, "updated_at", field), f"{field}.updated_at"))  # type: ignore[arg-type]

    def to_api(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name, "scheduling": self.scheduling.to_api(),
                "baseline": self.baseline.to_api(), "window": self.window.to_api(),
                "summarizer": self.summarizer.to_api(), "targeting": self.targeting.to_api(),
                "created_at": wire.server_time(self.created_at), "updated_at": wire.server_time(self.updated_at),
                "active": self.active}
