"""Request bodies of the V1 assay endpoints (``/v1/api/assays/*``) as pydantic models.

The models check types and shapes (a 400 naming the field, as every sandbox body) and document the
contract in the OpenAPI document: both window dialects (Seed 000 ``pipeline``/``model`` + top-level ``iopath``,
newer ``pipeline_name``/``model_name``/``path``), every baseline variant (``static``, ``fixed``/``Fixed``,
``calculated``, ``vector``, ``fixed_window``), the summarizer enums, and examples. The rules JSON Schema cannot
state (a baseline that reads logs needs ``start``, ``bin_weights`` needs ``num_bins + 2`` values, a static
Summary the engine can score, ...) are checked by ``assay_config``'s parsers once the pipeline is resolved;
their messages name the field too (``window.start: ...``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .assay_config import BadRequest, parse_dt
from .routers import Body, Count, Id, not_bool

_UNIT = "(ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)"
#: a positive "<number> <unit>" of at most ~20 years (the server allows up to 100; a wider pattern would
#: let JSON Schema generators send 9999 weeks)
DURATION_PATTERN = (r"^ ?(0{0,2}[1-9][0-9]{0,2}|[1-9][0-9]{0,2}\.[0-9]{1,3}) ?" + _UNIT + "$")
DURATION = {"type": "string", "pattern": DURATION_PATTERN, "examples": ["24 hours", "1 minute", "7 days"],
            "description": "'<number> <unit>' (ms, second, minute, hour, day, week; singular, plural or short); "
                           "positive, at most 100 years"}
#: RFC 3339 with an offset, years 1678-2261 (nanosecond timestamps); epoch milliseconds are accepted too
DATETIME_PATTERN = (r"^(1[7-9][0-9]{2}|20[0-9]{2}|21[0-9]{2}|22[0-5][0-9])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
                    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])$")
DATETIME = {"anyOf": [{"type": "string", "pattern": DATETIME_PATTERN, "examples": ["2024-01-09T19:07:59.566516Z"]},
                      {"type": "integer", "minimum": -9_000_000_000_000, "maximum": 9_000_000_000_000,
                       "description": "epoch milliseconds"}, {"type": "null"}],
            "description": "RFC 3339 datetime (up to 9 fractional digits, Z or an offset) or epoch ms; "
                           "years 1678-2261"}
IOPATH = {"type": "string", "pattern": r"^(input|output) [A-Za-z_][A-Za-z0-9_]{0,63} [0-9]{1,4}$",
          "examples": ["output dense_1 0", "input tensor 3"],
          "description": "'<input|output> <field> <index>' (also dotted: 'out.dense_1.0')"}


#: a character Python's str.strip() keeps (JSON Schema's \s misses the separators \x1c-\x1f and \x85)
NON_BLANK = r"[^\s\x1c-\x1f\x85]"


def named(msg: str) -> PydanticCustomError:
    """A validation error whose message already names its field (``errors.describe_validation`` keeps it)."""
    return PydanticCustomError("named", "{msg}", {"msg": msg})


def _when(value: Any) -> Any:
    """A datetime ``parse_dt`` takes (the 400 names the field: ``field 'run_until': not a datetime: ...``)."""
    try:
        parse_dt(value, "")
    except BadRequest as exc:
        raise ValueError(exc.msg.removeprefix(": ")) from None
    return value


def _schema(extra: dict) -> dict:
    return {"json_schema_extra": extra}


# parse_dt is the validator (RFC 3339 strings, epoch ms, null; an out-of-range year is a 400 naming the field)
When = Annotated[Any, AfterValidator(_when)]
Duration = Annotated[str, Field(json_schema_extra=DURATION)]
Number = Annotated[float, Field(allow_inf_nan=False, strict=True)]


class SummarizerV1(Body):
    """V1 ``UnivariateContinuous`` summarizer (responses echo it without bin_width/add_outlier_edges)."""

    type: Literal["UnivariateContinuous"] = "UnivariateContinuous"
    bin_mode: str = Field("Quantile", json_schema_extra={"enum": ["Quantile", "Equal", "Provided"]},
                          description="case-insensitive; Provided needs provided_edges")
    aggregation: str = Field("Density", json_schema_extra={"enum": ["Density", "Cumulative", "Edges"]})
    metric: str = Field("PSI", json_schema_extra={"enum": ["PSI", "MaxDiff", "SumDiff"]})
    num_bins: Annotated[int, Field(ge=1, le=1000), BeforeValidator(not_bool)] = Field(5, description="recommended 5-14")
    bin_weights: list[Number] | None = Field(None, description="num_bins + 2 values >= 0 with a positive sum "
                                             "(outlier bins included); not with aggregation Edges")
    bin_width: None = Field(None, description="always null")
    provided_edges: list[Number] | None = Field(None, description="bin_mode Provided: num_bins or num_bins + 1 "
                                                "edges")
    add_outlier_edges: StrictBool | None = Field(None, description="default true")

    model_config = ConfigDict(json_schema_extra={"examples": [{"type": "UnivariateContinuous", "bin_mode": "Quantile",
                                                               "aggregation": "Density", "metric": "PSI",
                                                               "num_bins": 5}]})


class Window(Body):
    """An assay window, either dialect: ``pipeline_name``/``model_name``/``path`` (newer) or Seed 000's
    ``pipeline``/``model`` with the path in the config's top-level ``iopath``."""

    pipeline_name: str | None = Field(None, min_length=1, description="newer dialect (or 'pipeline')")
    pipeline: str | None = Field(None, min_length=1, description="Seed 000 dialect of pipeline_name")
    model_name: str | None = Field(None, min_length=1)
    model: str | None = Field(None, min_length=1, description="Seed 000 dialect of model_name")
    path: str | None = Field(None, json_schema_extra=IOPATH)
    width: Duration
    interval: Duration | None = Field(None, description="defaults to width")
    start: When = Field(None, json_schema_extra=DATETIME)
    workspace_id: Id | None = None
    locations: list[str] | None = Field(None, description="[] = only the Ops pipeline (no edge locations)")

    model_config = ConfigDict(json_schema_extra={
        "anyOf": [{"required": ["pipeline_name"]}, {"required": ["pipeline"]}],
        "examples": [{"pipeline_name": "housepricepipe", "model_name": "housepricemodel", "path": "output variable 0",
                      "width": "1 minute", "workspace_id": 1, "start": "2024-01-09T19:07:59.566516Z"}]})


class Fixed(Body):
    """Seed 000 baseline: logged values of a pipeline in ``[start_at, end_at)``."""

    pipeline: str | None = Field(None, min_length=1)
    pipeline_name: str | None = Field(None, min_length=1)
    model: str | None = Field(None, min_length=1)
    model_name: str | None = Field(None, min_length=1)
    start_at: When = Field(json_schema_extra=DATETIME)
    end_at: When = Field(json_schema_extra=DATETIME, description="after start_at")

    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["pipeline"]}, {"required": ["pipeline_name"]}]})


class Summary(Body):
    """A Summary as ``assays/summarize`` returns it (``baseline.static``); the engine checks it can score it."""

    edges: list[Any] = Field(json_schema_extra={"items": {"type": ["number", "null"]}},
                             description="num_bins + 2 edges, the last null (+inf)")
    aggregated_values: list[Any] = Field(json_schema_extra={"items": {"type": "number"}})
    edge_names: list[Any] | None = Field(None, json_schema_extra={"items": {"type": "string"}})
    aggregation: str | None = Field(None, json_schema_extra={"enum": ["Density", "Cumulative", "Edges"]})
    count: Any = Field(None, json_schema_extra={"type": "integer"})
    min: Any = Field(None, json_schema_extra={"type": ["number", "null"]})
    max: Any = Field(None, json_schema_extra={"type": ["number", "null"]})
    mean: Any = Field(None, json_schema_extra={"type": ["number", "null"]})
    median: Any = Field(None, json_schema_extra={"type": ["number", "null"]})
    std: Any = Field(None, json_schema_extra={"type": ["number", "null"]})
    start: When = Field(None, json_schema_extra=DATETIME)
    end: When = Field(None, json_schema_extra=DATETIME)


_TAGS = ("static", "fixed", "calculated", "vector", "fixed_window")


class BaselineV1(Body):
    """Externally tagged baseline: exactly one of the keys (tags are case-insensitive; echoed as received)."""

    # one key is present; its value is not nullable (the defaults are never validated)
    static: Summary = None  # type: ignore[assignment]
    fixed: Fixed = Field(None, description="also spelled Fixed (Seed 000)")  # type: ignore[assignment]
    calculated: BaselineV1 = Field(None, description="{'vector': [...]} or {'fixed_window': Window}")  # type: ignore[assignment]
    vector: list[Number | None] = Field(None, min_length=1, description="baseline values (null = missing; at least one number)",
                                json_schema_extra={"contains": {"type": "number"}})  # type: ignore[assignment]
    fixed_window: Window = Field(None, description="logged values of this window (needs start)")  # type: ignore[assignment]

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "minProperties": 1, "maxProperties": 1, "examples": [{"vector": [0.1, 0.2, 0.3, 0.4, 0.5]}]})
    _raw: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _one_tag(cls, data: Any, handler: Any) -> BaselineV1:
        if isinstance(data, BaselineV1):
            return data
        if not isinstance(data, dict) or len(data) != 1:
            raise named("baseline: expected an object with one of static, fixed, calculated, vector, fixed_window")
        (tag, value), = data.items()
        key = str(tag).lower()
        if key not in _TAGS:
            raise named(f"baseline: unknown baseline type {tag!r} (static, fixed, calculated, vector, fixed_window)")
        out = handler({key: value})
        out._raw = data
        return out

    def raw(self) -> dict:
        """The baseline as received (``assay_config.Baseline.parse`` reads it; the assay echoes it)."""
        return self._raw


def _vector_or_window(schema: dict) -> None:
    for tag in ("static", "fixed", "calculated"):
        schema["properties"].pop(tag, None)
    window = schema["properties"]["fixed_window"]  # summarize reads the logs of window.workspace_id
    schema["properties"]["fixed_window"] = {"allOf": [{"$ref": window.pop("$ref")}, {
        "required": ["workspace_id"], "properties": {"workspace_id": {"type": "integer"}}}], **window}
    schema.update(minProperties=1, maxProperties=1, examples=[{"vector": [0.1, 0.2, 0.3, 0.4, 0.5]}])


class SummarizeBaseline(BaselineV1):
    """``assays/summarize`` baselines: ``{"vector": [...]}`` or ``{"fixed_window": Window}``."""

    model_config = ConfigDict(json_schema_extra=_vector_or_window)


class SummarizeBody(Body):
    summarizer: SummarizerV1
    baseline: SummarizeBaseline

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "summarizer": {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density",
                       "metric": "PSI", "num_bins": 5}, "baseline": {"vector": [0.1, 0.2, 0.3, 0.4, 0.5]}}]})


def _name(value: str | None) -> str | None:
    if value is not None and (not value.strip() or len(value) > 255):
        raise named(f"name: expected a non-empty string of at most 255 characters, got {len(value)}")
    return value


#: the pipeline is pipeline_id, or found by name in workspace_id (window.workspace_id works too); the path is
#: window.path, or Seed 000's top-level iopath
CONFIG_RULES = [
    {"anyOf": [{"required": ["pipeline_id"], "properties": {"pipeline_id": {"type": "integer"}}},
               {"required": ["workspace_id"], "properties": {"workspace_id": {"type": "integer"}}}]},
    {"anyOf": [{"required": ["iopath"], "properties": {"iopath": {"type": "string"}}},
               {"properties": {"window": {"required": ["path"], "properties": {"path": {"type": "string"}}}}}]}]


class AssayConfigBody(Body):
    """A full V1 assay config as run_interactive and run_interactive_baseline take it (with ``id``).

    The pipeline is ``pipeline_id``, or ``workspace_id`` with ``pipeline_name`` / ``window.pipeline_name``."""

    name: Annotated[str | None, AfterValidator(_name)] = Field(
        None, json_schema_extra={"minLength": 1, "maxLength": 255, "pattern": NON_BLANK},
        description="required by create; unique instance-wide")
    pipeline_id: Id | None = None
    pipeline_name: str | None = Field(None, min_length=1)
    workspace_id: Id | None = None
    active: StrictBool | None = Field(True, description="create: whether the scheduler runs it")
    status: str | None = Field(None, description="ignored ('created'; Seed 000 sends 'active')")
    baseline: BaselineV1
    window: Window
    summarizer: SummarizerV1
    alert_threshold: Number | None = Field(None, description="score >= alert -> Alert (SDK default 0.25)")
    warning_threshold: Number | None = Field(None, description="score >= warning -> Warning")
    run_until: When = Field(None, json_schema_extra=DATETIME)
    id: Id | None = Field(None, description="run_interactive*: echoed as assay_id")
    iopath: str | None = Field(None, json_schema_extra=IOPATH, description="Seed 000: the window's path")

    model_config = ConfigDict(json_schema_extra={"allOf": CONFIG_RULES, "examples": [{
        "name": "drift on output", "pipeline_id": 1, "active": True,
        "baseline": {"vector": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
        "window": {"pipeline_name": "housepricepipe", "path": "output variable 0", "width": "24 hours"},
        "summarizer": {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density",
                       "metric": "PSI", "num_bins": 5}, "alert_threshold": 0.25}]})

    def config(self) -> dict:
        """The config as the parsers read it: the fields sent (dialect names kept), the baseline as received."""
        out = self.model_dump(exclude_unset=True, exclude={"baseline"})
        out["window"] = self.window.model_dump(exclude_unset=True)
        out["summarizer"] = self.summarizer.model_dump(exclude_unset=True)
        out["baseline"] = self.baseline.raw()
        return out


class CreateAssayBody(AssayConfigBody):
    """``assays/create``: a full V1 assay config with its ``name``."""

    # no example body: a name is unique instance-wide, so a fixed example could be created only once
    model_config = ConfigDict(json_schema_extra={"allOf": CONFIG_RULES})

    name: Annotated[str, AfterValidator(_name)] = Field(
        json_schema_extra={"minLength": 1, "maxLength": 255, "pattern": NON_BLANK}, description="unique instance-wide")


class ListAssaysBody(Body):
    """Assays of ``pipeline_id``, or of ``workspace_id`` / ``workspace_name``, or all visible."""

    pipeline_id: Id | None = None
    workspace_id: Id | None = None
    workspace_name: str | None = None


class AssayByIdBody(Body):
    id: Id
    workspace_id: Id | None = None
    workspace_name: str | None = None


class FilterBody(Body):
    pipeline_id: Id
    name: str | None = Field(None, description="substring, case-insensitive")
    active: StrictBool | None = None
    sort_by: Literal["id", "name", "created_at", "updated_at"] | None = Field(
        None, description="default id; newest first except name")


class SetActiveV1Body(Body):
    id: Id
    active: StrictBool


class _Span(Body):
    start: When = Field(None, json_schema_extra=DATETIME, description="inclusive")
    end: When = Field(None, json_schema_extra=DATETIME, description="exclusive")
    limit: Count | None = Field(None, description="at most this many (none = all)")


class BaselineLogsBody(_Span):
    """``get_baseline``: raw inference logs of a pipeline."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"workspace_id": 4, "pipeline_name": "housepricepipe", "limit": 10}]})

    workspace_id: Id
    pipeline_name: str = Field(min_length=1)
    model_name: str | None = None
    locations: list[str] | None = Field(None, description="[] = only the Ops pipeline (the sandbox has no edge)")
    next: dict[str, Id] | None = Field(None, description="pagination cursor (the sandbox answers in one "
                                              "page)")


class ResultsV1Body(_Span):
    """``get_assay_results`` / ``get_results``: stored results of an assay."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"assay_id": 1, "limit": 10}]})

    assay_id: Id
    pipeline_id: Id | None = None
    workspace_id: Id | None = None
    workspace_name: str | None = None
