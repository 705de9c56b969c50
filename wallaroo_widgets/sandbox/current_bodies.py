"""Request and response models of today's pipeline/model calls (field names and required keys as the SDK's
generated client, docs/reference/sdk-generated-models.md). Responses allow extra keys (the SDK keeps them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .assay_bodies import DATETIME_PATTERN
from .log_pages import CURSOR_PATTERN
from .routers import Body, Id

_UUID = {"examples": ["5f1c1a52-3c55-4a4b-9a1e-6f0f8a3c2b11"]}
_TIME = {"pattern": DATETIME_PATTERN, "examples": ["2024-01-09T19:07:59.566516Z"]}


def _ex(**example: Any) -> ConfigDict:
    return ConfigDict(extra="allow", json_schema_extra={"examples": [example]})


class ListPipelinesBody(Body):
    model_config = _ex(workspace_id=1)
    workspace_id: Id | None = None
    workspace_name: str | None = None


class PipelineByNameBody(Body):
    model_config = _ex(pipeline_name="houseprice", workspace_id=1)
    pipeline_name: str = Field(min_length=1, max_length=200)
    workspace_id: Id


class PipelineIdBody(Body):
    """``pipeline_id`` is the pipeline's name (a string, as the 2023 ``pipeline_id``)."""

    model_config = _ex(pipeline_id="houseprice", workspace_id=1)
    pipeline_id: str = Field(min_length=1, max_length=200, description="the pipeline name")
    workspace_id: Id


class VersionBody(Body):
    model_config = _ex(version="5f1c1a52-3c55-4a4b-9a1e-6f0f8a3c2b11")
    version: str = Field(min_length=1, max_length=100, description="the pipeline version UUID")


class VersionsBody(Body):
    model_config = _ex(pipeline_versions=["5f1c1a52-3c55-4a4b-9a1e-6f0f8a3c2b11"])
    pipeline_versions: list[str] = Field(min_length=1, max_length=1000, json_schema_extra=_UUID)


class GetLogsBody(Body):
    model_config = _ex(pipeline_name="houseprice", workspace_id=1, order="asc", page_size=100)
    pipeline_name: str = Field(min_length=1, max_length=200)
    workspace_id: Id
    order: str = Field("desc", description="asc or desc (case-insensitive; the SDK sends lower case)",
                       pattern=r"^([Aa][Ss][Cc]|[Dd][Ee][Ss][Cc])$")
    cursor: str | None = Field(None, max_length=40, description="x-iteration-cursor of the previous page",
                               json_schema_extra={"pattern": CURSOR_PATTERN, "examples": ["1700000000000.3"]})
    page_size: int | None = Field(None, ge=1, le=100_000, description="records per page (default 1000)")
    start_time: str | None = Field(None, description="RFC 3339; records at or after it", max_length=64,
                                   json_schema_extra=_TIME)
    end_time: str | None = Field(None, description="RFC 3339; records before it", max_length=64,
                                 json_schema_extra=_TIME)

    @field_validator("order")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class ModelIdBody(Body):
    """``model_id`` is the model's name (a string)."""

    model_config = _ex(model_id="housepricemodel", workspace_id=1)
    model_id: str = Field(min_length=1, max_length=200, description="the model name")
    workspace_id: Id


class DeleteModelBody(ModelIdBody):
    confirm_delete: bool | None = Field(None, description="accepted; the sandbox's rules do not depend on it")


class ModelVersionIdBody(Body):
    model_config = _ex(model_version_id=3)
    model_version_id: Id


class DeleteModelVersionsBody(Body):
    model_config = _ex(model_versions=["5f1c1a52-3c55-4a4b-9a1e-6f0f8a3c2b11"])
    model_versions: list[str] = Field(min_length=1, max_length=1000, json_schema_extra=_UUID)
    confirm_delete: bool | None = None


# --- responses -----------------------------------------------------------------------------------------------------

class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class PipelineOut(Out):
    id: int
    name: str
    created_at: str
    updated_at: str


class WorkspaceOut(Out):
    id: int
    name: str
    archived: bool
    created_at: str
    created_by: str | None = None


class DeploymentOut(Out):
    maximum_replicas: int
    prewarmed_replicas: int


class PipelineVersionOut(Out):
    id: str
    workspace_id: int
    version: str
    steps: dict[str, Any]


class PipelineItem(Out):
    pipeline: PipelineOut
    workspace: WorkspaceOut
    plateau_topic: str
    deployment: DeploymentOut | None = None
    pipeline_version: PipelineVersionOut | None = None


class ListPipelinesOut(Out):
    pipelines: list[PipelineItem]


class ListVersionsOut(Out):
    pipeline_versions: list[PipelineItem]


class GetVersionOut(Out):
    pipeline_id: str
    version: str
    definition: dict[str, Any] | None = None


class DeletePipelineOut(Out):
    pipeline_id: str
    workspace_id: int


class DeleteVersionsOut(Out):
    pipeline_versions: list[str]


class BytesOut(Out):
    bytes: int


class ConfiguredVersionOut(Out):
    model_version: dict[str, Any]
    config: dict[str, Any]


class ModelItemOut(Out):
    model: dict[str, Any]
    model_versions: list[ConfiguredVersionOut]
    workspace: WorkspaceOut


class ListModelsOut(Out):
    models: list[ModelItemOut]


class ModelVersionOut(Out):
    model_version: ConfiguredVersionOut

