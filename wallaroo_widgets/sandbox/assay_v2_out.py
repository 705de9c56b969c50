"""Response models of ``/v2/api/assays/*`` for the OpenAPI document (docs/spec/assays-v2.md §2-§3).

Documentation only: the routes answer the wire dicts of ``drift.v2`` (``to_api``) and the store, declared with
``responses={200: ...}`` and ``response_model=None``, so nothing is filtered or re-serialised (the shapes the
real SDK parses stay byte for byte; the routes write the JSON themselves, ``routers.assays_v2._wire``). Schemathesis' response_schema_conformance checks the answers against
these models. Extra keys are allowed, as the SDK tolerates them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["Ok", "Warning", "Alert"]  # drift.v2.types.STATUSES
Aggregation = Literal["Density", "Cumulative", "Edges"]


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class StatisticsOut(Out):
    count: int
    max: float
    mean: float
    median: float
    min: float
    std: float


class BinsOut(Out):
    edges: list[float | Literal["INFINITY"]] = Field(description="right edges; the last is \"INFINITY\"")
    labels: list[str]
    mode: Literal["None"] | dict[str, int | list[float]] = Field(
        description="\"None\" or one of {\"Equal\": n}, {\"Quantile\": n}, {\"QuantileWithExplicitOutliers\": n}, "
                    "{\"Provided\": [edges]}")


class MinimalSummaryOut(Out):
    """A preview window's summary (no name, no aggregation)."""

    aggregated_values: list[float]
    bins: BinsOut
    statistics: StatisticsOut
    start: str | None = Field(description="always present (null allowed)")
    end: str | None = Field(description="always present (null allowed)")


class SeriesSummaryOut(MinimalSummaryOut):
    name: str
    aggregation: Aggregation


class ScoreDataOut(Out):
    score: float
    scores: list[float]
    bin_index: int | None


#: ``{<iopath key>: ScoreData | "<why this iopath has no score>"}``
Scores = dict[str, ScoreDataOut | str]


class SummaryBaselineOut(Out):
    """A stored assay's baseline: always the computed summaries (a Static or Vector baseline is summarised once)."""

    model_config = ConfigDict(extra="forbid")
    Summary: dict[str, SeriesSummaryOut]


class AssayOut(Out):
    id: str = Field(json_schema_extra={"format": "uuid"})
    name: str
    active: bool
    created_at: str
    updated_at: str
    baseline: SummaryBaselineOut
    scheduling: dict[str, Any]
    summarizer: dict[str, Any]
    targeting: dict[str, Any]
    window: dict[str, Any]


class ResultOut(Out):
    id: int
    assay_id: str = Field(json_schema_extra={"format": "uuid"})
    analyzed_at: str
    created_at: str
    updated_at: str
    window_start: str
    window_end: str
    elapsed_millis: int
    pipeline_id: int
    workspace_id: int
    workspace_name: str
    status: Status
    scores: Scores
    summaries: dict[str, SeriesSummaryOut]
    warning_threshold: float | None
    alert_threshold: float | None


class PreviewOut(Out):
    id: int = Field(description="0: previews are not stored")
    assay_id: str = Field(json_schema_extra={"format": "uuid"}, description="fresh per call")
    analyzed_at: str
    elapsed_millis: int
    pipeline_id: int
    workspace_id: int
    workspace_name: str
    scores: Scores
    summaries: dict[str, MinimalSummaryOut]
    window_end: str
    window_start: str = Field(description="a sandbox extra (the SDK dates a window by its summaries' start)")


class NextRunOut(Out):
    last_run: str | None
    next_run: str | None = Field(description="null while paused or after scheduling.end")


def ok(model: Any, description: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` documenting a 200 answer of ``model`` (any pydantic-describable type)."""
    return {200: {"model": model, "description": description}}
