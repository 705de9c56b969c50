"""Pydantic models of the V2 assay wire objects the sandbox accepts (docs/spec/assays-v2.md §2), with examples.

Tagged unions are serde externally tagged one-key objects (``{"Static": [...]}``); ``tagged()`` checks that
exactly one variant is given so errors name the field. Times stay the strings the client sent (echoed as
received, docs/spec/assays-v2.md §1); ``parse_time`` turns them into UTC timestamps (naive = UTC).

What the OpenAPI document can state (types, required, enums, bounds, patterns) is checked while parsing. The
content rules JSON Schema cannot state (one time before another, sizes that must agree, an iopath monitored
twice) are each model's ``rules()``, run by ``check_rules`` after the route resolved the targeted pipeline or
assay: an unknown or foreign one is a 404 first, as in the V1 routes.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from ..drift.timeutil import RANGE_TEXT, TimeError, parse_utc
from .assay_bodies import DATETIME_PATTERN
from .routers import Id

Num = Annotated[float, Field(allow_inf_nan=False, strict=False)]
#: a value to summarise (Vector baselines, Raw windows): bounded so that squares and sums of up to 5,000,000 of
#: them stay finite (the statistics' std would overflow to inf near 1e154)
Value = Annotated[float, Field(allow_inf_nan=False, strict=False, ge=-1e150, le=1e150)]
UNITS = {"Minute": 60, "Hour": 3600, "Day": 86400, "Week": 604800}


def parse_time(value: str) -> pd.Timestamp:
    """UTC nanosecond timestamp of an ISO string (naive = UTC); ValueError when unparsable or out of range."""
    try:
        return parse_utc(value, ns=True)
    except TimeError as exc:
        what = f"out of range ({RANGE_TEXT})" if exc.out_of_range else "not an ISO 8601 date/time"
        raise ValueError(f"{what}: {value!r}") from None


def _time(value: str) -> str:
    parse_time(value)
    return value


Time = Annotated[str, Field(json_schema_extra={"pattern": DATETIME_PATTERN}), AfterValidator(_time)]


class Wire(BaseModel):
    """Unknown keys are kept (newer clients send extras)."""

    model_config = ConfigDict(extra="allow")


def one_tag(*unsupported: str):
    """``json_schema_extra`` of an externally tagged union (its model forbids other keys, as drift.v2's parser
    does): exactly one key, never null; the variants the sandbox refuses (``unsupported``) are not offered."""

    def fix(schema: dict) -> None:
        props = schema.get("properties", {})
        for tag in unsupported:
            props.pop(tag, None)
        for prop in props.values():
            branches = prop.pop("anyOf", None)
            if branches is not None:
                kept = [b for b in branches if b != {"type": "null"}]
                prop.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
            prop.pop("default", None)
        schema.update(minProperties=1, maxProperties=1)
        schema["additionalProperties"] = False

    return fix


class RuleError(ValueError):
    """A content rule broken at ``where`` (a dotted field path)."""

    def __init__(self, where: str, msg: str) -> None:
        super().__init__(f"{where}: {msg}")
        self.where, self.msg = where, msg


def check_rules(model: Any, where: str = "") -> None:
    """Run ``rules()`` of ``model`` and of every model inside it; RuleError naming the field."""
    if isinstance(model, BaseModel):
        rules = getattr(model, "rules", None)
        if rules is not None:
            try:
                rules()
            except ValueError as exc:
                raise RuleError(where or "body", str(exc)) from None
        for name in type(model).model_fields:
            check_rules(getattr(model, name), f"{where}.{name}" if where else name)
    elif isinstance(model, list):
        for i, item in enumerate(model):
            check_rules(item, f"{where}.{i}")
    elif isinstance(model, dict):
        for key, item in model.items():
            check_rules(item, f"{where}.{key}")


def tagged(model: BaseModel, name: str) -> BaseModel:
    given = [k for k in type(model).model_fields if getattr(model, k) is not None]
    if len(given) != 1:
        options = ", ".join(type(model).model_fields)
        raise ValueError(f"expected exactly one of {options} (as {{\"<variant>\": ...}})")
    return model


class Thresholds(Wire):
    warning: Num | None = None
    alert: Num | None = None


def _io_field(value: str) -> str:
    head, _, name = value.partition(".")
    if head not in ("in", "out") or not name:
        raise ValueError(f"must be 'in.<name>' or 'out.<name>' (a logged input or output), got {value!r}")
    return value


class DataPath(Wire):
    field: Annotated[str, AfterValidator(_io_field)] = Field(max_length=500, examples=["out.variable"],
                                                             json_schema_extra={"pattern": r"^(in|out)\..+"})
    indexes: list[Annotated[int, Field(ge=0, le=1_000_000)]] | None = Field(default=None, examples=[[0]])
    thresholds: Thresholds | None = None

    @property
    def key(self) -> str:
        """The iopath key of scores and summaries (``out.variable.0``)."""
        return f"{self.field}.{self.indexes[0]}" if self.indexes else self.field


class DataOrigin(Wire):
    pipeline_id: Id
    pipeline_name: str
    workspace_id: Id
    workspace_name: str
    locations: list[str] | None = None
    model_id: str | None = None


class Targeting(Wire):
    data_origin: DataOrigin
    iopath: list[DataPath] = Field(min_length=1, max_length=50)

    def rules(self) -> None:
        keys = [p.key for p in self.iopath]
        if len(set(keys)) != len(keys):
            raise ValueError("iopath: the same field/index is monitored twice")


class Width(Wire):
    seconds: int = Field(gt=0, le=366 * 86400, examples=[86400])


class RollingWindow(Wire):
    width: Width


class SimpleFrequency(Wire):
    quantity: int = Field(gt=0, le=10_000, examples=[1])
    unit: Literal["Minute", "Hour", "Day", "Week"] = Field(examples=["Day"])

    @property
    def seconds(self) -> int:
        return self.quantity * UNITS[self.unit]


class RunFrequency(Wire):
    model_config = ConfigDict(extra="forbid", json_schema_extra=one_tag("Cron"))
    SimpleRunFrequency: SimpleFrequency | None = None
    Cron: str | None = None

    @model_validator(mode="after")
    def _one(self) -> RunFrequency:
        tagged(self, "run_frequency")
        if self.Cron is not None:
            raise ValueError("Cron schedules are not supported by the sandbox (use SimpleRunFrequency)")
        return self


class Scheduling(Wire):
    first_run: Time = Field(examples=["2025-07-15T20:06:58.424304+00:00"])
    run_frequency: RunFrequency
    end: Time | None = None


class BinModeTagged(Wire):
    model_config = ConfigDict(extra="forbid", json_schema_extra=one_tag())
    Equal: int | None = Field(default=None, gt=0, le=1000)
    Quantile: int | None = Field(default=None, gt=0, le=1000)
    QuantileWithExplicitOutliers: int | None = Field(default=None, gt=0, le=1000)
    Provided: list[Num] | None = Field(default=None, min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _one(self) -> BinModeTagged:
        return tagged(self, "bin_mode")


def _bin_mode(value: Any) -> Any:
    """``"None"`` or a BinModeTagged (one error message instead of pydantic's per-union-member list)."""
    if value == "None":
        return "None"
    if not isinstance(value, dict):
        raise ValueError(f"expected \"None\" or one of {{\"Equal\": n}}, {{\"Quantile\": n}}, "
                         f"{{\"QuantileWithExplicitOutliers\": n}}, {{\"Provided\": [edges]}}; got {value!r}")
    try:
        return BinModeTagged.model_validate(value).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(p) for p in e["loc"])
        raise ValueError(f"{where + ': ' if where else ''}{str(e['msg']).removeprefix('Value error, ')}") from None


BinMode = Annotated[str | dict[str, Any], PlainValidator(_bin_mode),
                   WithJsonSchema({"anyOf": [{"const": "None"}, BinModeTagged.model_json_schema()]})]


class Univariate(Wire):
    aggregation: Literal["Density", "Cumulative", "Edges"]
    bin_mode: BinMode
    metric: Literal["PSI", "MaxDiff", "SumDiff"]
    bin_weights: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = Field(
        None, json_schema_extra={"contains": {"type": "number", "exclusiveMinimum": 0}},
        description="weights >= 0, not all zero")

    @model_validator(mode="after")
    def _weights(self) -> Univariate:
        if self.bin_weights is not None and not sum(self.bin_weights) > 0:
            raise ValueError("bin_weights: must not all be zero")
        return self


class Summarizer(Wire):
    model_config = ConfigDict(extra="forbid", json_schema_extra=one_tag("MultivariateContinuous"))
    UnivariateContinuous: Univariate | None = None
    MultivariateContinuous: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one(self) -> Summarizer:
        tagged(self, "summarizer")
        if self.UnivariateContinuous is None:
            raise ValueError("MultivariateContinuous is not supported by the sandbox")
        return self


class Statistics(Wire):
    count: int = Field(ge=0)
    max: Num
    mean: Num
    median: Num
    min: Num
    std: Num


def _edge(value: Any) -> Any:
    if isinstance(value, str):
        if value.strip().upper().lstrip("+") in ("INFINITY", "INF"):
            return "INFINITY"
        raise ValueError(f"edge must be a number or \"INFINITY\", got {value!r}")
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError(f"edge must be a number or \"INFINITY\", got {value!r}")
    return "INFINITY" if value == math.inf else float(value)


class Bins(Wire):
    edges: list[Annotated[Any, AfterValidator(_edge)]] = Field(json_schema_extra={
        "items": {"anyOf": [{"type": "number"}, {"const": "INFINITY"}]}})
    labels: list[str]
    mode: BinMode


class SeriesSummary(Wire):
    name: str | None = None
    aggregated_values: list[Num]
    aggregation: Literal["Density", "Cumulative", "Edges"] = "Density"
    bins: Bins
    statistics: Statistics
    start: Time | None = None
    end: Time | None = None

    def rules(self) -> None:
        if len(self.bins.edges) != len(self.aggregated_values):
            raise ValueError(f"{len(self.aggregated_values)} aggregated_values for {len(self.bins.edges)} bin edges")
        if self.bins.labels and len(self.bins.labels) != len(self.bins.edges):
            raise ValueError(f"{len(self.bins.labels)} labels for {len(self.bins.edges)} bin edges")


#: a Vector baseline is binned from its numbers (null = NaN): it needs at least one
_A_NUMBER = {"contains": {"type": "number"}, "description": "numbers or null (NaN); at least one number"}


class RollingBaseline(Wire):
    start: Time
    width: Width


class Baseline(Wire):
    model_config = ConfigDict(extra="forbid", json_schema_extra=one_tag("Rolling"))
    Summary: dict[str, SeriesSummary] | None = None
    Static: Annotated[list[Time], Field(min_length=2, max_length=2)] | None = None
    Rolling: RollingBaseline | None = None
    Vector: Annotated[list[Value | None], Field(min_length=1, max_length=5_000_000,
                                              json_schema_extra=_A_NUMBER)] | None = None

    @model_validator(mode="after")
    def _one(self) -> Baseline:
        tagged(self, "baseline")
        if self.Rolling is not None:
            raise ValueError("Rolling baselines are not supported by the sandbox (use Static, Vector "
                             "or Summary)")
        return self

    def rules(self) -> None:
        if self.Static is not None and parse_time(self.Static[0]) >= parse_time(self.Static[1]):
            raise ValueError("Static: the start must be before the end")


class ScoreWindow(Wire):
    model_config = ConfigDict(extra="forbid", json_schema_extra=one_tag())
    Raw: Annotated[list[Value | None], Field(min_length=1, max_length=5_000_000)] | None = None
    Stored: Annotated[list[Time], Field(min_length=2, max_length=2, description=(
        "[start, end): start before end, at most 366 days apart"))] | None = None

    @model_validator(mode="after")
    def _one(self) -> ScoreWindow:
        return tagged(self, "window")


EXAMPLE_TARGETING = {"data_origin": {"pipeline_id": 1, "pipeline_name": "housepricepipe", "workspace_id": 2,
                                     "workspace_name": "housepricesaga", "locations": None, "model_id": None},
                     "iopath": [{"field": "out.variable", "indexes": [0],
                                 "thresholds": {"warning": 0.1, "alert": 0.25}}]}
EXAMPLE_SUMMARIZER = {"UnivariateContinuous": {"aggregation": "Density", "bin_mode": {"Quantile": 5},
                                               "metric": "PSI", "bin_weights": None}}
EXAMPLE_BASELINE = {"Static": ["2025-07-01T00:00:00+00:00", "2025-07-02T00:00:00+00:00"]}
EXAMPLE_SCHEDULING = {"first_run": "2025-07-02T00:00:00+00:00",
                      "run_frequency": {"SimpleRunFrequency": {"quantity": 1, "unit": "Day"}}, "end": None}
EXAMPLE_WINDOW = {"width": {"seconds": 86400}}
