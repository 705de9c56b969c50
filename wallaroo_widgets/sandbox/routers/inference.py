"""Pipeline inference at ``/v1/api/pipelines/infer/{deploy_id}-{deployment id}[/{pipeline_name}]``; every call is logged."""

from __future__ import annotations

import time

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from .. import db, engine, infer_columns
from ..deps import authenticate, member_type
from ..errors import ApiError
from ..logs import records_json
from ..logstore import LogStore
from . import make_router
from .pipelines import find_deployment

router = make_router(errors=(401, 404, 503), prefix="/v1/api/pipelines/infer", tags=["inference"])
ARROW = "application/vnd.apache.arrow.file"
_BODY = {"requestBody": {"required": True, "content": {
    "application/json; format=pandas-records": {"schema": {"type": "array", "items": {"type": "object"}},
                                                "example": [{"tensor": [1.0, 2.0]}]},
    ARROW: {"schema": {"type": "string", "format": "binary"}},
    "application/json": {"schema": {"type": "object"}, "example": {"tensor": [[1.0, 2.0]]}}}}}


def _infer(request: Request, name: str, pipeline_name: str | None, body: bytes, ctype: str) -> Response:
    """Run the deployment and build the response; the call is logged only once the response is built."""
    caller = request.state.user
    st = request.app.state.store
    with st.tx() as conn:
        dep = find_deployment(conn, name)
        pipe = None if dep is None else conn.execute(
            "SELECT id, name, workspace_id FROM pipelines WHERE id = ?", (dep["pipeline_id"],)).fetchone()
        if pipe is None or (not caller.service and member_type(conn, caller, pipe[2]) is None):
            raise ApiError(404, f"no deployed pipeline at {name!r} (undeployed or unknown)")
        if pipeline_name is not None and pipeline_name != pipe[1]:
            raise ApiError(404, f"deployment {name!r} does not serve pipeline {pipeline_name!r}")
        version = conn.execute("SELECT version FROM pipeline_versions WHERE id = ?",
                               (dep["pipeline_version_id"],)).fetchone()[0]
        refs = [(db.version_ref(conn, v), v) for v in dep["model_version_ids"]]
    if time.time() < dep["deployed_at"] + request.app.state.config.deploy_delay:
        raise ApiError(503, f"deployment {name!r} is still Starting")
    batch = infer_columns.decode(body, ctype)  # numeric columns: the vectorised path
    rows = engine.decode_body(body, ctype) if batch is None else None
    cache: engine.ModelCache = request.app.state.models
    try:
        steps = [(ref, cache.get(ref["sha"], lambda sha=ref["sha"]: st.model_path(sha).read_bytes()))
                 for ref, _ in refs]
    except ApiError as exc:  # a model the engine cannot load: the deployment is in Error (status/get_deployment)
        raise ApiError(503, f"deployment {name!r} is in Error: {exc.msg}") from None
    if batch is not None:
        return _infer_columns(st, pipe[0], batch, steps, version, f"engine-{name}", "arrow" in ctype.lower())
    records, dtypes = engine.run_pipeline(rows, steps, pipeline_version=version, partition=f"engine-{name}")
    response = _response(records, "arrow" in ctype.lower())
    with st.tx(write=True) as conn:
        db.insert_logs(conn, pipe[0], [engine.flatten(r) for r in records], dtypes)
    return response


def _infer_columns(st, pipeline_id: int, batch: infer_columns.Batch, steps: list, version: str, partition: str,
                   arrow: bool) -> Response:
    """Run a numeric batch; the response records and the logged batch come from the same output arrays."""
    elapsed = infer_columns.run(batch, steps)
    now_ms = int(time.time() * 1000)
    meta = infer_columns.metadata(steps[-1][0], elapsed, version, partition)
    if arrow:  # the Arrow answer straight from the columns (no records)
        response = Response(infer_columns.arrow_response(batch, now_ms, meta), media_type=ARROW)
    else:
        response = _response(infer_columns.records(batch, now_ms, meta), False)
    table, f32 = infer_columns.log_table(batch, now_ms, meta, steps[-1][0]["name"])
    with st.tx(write=True) as conn:
        LogStore.of(conn).append(conn, pipeline_id, table, f32)
    return response


def _response(records: list[dict], arrow: bool) -> Response:
    """Arrow IPC file when asked (and the records form a table), else JSON with NaN/Infinity as null."""
    if arrow:
        data = engine.arrow_bytes(records)
        if data is not None:
            return Response(data, media_type=ARROW)
    return Response(records_json(records), media_type="application/json")


async def _handle(request: Request, name: str, pipeline_name: str | None) -> Response:
    authenticate(request)
    body = await request.body()
    return await run_in_threadpool(_infer, request, name, pipeline_name, body, request.headers.get("content-type", ""))


@router.post("/{name}/{pipeline_name}", openapi_extra=_BODY, summary="Run inference (pandas-records JSON, Arrow IPC file, column dict)")
async def infer(request: Request, name: str, pipeline_name: str) -> Response:
    return await _handle(request, name, pipeline_name)


@router.post("/{name}", openapi_extra=_BODY, summary="Run inference (older URL form without the pipeline name)")
async def infer_short(request: Request, name: str) -> Response:
    return await _handle(request, name, None)
