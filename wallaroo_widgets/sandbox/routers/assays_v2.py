"""``/v2/api/assays/*`` (Assays V2, UUID ids): get, get/:id, get_results, get_next_run, set_active,
preview_baseline_binning, preview, schedule, score. Shapes: docs/spec/assays-v2.md §2-§4.

Only members of an assay's workspace (or of the targeted pipeline's workspace) see or change it; for others
an assay or pipeline answers exactly as an unknown one (404). Persistence: ``sandbox.assay_v2_store``;
windows, baselines and scoring: ``sandbox.assay_v2_run``.
"""

from __future__ import annotations

import math
import time
import uuid
from typing import Any, Literal

import pandas as pd
from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import ConfigDict, Field, StrictBool

from ...drift import v2
from .. import assay_v2_out as out
from .. import assay_v2_run as run
from .. import assay_v2_store as st
from ..assay_v2_models import (
    EXAMPLE_BASELINE,
    EXAMPLE_SCHEDULING,
    EXAMPLE_SUMMARIZER,
    EXAMPLE_TARGETING,
    EXAMPLE_WINDOW,
    Baseline,
    RollingWindow,
    RuleError,
    Scheduling,
    ScoreWindow,
    Summarizer,
    Targeting,
    Time,
    check_rules,
    parse_time,
)
from ..deps import Caller, member_type, require_user, store, visible_pipeline, wire_json
from ..errors import ApiError, error_responses
from . import Body, Id, make_router

router = make_router(errors=(404,), prefix="/v2/api/assays", tags=["assays v2"])
MAX_STORED_NS = 366 * 86400 * 10**9


class GetBody(Body):
    active: Literal["ActiveOnly", "InactiveOnly", "All"] = Field(examples=["All"])
    pipeline_name: str | None = None
    workspace_id: Id | None = None


class IdBody(Body):
    id: uuid.UUID = Field(examples=["1af7b34b-ef0a-42cf-a821-758c92215d01"])


class ResultsBody(IdBody):
    start: Time | None = Field(default=None, examples=["2025-07-15T20:00:00+00:00"])
    end: Time | None = Field(default=None, examples=["2025-07-16T20:00:00+00:00"])
    workspace_id: Id | None = None
    debug: bool | None = None


class AssayIdBody(Body):
    assay_id: uuid.UUID = Field(examples=["1af7b34b-ef0a-42cf-a821-758c92215d01"])


class SetActiveBody(AssayIdBody):
    active: StrictBool = Field(examples=[False])


class ScoringBody(Body):
    """What every scoring call has: a baseline and a summarizer."""

    baseline: Baseline = Field(examples=[EXAMPLE_BASELINE])
    summarizer: Summarizer = Field(examples=[EXAMPLE_SUMMARIZER])


#: preview_baseline_binning keys its answer by the targeting's iopaths; without them only a Vector baseline works
_TARGETING_OR_VECTOR = {"anyOf": [{"required": ["targeting"], "properties": {"targeting": {"type": "object"}}},
                                  {"properties": {"baseline": {"required": ["Vector"]}}}]}


class BinningBody(ScoringBody):
    model_config = ConfigDict(json_schema_extra=_TARGETING_OR_VECTOR)
    targeting: Targeting | None = Field(default=None, examples=[EXAMPLE_TARGETING],
                                        description="required unless the baseline is a Vector")


class ConfigBody(ScoringBody):
    targeting: Targeting = Field(examples=[EXAMPLE_TARGETING])
    scheduling: Scheduling = Field(examples=[EXAMPLE_SCHEDULING])
    window: RollingWindow = Field(examples=[EXAMPLE_WINDOW])


class PreviewBody(ConfigBody):
    preview_start: Time = Field(examples=["2025-07-02T00:00:00+00:00"])
    preview_end: Time = Field(examples=["2025-07-30T00:00:00+00:00"])


class ScheduleBody(ConfigBody):
    name: str = Field(min_length=1, max_length=255, pattern=r"\S", examples=["house price drift v2"],
                      description="not blank (stored stripped)")


class ScoreBody(ScoringBody):
    targeting: Targeting = Field(examples=[EXAMPLE_TARGETING])
    window: ScoreWindow = Field(examples=[{"Stored": ["2025-07-10T00:00:00+00:00", "2025-07-11T00:00:00+00:00"]}])


# --- wire normalisation -------------------------------------------------------------------------------------------

def _plain(model: Any) -> Any:
    return model.model_dump(mode="json", exclude_none=True)


def summarizer_json(s: Summarizer) -> dict:
    uc = _plain(s.UnivariateContinuous)
    uc.setdefault("bin_weights", None)
    return {"UnivariateContinuous": uc}


def targeting_json(t: Targeting) -> dict:
    origin = {"locations": None, "model_id": None, **_plain(t.data_origin)}
    paths = []
    for p in t.iopath:
        th = p.thresholds
        paths.append({**_plain(p), "indexes": p.indexes or None,
                      "thresholds": {"warning": th.warning if th else None, "alert": th.alert if th else None}})
    return {"data_origin": origin, "iopath": paths}


def scheduling_json(s: Scheduling) -> dict:
    return {"end": None, **_plain(s)}


def config_json(body: ConfigBody, baseline: dict) -> dict:
    return {"baseline": {"Summary": baseline}, "scheduling": scheduling_json(body.scheduling),
            "summarizer": summarizer_json(body.summarizer), "targeting": targeting_json(body.targeting),
            "window": _plain(body.window)}


def baseline_json(b: Baseline) -> dict:
    if b.Summary is not None:
        return {"Summary": {k: {"start": None, "end": None, **_plain(v)} for k, v in b.Summary.items()}}
    return _plain(b) if b.Static is not None else {"Vector": b.Vector}


def _plan(body: BinningBody | ConfigBody | ScoreBody) -> run.Plan:
    cfg = {"targeting": targeting_json(body.targeting), "summarizer": summarizer_json(body.summarizer),
           "scheduling": scheduling_json(body.scheduling) if isinstance(body, ConfigBody) else
           {"first_run": "1970-01-01T00:00:00Z", "run_frequency": {"SimpleRunFrequency": {"quantity": 1,
                                                                                          "unit": "Day"}}},
           "window": _plain(body.window) if isinstance(body, ConfigBody) else {"width": {"seconds": 86400}}}
    return run.Plan.parse(cfg)


# --- access -------------------------------------------------------------------------------------------------------

def _assay(conn: Any, caller: Caller, assay_id: uuid.UUID) -> dict:
    """The stored assay if the caller is a member of its workspace; unknown and foreign alike -> 404."""
    a = st.get_assay(conn, str(assay_id))
    if a is None or member_type(conn, caller, a["workspace_id"]) is None:
        raise ApiError(404, f"assay {assay_id} not found")
    return a


def _check_target(conn: Any, caller: Caller, t: Targeting) -> dict:
    """The targeted pipeline (visible to the caller, in the named workspace, with that name), else 404."""
    origin = t.data_origin
    pipe = visible_pipeline(conn, caller, origin.pipeline_id)
    if pipe is None:
        raise ApiError(404, f"pipeline {origin.pipeline_id} not found")
    # no such pipeline in that workspace under that name: not found, as in V1 (no pipeline ids leak either)
    if pipe["workspace_id"] != origin.workspace_id:
        raise ApiError(404, f"targeting.data_origin.workspace_id: pipeline {origin.pipeline_id} not found in workspace "
                            f"{origin.workspace_id}")
    if pipe["name"] != origin.pipeline_name:
        raise ApiError(404, f"targeting.data_origin.pipeline_name: pipeline {origin.pipeline_id} is not named "
                            f"{origin.pipeline_name!r}")
    return pipe


def _rules(body: ScoringBody) -> None:
    """The body's content rules (``assay_v2_models.check_rules``): checked after access, so a pipeline the
    caller cannot see is a 404 whatever the rest of the body says."""
    try:
        check_rules(body)
    except RuleError as exc:
        raise ApiError(400, f"field '{exc.where}': {exc.msg}") from None


def field_error(exc: ValueError) -> ApiError:
    """``"<field>: <message>"`` -> 400 ``field '<field>': <message>``."""
    where, _, msg = str(exc).partition(": ")
    return ApiError(400, f"field '{where}': {msg}")


def _baselines(conn: Any, plan: run.Plan, body: ScoringBody, keep_range: bool = True) -> dict[str, dict]:
    try:
        out = run.baseline_summaries(conn, plan, baseline_json(body.baseline), keep_range=keep_range)
    except ValueError as exc:
        raise field_error(exc) from None
    for key, summary in out.items():  # logged values near 1e154 and beyond: the std (or mean) overflows
        if not all(math.isfinite(v) for v in summary["statistics"].values()):
            raise ApiError(400, f"field 'baseline': the statistics of '{key}' overflow (values too large)")
    return out


def assay_json(a: dict) -> dict:
    return {"id": a["id"], "name": a["name"], "active": a["active"], "created_at": a["created_at"],
            "updated_at": a["updated_at"], **a["config"]}


def _now() -> str:
    return run.server_time(pd.Timestamp.now(tz="UTC"))


# --- endpoints ----------------------------------------------------------------------------------------------------

@router.post("/get", summary="V2 assays of the caller's workspaces (newest first)", response_model=None,
             responses=out.ok(list[out.AssayOut], "The assays"))
def get_assays(request: Request, body: GetBody, caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    active = {"ActiveOnly": True, "InactiveOnly": False, "All": None}[body.active]
    with store(request).tx() as conn:
        mine = [r[0] for r in conn.execute("SELECT workspace_id FROM workspace_members WHERE user_id = ?",
                                           (caller.id,))]
        if body.workspace_id is not None:
            mine = [w for w in mine if w == body.workspace_id]
        found = st.list_assays(conn, workspace_ids=mine, active=active)
    if body.pipeline_name is not None:
        found = [a for a in found if a["config"]["targeting"]["data_origin"]["pipeline_name"] == body.pipeline_name]
    return wire_json([assay_json(a) for a in found])


@router.post("/get/:id", summary="One V2 assay (the path is literally ':id'; the id is in the body)",
             response_model=None, responses=out.ok(out.AssayOut, "The assay"))
def get_assay(request: Request, body: IdBody, caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    with store(request).tx() as conn:
        return wire_json(assay_json(_assay(conn, caller, body.id)))


@router.post("/get_results", summary="Stored results, ascending by window end (start <= window_end < end)",
             response_model=None, responses=out.ok(list[out.ResultOut], "The results"))
def get_results(request: Request, body: ResultsBody, caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    with store(request).tx() as conn:
        a = _assay(conn, caller, body.id)
        if body.workspace_id is not None and body.workspace_id != a["workspace_id"]:
            raise ApiError(404, f"assay {body.id} not found")
        start = None if body.start is None else parse_time(body.start).value // 1000
        end = None if body.end is None else parse_time(body.end).value // 1000
        return wire_json(st.get_results(conn, a["id"], start, end))


@router.post("/get_next_run", summary="Last and next run time (next_run null while paused or after end)",
             response_model=None, responses=out.ok(out.NextRunOut, "Run times"))
def get_next_run(request: Request, body: AssayIdBody, caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    with store(request).tx() as conn:
        return wire_json(run.next_run(_assay(conn, caller, body.assay_id)))


@router.post("/set_active", summary="Pause or resume a V2 assay (answers null)")
def set_active(request: Request, body: SetActiveBody, caller: Caller = Depends(require_user)) -> None:  # noqa: B008
    with store(request).tx(write=True) as conn:
        _assay(conn, caller, body.assay_id)
        st.set_active(conn, str(body.assay_id), body.active, _now())
    _wake(request)


@router.post("/preview_baseline_binning", summary="How a baseline would be binned, keyed by iopath key",
             response_model=None, responses=out.ok(dict[str, out.SeriesSummaryOut], "The binned baselines"))
def preview_baseline_binning(request: Request, body: BinningBody,
                             caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    if body.targeting is None:  # no iopath to key by (docs/spec/assays-v2.md §9.6, a sandbox choice): key "baseline"
        if body.baseline.Vector is None:
            raise ApiError(400, "missing field 'targeting' (needed unless the baseline is a Vector)")
        _rules(body)
        try:
            summ = v2.UnivariateContinuous.from_api(summarizer_json(body.summarizer))
            return wire_json({"baseline": run.vector_summary(body.baseline.Vector, summ, "baseline")})
        except ValueError as exc:
            raise ApiError(400, f"field 'baseline.Vector': {exc}") from None
    with store(request).tx() as conn:
        _check_target(conn, caller, body.targeting)
        _rules(body)
        return wire_json(_baselines(conn, _plan(body), body, keep_range=False))


@router.post("/preview", summary="Score the windows of a config without storing anything", response_model=None,
             responses=out.ok(list[out.PreviewOut], "The windows that hold data"))
def preview(request: Request, body: PreviewBody, caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    t0 = time.perf_counter()
    plan = _plan(body)
    with store(request).tx() as conn:
        _check_target(conn, caller, body.targeting)
        _rules(body)
        p_start, p_end = parse_time(body.preview_start), parse_time(body.preview_end)
        if p_end <= p_start:
            raise ApiError(400, "field 'preview_end': must be after preview_start")
        try:
            ends = run.preview_ends(plan, p_start, p_end)
        except ValueError as exc:
            raise field_error(exc) from None
        outcomes = run.score_windows(conn, plan, _baselines(conn, plan, body), ends)
        ws_name = run.workspace_name(conn, plan.workspace_id) or ""
    assay_id, now = run.new_id(), pd.Timestamp.now(tz="UTC")
    elapsed = int((time.perf_counter() - t0) * 1000)
    out = []
    for o in outcomes:
        item = o.preview(assay_id=assay_id, pipeline_id=plan.pipeline_id, workspace_id=plan.workspace_id,
                         workspace_name=ws_name, analyzed_at=now, elapsed_millis=elapsed).to_api()
        out.append({**item, "window_start": run.server_time(o.start)})  # extra key: the SDK keeps it aside
    return wire_json(out)


def create(db_store: Any, body: ScheduleBody, now: str, caller: Caller | None = None) -> str:
    """Store a V2 assay (a Static/Vector baseline summarised once, as ``{"Summary": …}``) -> its id.

    ``caller`` None: no access check (the demo seed). ApiError on a bad config or a taken name."""
    name = body.name.strip()
    if not name:
        raise ApiError(400, "field 'name': must not be blank")
    plan = _plan(body)
    with db_store.tx() as conn:
        if caller is not None:
            _check_target(conn, caller, body.targeting)
        _rules(body)
        if plan.end is not None and plan.end < plan.run_time(0):
            raise ApiError(400, "field 'scheduling.end': before the first run (first_run + window width)")
        config = config_json(body, _baselines(conn, plan, body))
    assay_id = run.new_id()
    with db_store.tx(write=True) as conn:
        try:
            st.insert_assay(conn, assay_id=assay_id, name=name, workspace_id=plan.workspace_id,
                            pipeline_id=plan.pipeline_id, active=True, config=config, now=now)
        except ValueError as exc:
            raise ApiError(409, str(exc)) from None
    return assay_id


@router.post("/schedule", summary="Create a V2 assay; answers its id as a bare JSON string",
             responses=error_responses(409))
def schedule(request: Request, body: ScheduleBody, caller: Caller = Depends(require_user)) -> str:  # noqa: B008
    assay_id = create(store(request), body, _now(), caller)
    _wake(request)
    return assay_id


@router.post("/score", summary="Score one window (Raw values or a Stored range) against a baseline",
             response_model=None, responses=out.ok(out.Scores, "Scores by iopath key"))
def score(request: Request, body: ScoreBody, caller: Caller = Depends(require_user)) -> Response:  # noqa: B008
    plan = _plan(body)
    with store(request).tx() as conn:
        _check_target(conn, caller, body.targeting)
        _rules(body)
        baselines = _baselines(conn, plan, body)
        if body.window.Stored is not None:
            s, e = (parse_time(x) for x in body.window.Stored)
            if e <= s:
                raise ApiError(400, "field 'window.Stored': the start must be before the end")
            if e.value - s.value > MAX_STORED_NS:  # as a rolling window's width (and within pandas' Timedelta)
                raise ApiError(400, "field 'window.Stored': at most 366 days long (as window.width)")
            found = run.score_windows(conn, plan.with_width(e - s), baselines, [e])
            if not found:
                return wire_json({p.key: f"no data for {p.key} in this window" for p in plan.paths})
            return wire_json({k: v if isinstance(v, str) else v.to_api() for k, v in found[0].scores.items()})
    return wire_json(run.score_raw(plan, baselines, body.window.Raw))


def _wake(request: Request) -> None:
    sched = getattr(request.app.state, "assay_scheduler", None)
    if sched is not None:
        sched.wake()
