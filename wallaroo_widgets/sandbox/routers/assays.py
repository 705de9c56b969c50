"""V1 assay endpoints ``/v1/api/assays/*`` (summarize, create, list, set_active, run_interactive_baseline,
run_interactive; newer get_assay_by_id, filter). The reads of stored data (get_baseline, get_assay_results /
get_results) are in ``routers.assay_reads`` and the shared helpers in ``routers.assay_common``; this router
includes both.

Config parsing is in ``sandbox.assay_config``, persistence in ``sandbox.assay_store``, math in
``wallaroo_widgets.drift``. Only members of an assay's workspace see or change it; others get 404.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pandas as pd
from fastapi import Body, Depends, Request
from fastapi.responses import JSONResponse

from .. import assay_env as env
from .. import assay_store as st
from ..assay_config import (
    BadRequest,
    Baseline,
    LogSource,
    Window,
    finish_results,
    iso,
    parse_dt,
    parse_summarizer,
    parse_threshold,
    score_range,
    stored_config,
    summarize,
)
from ..assay_config import _int as as_int
from ..errors import ApiError
from . import assay_reads, make_router
from .assay_common import AnyBody, body_dict, handle, owned_assay

NAME_MAX = 255
router = make_router(prefix="/v1/api/assays", tags=["assays"], dependencies=[Depends(env.authenticated)])


class SummarizeBody(AnyBody):
    summarizer: Any = None
    baseline: Any = None


class AssayConfigBody(AnyBody):
    """Full V1 assay config (as create; run_interactive* also take ``id``). Fields are checked by the
    handler so that every error names its field (``window.width``, ``baseline.vector``, ...)."""

    name: Any = None
    pipeline_id: Any = None
    pipeline_name: Any = None
    active: Any = True
    status: Any = None
    baseline: Any = None
    window: Any = None
    summarizer: Any = None
    alert_threshold: Any = None
    warning_threshold: Any = None
    run_until: Any = None
    workspace_id: Any = None
    id: Any = None
    iopath: Any = None


# --- config resolution -------------------------------------------------------------------------------------

class Resolved:
    """A parsed, authorised assay config."""

    def __init__(self, request: Request, conn, body: dict, *, need_name: bool) -> None:
        user = env.caller(request)
        self.raw = body
        if need_name:
            name = body.get("name")
            if not isinstance(name, str) or not name.strip():
                raise BadRequest("name: expected a non-empty string")
            if len(name) > NAME_MAX:
                raise BadRequest(f"name: at most {NAME_MAX} characters, got {len(name)}")
            self.name = name
        self.summarizer = parse_summarizer(body.get("summarizer"))
        self.window = Window.parse(body.get("window"), "window", body.get("iopath"))
        self.baseline = Baseline.parse(body.get("baseline"), "baseline", body.get("iopath"), self.window)
        self.alert = parse_threshold(body.get("alert_threshold"), "alert_threshold")
        self.warning = parse_threshold(body.get("warning_threshold"), "warning_threshold")
        self.run_until = parse_dt(body.get("run_until"), "run_until")
        pid = as_int(body.get("pipeline_id"), "pipeline_id", required=False)
        wid = as_int(body.get("workspace_id"), "workspace_id", required=False)
        wid = wid if wid is not None else self.window.workspace_id
        pipe = None
        if pid is not None:
            pipe = env.pipeline_by_id(conn, pid)
            if pipe is None:
                raise ApiError(404, f"pipeline_id: pipeline {pid} not found")
        else:
            if wid is None:
                raise BadRequest("pipeline_id: missing (or give workspace_id and window.pipeline_name)")
            pipe = env.pipeline_by_name(conn, wid, body.get("pipeline_name") or self.window.pipeline_name)
            if pipe is None:
                raise ApiError(404, f"pipeline_name: pipeline {self.window.pipeline_name!r} not found")
        if not env.can_access(conn, user, pipe["workspace_id"]):  # same answer as a missing pipeline
            raise ApiError(404, f"pipeline_id: pipeline {pid} not found" if pid is not None else
                           f"pipeline_name: pipeline {self.window.pipeline_name!r} not found")
        if wid is not None and wid != pipe["workspace_id"]:
            raise BadRequest(f"workspace_id: pipeline {pipe['id']} is not in workspace {wid}")
        self.pipeline = pipe
        self.workspace_id = pipe["workspace_id"]
        if self.window.workspace_id is None:
            self.window.workspace_id = self.workspace_id
        self.logs: LogSource = env.log_source(conn, self.workspace_id)

    def base_summary(self) -> dict:
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

@router.post("/summarize")
def summarize_endpoint(request: Request, body: SummarizeBody = Body(...)):  # noqa: B008
    """Summarize a ``vector`` or ``fixed_window`` baseline (Summary dict)."""
    def run():
        raw = body.model_dump()
        summ = parse_summarizer(raw.get("summarizer"))
        b = raw.get("baseline")
        if not isinstance(b, dict) or len(b) != 1 or str(next(iter(b))).lower() not in {"vector", "fixed_window"}:
            raise BadRequest("baseline: expected {\"vector\": [...]} or {\"fixed_window\": {...}}")
        base = Baseline.parse(b, "baseline")
        with env.connection(request) as conn:
            user = env.caller(request)
            logs = None
            if base.kind == "logs":
                wid = base.window.workspace_id
                if wid is None:
                    raise BadRequest("baseline.fixed_window.workspace_id: missing")
                if not env.can_access(conn, user, wid):
                    raise ApiError(404, f"workspace {wid} not found")
                if env.pipeline_by_name(conn, wid, base.window.pipeline_name) is None:
                    raise ApiError(404, f"baseline.fixed_window.pipeline_name: pipeline "
                                        f"{base.window.pipeline_name!r} not found")
                logs = env.log_source(conn, wid)
            return summarize(base, summ, logs)
    return handle(run)


@router.post("/create")
def create(request: Request, body: AssayConfigBody = Body(...)):  # noqa: B008
    """Create an assay -> ``{"assay_id": id}``."""
    def run():
        if body.active is not None and not isinstance(body.active, bool):
            raise BadRequest(f"active: expected true or false, got {body.active!r}")
        with env.connection(request) as conn:  # read and compute first, outside the write lock
            cfg = Resolved(request, conn, body.model_dump(), need_name=True)
            cfg.base_summary()  # validates a baseline that reads logs or a static summary now
            start = cfg.first_start()
        next_run = None if start is None else iso(start + cfg.window.width_td)
        now = iso(pd.Timestamp.now(tz="UTC"))
        try:
            json.dumps(cfg.stored_config(), allow_nan=False)
        except ValueError:
            raise BadRequest("baseline: NaN/Infinity are not JSON numbers (send null)") from None
        with env.connection(request, write=True) as conn:
            try:
                aid = st.insert_assay(conn, name=cfg.name, workspace_id=cfg.workspace_id,
                                      pipeline_id=cfg.pipeline["id"], pipeline_name=cfg.pipeline["name"],
                                      active=bool(body.active if body.active is not None else True),
                                      config=cfg.stored_config(), run_until=iso(cfg.run_until),
                                      next_run=next_run, now=now)
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
        env.wake_scheduler(request)
        return {"assay_id": aid}
    return handle(run)


@router.post("/list")
def list_assays(request: Request, body: dict = Body(default_factory=dict)):  # noqa: B008
    """Bare list of assays, newest first (by ``pipeline_id``, or ``workspace_id``/``workspace_name``, or all visible)."""
    def run():
        b = body_dict(body)
        with env.connection(request) as conn:
            user = env.caller(request)
            visible = env.visible_workspaces(conn, user)
            pid = as_int(b.get("pipeline_id"), "pipeline_id", required=False)
            wid = as_int(b.get("workspace_id"), "workspace_id", required=False)
            if wid is None and b.get("workspace_name") is not None:
                wid = env.workspace_id_by_name(conn, str(b["workspace_name"]))
                if wid is None or wid not in visible:
                    raise ApiError(404, f"workspace_name: workspace {b['workspace_name']!r} not found")
            elif wid is not None and wid not in visible:
                raise ApiError(404, f"workspace_id: workspace {wid} not found")
            if pid is not None:
                pipe = env.pipeline_by_id(conn, pid)
                if pipe is None or pipe["workspace_id"] not in visible:
                    raise ApiError(404, f"pipeline_id: pipeline {pid} not found")
            ws = [w for w in visible if wid is None or w == wid]
            rows = st.list_assays(conn, pipeline_id=pid, workspace_ids=ws)
            names = {w: env.workspace_name(conn, w) for w in {r["workspace_id"] for r in rows}}
            return JSONResponse([st.list_item(r, names[r["workspace_id"]]) for r in rows])
    return handle(run)


@router.post("/get_assay_by_id")
def get_assay_by_id(request: Request, body: dict = Body(...)):  # noqa: B008
    """Newer V1 extra: ``{"id"}`` -> the assay definition (as in assays/list)."""
    def run():
        b = body_dict(body)
        with env.connection(request) as conn:
            a = owned_assay(conn, request, b.get("id"))
            return st.list_item(a, env.workspace_name(conn, a["workspace_id"]))
    return handle(run)


@router.post("/filter")
def filter_assays(request: Request, body: dict = Body(...)):  # noqa: B008
    """Newer V1 extra: assays of ``pipeline_id`` filtered by ``name`` (substring) / ``active``, ``sort_by``
    ``"id"``/``"name"``/``"created_at"``/``"updated_at"`` (newest first by default)."""
    def run():
        b = body_dict(body)
        pid = as_int(b.get("pipeline_id"), "pipeline_id")
        active = b.get("active")
        if active is not None and not isinstance(active, bool):
            raise BadRequest(f"active: expected true, false or null, got {active!r}")
        name = b.get("name")
        if name is not None and not isinstance(name, str):
            raise BadRequest("name: expected a string")
        sort_by = b.get("sort_by") or "id"
        if sort_by not in {"id", "name", "created_at", "updated_at"}:
            raise BadRequest(f"sort_by: expected id, name, created_at or updated_at, got {sort_by!r}")
        with env.connection(request) as conn:
            visible = env.visible_workspaces(conn, env.caller(request))
            pipe = env.pipeline_by_id(conn, pid)
            if pipe is None or pipe["workspace_id"] not in visible:
                raise ApiError(404, f"pipeline_id: pipeline {pid} not found")
            rows = st.list_assays(conn, pipeline_id=pid, workspace_ids=visible)
            ws_name = env.workspace_name(conn, pipe["workspace_id"])
        rows = [r for r in rows if (active is None or bool(r["active"]) == active)
                and (name is None or name.lower() in r["name"].lower())]
        rows.sort(key=lambda r: r[sort_by], reverse=sort_by != "name")
        return JSONResponse([st.list_item(r, ws_name) for r in rows])
    return handle(run)


@router.post("/set_active")
def set_active(request: Request, body: dict = Body(...)):  # noqa: B008
    """``{"id", "active"}`` -> the same."""
    def run():
        b = body_dict(body)
        active = b.get("active")
        if not isinstance(active, bool):
            raise BadRequest(f"active: expected true or false, got {active!r}")
        with env.connection(request, write=True) as conn:
            a = owned_assay(conn, request, b.get("id"))
            st.set_active(conn, a["id"], active, iso(pd.Timestamp.now(tz="UTC")))
        env.wake_scheduler(request)
        return {"id": a["id"], "active": active}
    return handle(run)


@router.post("/run_interactive_baseline")
def run_interactive_baseline(request: Request, body: AssayConfigBody = Body(...)):  # noqa: B008
    """One ``BaselineRun`` result whose window is the baseline itself."""
    def run():
        t0 = time.perf_counter()
        with env.connection(request) as conn:
            cfg = Resolved(request, conn, body.model_dump(), need_name=False)
            base = cfg.base_summary()
            ws_name = env.workspace_name(conn, cfg.workspace_id)
        k = len(base.get("aggregated_values") or [])
        now = iso(pd.Timestamp.now(tz="UTC"))
        res = {"window_start": base.get("start") or now, "baseline_summary": base, "window_summary": base,
               "warning_threshold": cfg.warning, "alert_threshold": cfg.alert, "score": 0.0, "scores": [0.0] * k,
               "bin_index": None, "summarizer": cfg.summarizer.to_dict(), "status": "BaselineRun"}
        return finish_results([res], assay_id=as_int(body.id, "id", required=False), pipeline=cfg.pipeline,
                              workspace_name=ws_name, elapsed_ms=int((time.perf_counter() - t0) * 1000),
                              analyzed_at=now)[0]
    return handle(run)


@router.post("/run_interactive")
def run_interactive(request: Request, body: AssayConfigBody = Body(...)):  # noqa: B008
    """Preview: one result per window from the start up to min(run_until, now); nothing stored."""
    def run():
        t0 = time.perf_counter()
        now = pd.Timestamp.now(tz="UTC")
        with env.connection(request) as conn:
            cfg = Resolved(request, conn, body.model_dump(), need_name=False)
            base = cfg.base_summary()
            start = cfg.first_start()
            if start is None:
                return []
            until = min(cfg.run_until, now) if cfg.run_until is not None else now
            results = score_range(cfg.window, base, cfg.summarizer, cfg.logs, start=start, until=until,
                                  warning=cfg.warning, alert=cfg.alert)
        out = finish_results(results, assay_id=as_int(body.id, "id", required=False), pipeline=None,
                             workspace_name=None, elapsed_ms=int((time.perf_counter() - t0) * 1000),
                             analyzed_at=iso(now))
        return JSONResponse(out)  # skips FastAPI's per-value encoder (hundreds of windows)
    return handle(run)


router.include_router(assay_reads.router)
