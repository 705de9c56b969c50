"""V1 assay reads of stored data: ``get_baseline`` (raw inference logs) and the stored results
(``get_assay_results`` and the Seed-000 ``get_results``, one handler). Included by ``routers.assays``."""

from __future__ import annotations

from typing import Any

from fastapi import Body, Request
from fastapi.responses import JSONResponse

from .. import assay_env as env
from .. import assay_store as st
from ..assay_config import BadRequest, parse_dt, to_ms
from ..assay_config import _int as as_int
from ..errors import ApiError
from . import make_router
from .assay_common import body_dict, handle, owned_assay

router = make_router(tags=["assays"])


def _check_paging(locations: Any, nxt: Any) -> None:
    """Newer fields: ``locations: str[]`` (``[]`` = the Ops pipeline only; the sandbox has no edge locations)
    and ``next: {str: int}`` (pagination cursor; the sandbox answers in one page). Wrong types are a 400."""
    if locations is not None and (not isinstance(locations, list) or not all(isinstance(x, str) for x in locations)):
        raise BadRequest("locations: expected a list of strings")
    if nxt is not None and (not isinstance(nxt, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in nxt.values())):
        raise BadRequest("next: expected an object of integers ({\"<partition>\": offset})")


def _span_and_limit(b: dict) -> tuple[int | None, int | None, int | None]:
    """``start``/``end`` (as epoch ms, None = open) and ``limit`` (>= 0, None = all) of a read body."""
    start = parse_dt(b.get("start"), "start")
    end = parse_dt(b.get("end"), "end")
    limit = as_int(b.get("limit"), "limit", required=False)
    if limit is not None and limit < 0:
        raise BadRequest("limit: must be >= 0")
    return to_ms(start), to_ms(end), limit


@router.post("/get_baseline")
def get_baseline(request: Request, body: dict = Body(...)):  # noqa: B008
    """Raw inference logs of a pipeline, flattened, oldest first."""
    def run():
        b = body_dict(body)
        wid = as_int(b.get("workspace_id"), "workspace_id")
        pname = b.get("pipeline_name")
        if not isinstance(pname, str) or not pname:
            raise BadRequest("pipeline_name: expected a non-empty string")
        model = b.get("model_name")
        if model is not None and not isinstance(model, str):
            raise BadRequest("model_name: expected a string")
        start, end, limit = _span_and_limit(b)
        _check_paging(b.get("locations"), b.get("next"))
        with env.connection(request) as conn:
            if not env.can_access(conn, env.caller(request), wid):
                raise ApiError(404, f"workspace_id: workspace {wid} not found")
            pipe = env.pipeline_by_name(conn, wid, pname)
            if pipe is None:
                raise ApiError(404, f"pipeline_name: pipeline {pname!r} not found in workspace {wid}")
            return JSONResponse(env.get_logs(conn, pipe["id"], start, end, model, limit))
    return handle(run)


def _results(request: Request, body: Any):
    def run():
        b = body_dict(body)
        start, end, limit = _span_and_limit(b)
        with env.connection(request) as conn:
            a = owned_assay(conn, request, b.get("assay_id"), "assay_id")
            return JSONResponse(st.get_results(conn, a["id"], start, end, limit))
    return handle(run)


@router.post("/get_assay_results")
def get_assay_results(request: Request, body: dict = Body(...)):  # noqa: B008
    """Stored results of an assay, ascending by window start (``start`` inclusive, ``end`` exclusive)."""
    return _results(request, body)


@router.post("/get_results")
def get_results(request: Request, body: dict = Body(...)):  # noqa: B008
    """Seed 000 name of ``get_assay_results`` (same handler)."""
    return _results(request, body)
