"""V1 assay endpoints ``/v1/api/assays/*`` (summarize, create, list, set_active, run_interactive_baseline,
run_interactive; newer get_assay_by_id, filter). The reads of stored data (get_baseline, get_assay_results /
get_results) are in ``routers.assay_reads``; this router includes them.

The core convention: bodies are the pydantic models of ``sandbox.assay_bodies``, the caller comes from
``Depends(require_user)``, errors are raised as ``ApiError`` (``assay_config.BadRequest`` is its 400) and
mapped once by the app. Summaries and results are ``drift.types`` objects until the answer, where ``to_api``
makes them wire dicts. Config parsing is in ``sandbox.assay_config``, persistence in ``sandbox.assay_store``,
lookups in ``sandbox.assay_env``, math in ``wallaroo_widgets.drift``. Only members of an assay's workspace
see or change it; others get 404.
"""

from __future__ import annotations

import json
import sqlite3
import time

import pandas as pd
from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from ...drift.types import AssayResult, Summary
from .. import assay_env as env
from .. import assay_store as st
from ..assay_bodies import (
    AssayByIdBody,
    AssayConfigBody,
    CreateAssayBody,
    FilterBody,
    ListAssaysBody,
    SetActiveV1Body,
    SummarizeBody,
)
from ..assay_config import (
    BadRequest,
    Baseline,
    LogSource,
    Window,
    finish_results,
    iso,
    parse_dt,
    parse_summarizer,
    score_range,
    stored_config,
    summarize,
)
from ..deps import Caller, require_user, store, wire_json
from ..errors import ApiError
from . import assay_reads, make_router

router = make_router(errors=(404,), prefix="/v1/api/assays", tags=["assays"])


def wake_scheduler(request: Request) -> None:
    sched = getattr(request.app.state, "assay_scheduler", None)
    if sched is not None:
        sched.wake()


# --- config resolution -------------------------------------------------------------------------------------

def resolve_pipeline(conn: sqlite3.Connection, caller: Caller, body: AssayConfigBody) -> dict:
    """The config's pipeline (``pipeline_id``, or ``workspace_id`` + ``pipeline_name``/``window.pipeline_name``):
    resolved before the content rules are checked, so an unknown or foreign pipeline is a 404."""
    pid = body.pipeline_id
    wid = body.workspace_id if body.workspace_id is not None else body.window.workspace_id
    name = body.pipeline_name or body.window.pipeline_name or body.window.pipeline
    if pid is not None:
        pipe, missing = env.pipeline_by_id(conn, pid), f"pipeline_id: pipeline {pid} not found"
    elif wid is None:
        raise BadRequest("pipeline_id: missing (or give workspace_id and window.pipeline_name)")
    else:
        pipe, missing = env.pipeline_by_name(conn, wid, name), f"pipeline_name: pipeline {name!r} not found"
    if pipe is None or not env.can_access(conn, caller, pipe["workspace_id"]):  # foreign = missing
        raise ApiError(404, missing)
    if wid is not None and wid != pipe["workspace_id"]:  # no such pipeline in that workspace
        raise ApiError(404, f"workspace_id: pipeline {pipe['id']} is not in workspace {wid}")
    return pipe


class Resolved:
    """A parsed, authorised assay config."""

    def __init__(self, conn: sqlite3.Connection, caller: Caller, body: AssayConfigBody, *, need_name: bool) -> None:
        self.pipeline = resolve_pipeline(conn, caller, body)
        if need_name and body.name is None:
            raise BadRequest("name: expected a non-empty string")
        self.name = body.name
        raw = body.config()
        self.summarizer = parse_summarizer(raw.get("summarizer"))
        self.window = Window.parse(raw["window"], "window", body.iopath)
        self.baseline = Baseline.parse(raw["baseline"], "baseline", body.iopath, self.window)
        self.alert, self.warning = body.alert_threshold, body.warning_threshold
        self.run_until = parse_dt(body.run_until, "run_until")
        self.workspace_id = self.pipeline["workspace_id"]
        if self.window.workspace_id is None:
            self.window.workspace_id = self.workspace_id
        self.logs: LogSource = env.log_source(conn, self.workspace_id)

    def base_summary(self) -> Summary:
        return summarize(self.baseline, self.summarizer, self.logs)

    def first_start(self) -> pd.Timestamp | None:
        """window.start, else the baseline end, else the first logged time of the pipeline."""
        if self.window.start is not None:
            return self.window.start
        if self.baseline.end is not None:
            return self.baseline.end
        first = env.first_log_ms(self.logs, self.window)
        return None if first is None else pd.Timestamp(first, unit="ms", tz="UTC")

    def stored_config(self) -> dict:
        return stored_config(self.window, self.baseline, self.summarizer, self.alert, self.warning)


# --- endpoints -----------------------------------------------------------------------------------------------

@router.post("/summarize", summary="Summarize a vector or fixed_window baseline (a Summary)")
def summarize_endpoint(request: Request, body: SummarizeBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    raw = body.baseline.raw()
    if str(next(iter(raw))).lower() not in {"vector", "fixed_window"}:
        raise BadRequest("baseline: expected {\"vector\": [...]} or {\"fixed_window\": {...}}")
    with store(request).tx() as conn:
        logs = None
        window = body.baseline.fixed_window
        if window is not None:  # the workspace and pipeline first: unknown and foreign are 404s
            wid, name = window.workspace_id, window.pipeline_name or window.pipeline
            if wid is None:
                raise BadRequest("baseline.fixed_window.workspace_id: missing")
            if not env.can_access(conn, caller, wid):
                raise ApiError(404, f"workspace {wid} not found")
            if env.pipeline_by_name(conn, wid, name) is None:
                raise ApiError(404, f"baseline.fixed_window.pipeline_name: pipeline {name!r} not found")
            logs = env.log_source(conn, wid)
        summ = parse_summarizer(body.summarizer.model_dump(exclude_unset=True))
        return summarize(Baseline.parse(raw, "baseline"), summ, logs).to_api()


@router.post("/create", summary="Create an assay -> {assay_id}")
def create(request: Request, body: CreateAssayBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:  # read and compute first, outside the write lock
        cfg = Resolved(conn, caller, body, need_name=True)
        cfg.base_summary()  # validates a baseline that reads logs or a static summary now
        start = cfg.first_start()
    next_run = None if start is None else iso(start + cfg.window.width_td)
    try:
        json.dumps(cfg.stored_config(), allow_nan=False)
    except ValueError:
        raise BadRequest("baseline: NaN/Infinity are not JSON numbers (send null)") from None
    with store(request).tx(write=True) as conn:
        try:
            aid = st.insert_assay(conn, name=cfg.name, workspace_id=cfg.workspace_id,
                                  pipeline_id=cfg.pipeline["id"], pipeline_name=cfg.pipeline["name"],
                                  active=body.active is not False, config=cfg.stored_config(),
                                  run_until=iso(cfg.run_until), next_run=next_run,
                                  now=iso(pd.Timestamp.now(tz="UTC")))
        except ValueError as exc:  # a duplicate name
            raise BadRequest(str(exc)) from None
    wake_scheduler(request)
    return {"assay_id": aid}


@router.post("/list", summary="Bare list of assays, newest first (by pipeline_id, workspace_id/_name, or all)")
def list_assays(request: Request, body: ListAssaysBody | None = None,
                caller: Caller = Depends(require_user)) -> JSONResponse:  # noqa: B008
    body = body or ListAssaysBody()
    with store(request).tx() as conn:
        visible = env.visible_workspaces(conn, caller)
        wid = body.workspace_id
        if wid is None and body.workspace_name is not None:
            wid = env.workspace_id_by_name(conn, body.workspace_name)
            if wid is None or wid not in visible:
                raise ApiError(404, f"workspace_name: workspace {body.workspace_name!r} not found")
        elif wid is not None and wid not in visible:
            raise ApiError(404, f"workspace_id: workspace {wid} not found")
        if body.pipeline_id is not None:
            pipe = env.pipeline_by_id(conn, body.pipeline_id)
            if pipe is None or pipe["workspace_id"] not in visible:
                raise ApiError(404, f"pipeline_id: pipeline {body.pipeline_id} not found")
        ws = [w for w in visible if wid is None or w == wid]
        rows = st.list_assays(conn, pipeline_id=body.pipeline_id, workspace_ids=ws)
        names = {w: env.workspace_name(conn, w) for w in {r["workspace_id"] for r in rows}}
        return JSONResponse([st.list_item(r, names[r["workspace_id"]]) for r in rows])


@router.post("/get_assay_by_id", summary="One assay definition by id (as in assays/list)")
def get_assay_by_id(request: Request, body: AssayByIdBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        a = env.owned_assay(conn, caller, body.id)
        return st.list_item(a, env.workspace_name(conn, a["workspace_id"]))


@router.post("/filter", summary="Assays of pipeline_id filtered by name (substring) / active, sorted by sort_by")
def filter_assays(request: Request, body: FilterBody,
                  caller: Caller = Depends(require_user)) -> JSONResponse:  # noqa: B008
    """``sort_by`` id, name, created_at or updated_at (newest first, except by name)."""
    sort_by = body.sort_by or "id"
    with store(request).tx() as conn:
        visible = env.visible_workspaces(conn, caller)
        pipe = env.pipeline_by_id(conn, body.pipeline_id)
        if pipe is None or pipe["workspace_id"] not in visible:
            raise ApiError(404, f"pipeline_id: pipeline {body.pipeline_id} not found")
        rows = st.list_assays(conn, pipeline_id=body.pipeline_id, workspace_ids=visible)
        ws_name = env.workspace_name(conn, pipe["workspace_id"])
    rows = [r for r in rows if (body.active is None or bool(r["active"]) == body.active)
            and (body.name is None or body.name.lower() in r["name"].lower())]
    rows.sort(key=lambda r: r[sort_by], reverse=sort_by != "name")
    return JSONResponse([st.list_item(r, ws_name) for r in rows])


@router.post("/set_active", summary="Pause or resume an assay -> {id, active}")
def set_active(request: Request, body: SetActiveV1Body, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx(write=True) as conn:
        a = env.owned_assay(conn, caller, body.id)
        st.set_active(conn, a["id"], body.active, iso(pd.Timestamp.now(tz="UTC")))
    wake_scheduler(request)
    return {"id": a["id"], "active": body.active}


@router.post("/run_interactive_baseline", summary="One BaselineRun result whose window is the baseline itself")
def run_interactive_baseline(request: Request, body: AssayConfigBody,
                             caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    t0 = time.perf_counter()
    with store(request).tx() as conn:
        cfg = Resolved(conn, caller, body, need_name=False)
        base = cfg.base_summary()
        ws_name = env.workspace_name(conn, cfg.workspace_id)
    now = iso(pd.Timestamp.now(tz="UTC"))
    res = AssayResult(window_start=base.start or now, baseline_summary=base, window_summary=base,
                      warning_threshold=cfg.warning, alert_threshold=cfg.alert, score=0.0,
                      scores=(0.0,) * len(base.aggregated_values), summarizer=cfg.summarizer.to_dict(),
                      status="BaselineRun")
    return finish_results([res], assay_id=body.id, pipeline=cfg.pipeline, workspace_name=ws_name,
                          elapsed_ms=int((time.perf_counter() - t0) * 1000), analyzed_at=now)[0].to_api()


@router.post("/run_interactive", summary="Preview: one result per window up to min(run_until, now); nothing stored")
def run_interactive(request: Request, body: AssayConfigBody,
                    caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    t0 = time.perf_counter()
    now = pd.Timestamp.now(tz="UTC")
    with store(request).tx() as conn:
        cfg = Resolved(conn, caller, body, need_name=False)
        base = cfg.base_summary()
        start = cfg.first_start()
        if start is None:
            return JSONResponse([])
        until = min(cfg.run_until, now) if cfg.run_until is not None else now
        results = score_range(cfg.window, base, cfg.summarizer, cfg.logs, start=start, until=until,
                              warning=cfg.warning, alert=cfg.alert)
    out = finish_results(results, assay_id=body.id, pipeline=None, workspace_name=None,
                         elapsed_ms=int((time.perf_counter() - t0) * 1000), analyzed_at=iso(now))
    return wire_json([r.to_api() for r in out])  # hundreds of windows: the fast serialiser


router.include_router(assay_reads.router)
