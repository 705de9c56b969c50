"""Today's pipeline calls (``wallaroo_ml_ops_api_client``): list_pipelines, get_pipeline_by_name,
list_pipeline_versions, get_version, get_logs, delete_pipeline, delete_pipeline_versions.

Shapes and delete rules: ``sandbox.catalog``; log pages: ``sandbox.log_pages``. Only workspace members see or
change a pipeline; to anyone else it answers exactly as an unknown one (404)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from .. import catalog
from ..assay_config import parse_dt, to_ms
from ..current_bodies import (
    DeletePipelineOut,
    DeleteVersionsOut,
    GetLogsBody,
    GetVersionOut,
    ListPipelinesBody,
    ListPipelinesOut,
    ListVersionsOut,
    PipelineByNameBody,
    PipelineIdBody,
    PipelineItem,
    VersionBody,
    VersionsBody,
)
from ..deps import Caller, member_type, require_user, store
from ..errors import ApiError, error_responses
from ..log_pages import page
from ..logstore import LogStore
from . import make_router

router = make_router(errors=(404,), prefix="/v1/api/pipelines", tags=["pipelines (current)"])
_LOGS = {200: {"description": "A page of records, oldest or newest first. Headers: x-iteration-status "
                              "(All | RecordLimited) and, when more, x-iteration-cursor.",
               "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}


@router.post("/list_pipelines", response_model=ListPipelinesOut,
             summary="Every pipeline of a workspace (by id or name; neither: all the caller's workspaces)")
def list_pipelines(request: Request, body: ListPipelinesBody | None = None,
                   caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    body = body or ListPipelinesBody()
    with store(request).tx() as conn:
        if body.workspace_id is None and body.workspace_name is None:
            wids = [r[0] for r in conn.execute("SELECT workspace_id FROM workspace_members WHERE user_id = ? "
                                               "ORDER BY workspace_id", (caller.id,))]
        else:
            wids = [catalog.visible_workspace(conn, caller, body.workspace_id, body.workspace_name)]
        items = []
        for wid in wids:
            for row in conn.execute(f"SELECT {', '.join(catalog.PIPE_COLS)} FROM pipelines WHERE workspace_id = ? "
                                    "ORDER BY id", (wid,)).fetchall():
                items.append(catalog.pipeline_item(conn, dict(zip(catalog.PIPE_COLS, row, strict=True))))
    return {"pipelines": items}


@router.post("/get_pipeline_by_name", response_model=PipelineItem,
             summary="One pipeline of a workspace by name, with its latest version and deployment")
def get_pipeline_by_name(request: Request, body: PipelineByNameBody,
                         caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        pipe = catalog.pipeline_named(conn, caller, body.workspace_id, body.pipeline_name)
        return catalog.pipeline_item(conn, pipe)


@router.post("/list_pipeline_versions", response_model=ListVersionsOut,
             summary="Versions of a pipeline (pipeline_id = its name), newest first; deployment set on the "
                     "deployed version")
def list_pipeline_versions(request: Request, body: PipelineIdBody,
                           caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        pipe = catalog.pipeline_named(conn, caller, body.workspace_id, body.pipeline_id)
        return {"pipeline_versions": [catalog.pipeline_item(conn, pipe, row, only_if_version_deployed=True)
                                      for row in catalog.version_rows(conn, pipe["id"])]}


@router.post("/get_version", response_model=GetVersionOut, summary="One pipeline version by UUID: its definition")
def get_version(request: Request, body: VersionBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        row = conn.execute("SELECT v.id, v.version, v.definition, v.created_at, p.name, p.id, p.workspace_id FROM "
                           "pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id WHERE v.version = ?",
                           (body.version,)).fetchone()
        if row is None or member_type(conn, caller, row[6]) is None:
            raise ApiError(404, f"pipeline version {body.version!r} not found")
    return {"pipeline_id": row[4], "version": row[1], "definition": json.loads(row[2]), "pipeline_pk_id": row[5],
            "pipeline_version_pk_id": row[0], "workspace_id": row[6], "created_at": row[3]}


@router.post("/get_logs", responses=_LOGS, summary="Inference logs of a pipeline, one page per call "
             "(order, page_size, cursor, start_time/end_time)")
def get_logs(request: Request, body: GetLogsBody, caller: Caller = Depends(require_user)) -> Any:  # noqa: B008
    start, end = to_ms(parse_dt(body.start_time, "start_time")), to_ms(parse_dt(body.end_time, "end_time"))
    st = store(request)
    with st.tx() as conn:
        pipe = catalog.pipeline_named(conn, caller, body.workspace_id, body.pipeline_name)
        records, cursor = page(LogStore.of(conn), conn, pipe["id"], order=body.order,
                               page_size=body.page_size or 1000, cursor=body.cursor, start_ms=start, end_ms=end)
    headers = {"x-iteration-status": "RecordLimited" if cursor else "All"}
    if cursor:
        headers["x-iteration-cursor"] = cursor
    return JSONResponse(records, headers=headers)


@router.post("/delete_pipeline", response_model=DeletePipelineOut, responses=error_responses(409),
             summary="Delete a pipeline (pipeline_id = its name) with its versions, logs and paused assays; "
                     "409 if deployed or watched by an active assay")
def delete_pipeline(request: Request, body: PipelineIdBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    st = store(request)
    with st.tx(write=True) as conn:
        pipe = catalog.pipeline_named(conn, caller, body.workspace_id, body.pipeline_id)
        files = catalog.delete_pipeline(conn, pipe)
    catalog.unlink_logs(st.data_dir, files)
    return {"pipeline_id": pipe["name"], "workspace_id": pipe["workspace_id"]}


@router.post("/delete_pipeline_versions", response_model=DeleteVersionsOut, responses=error_responses(409),
             summary="Delete pipeline versions by UUID (all or none); 409 if one is deployed")
def delete_pipeline_versions(request: Request, body: VersionsBody,
                             caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx(write=True) as conn:
        rows = catalog.pipeline_versions_by_uuid(conn, caller, body.pipeline_versions)
        catalog.delete_pipeline_versions(conn, rows)
    return {"pipeline_versions": [r[3] for r in rows]}
