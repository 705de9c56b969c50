"""V1 assay reads of stored data: ``get_baseline`` (raw inference logs) and the stored results
(``get_assay_results`` and the Seed-000 ``get_results``, one handler). Included by ``routers.assays``."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from .. import assay_env as env
from .. import assay_store as st
from ..assay_bodies import BaselineLogsBody, ResultsV1Body
from ..assay_config import parse_dt, to_ms
from ..deps import Caller, require_user, store
from ..errors import ApiError
from ..logs import logs_response
from . import make_router

router = make_router(errors=(404,), tags=["assays"])


def _span(body: ResultsV1Body | BaselineLogsBody) -> tuple[int | None, int | None]:
    """``start``/``end`` of a read body as epoch ms (None = open)."""
    return to_ms(parse_dt(body.start, "start")), to_ms(parse_dt(body.end, "end"))


@router.post("/get_baseline", summary="Raw inference logs of a pipeline, flattened, oldest first")
def get_baseline(request: Request, body: BaselineLogsBody,
                 caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    start, end = _span(body)
    wid = body.workspace_id
    with store(request).tx() as conn:
        if not env.can_access(conn, caller, wid):
            raise ApiError(404, f"workspace_id: workspace {wid} not found")
        pipe = env.pipeline_by_name(conn, wid, body.pipeline_name)
        if pipe is None:
            raise ApiError(404, f"pipeline_name: pipeline {body.pipeline_name!r} not found in workspace {wid}")
        return logs_response(conn, pipe["id"], start, end, body.model_name, body.limit)


def _results(request: Request, body: ResultsV1Body, caller: Caller) -> JSONResponse:
    start, end = _span(body)
    with store(request).tx() as conn:
        a = env.owned_assay(conn, caller, body.assay_id, "assay_id")
        return JSONResponse(st.get_results(conn, a["id"], start, end, body.limit))


@router.post("/get_assay_results", summary="Stored results of an assay, ascending by window start "
             "(start inclusive, end exclusive)")
def get_assay_results(request: Request, body: ResultsV1Body,
                      caller: Caller = Depends(require_user)) -> JSONResponse:  # noqa: B008
    return _results(request, body, caller)


@router.post("/get_results", summary="Seed 000 name of get_assay_results (same handler)")
def get_results(request: Request, body: ResultsV1Body,
                caller: Caller = Depends(require_user)) -> JSONResponse:  # noqa: B008
    return _results(request, body, caller)
