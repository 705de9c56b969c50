"""Pipelines: create, deploy, undeploy, copy; ``status/get_deployment``; ``admin/get_pipeline_external_url``."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from fastapi import Depends, Request
from pydantic import Field

from .. import db
from ..deps import Caller, pipeline, require_user, store, visible_pipeline, workspace
from ..errors import ApiError
from . import NAME_PATTERN, Body, Id, make_router

router = make_router(errors=(404,), prefix="/v1/api", tags=["pipelines"])
NAME = re.compile(NAME_PATTERN)


class CreateBody(Body):
    pipeline_id: str = Field(description="the pipeline name", json_schema_extra={"pattern": NAME_PATTERN})
    workspace_id: Id
    definition: dict | str | None = None


class DeployBody(Body):
    deploy_id: str = Field(json_schema_extra={"pattern": NAME_PATTERN})
    pipeline_version_pk_id: Id | None = None
    pipeline_id: Id
    engine_config: dict | None = None
    model_configs: list[Id] | None = None
    model_ids: list[Id] | None = None
    models: list[dict] | None = None
    pipeline_version: str | None = None


class UndeployBody(Body):
    pipeline_id: Id | None = None
    deployment_id: Id


class CopyBody(Body):
    name: str = Field(json_schema_extra={"pattern": NAME_PATTERN})
    workspace_id: Id
    source_pipeline: Id
    deploy: str | None = None
    engine_config: dict | None = None
    pipeline_version: str | None = None


class StatusBody(Body):
    name: str


class ExternalUrlBody(Body):
    workspace_id: Id
    pipeline_name: str


def check_name(value: str, field: str) -> str:
    if not NAME.match(value or ""):
        raise ApiError(400, f"field '{field}': use letters, digits, '-', '_' or '.' (1-100 characters), "
                            f"got {value!r}")
    return value


def parse_steps(conn, workspace_id: int, definition: Any) -> dict:
    """Validate a pipeline ``definition`` (``{}`` or ``{"steps": [{"ModelInference": {"models": [...]}}]}``)."""
    if definition is None or definition == "":
        return {"steps": []}
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError:
            raise ApiError(400, "field 'definition': not a JSON object") from None
    if not isinstance(definition, dict):
        raise ApiError(400, "field 'definition': must be an object")
    steps = definition.get("steps", [])
    if not isinstance(steps, list):
        raise ApiError(400, "field 'definition.steps': must be a list")
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or len(step) != 1:
            raise ApiError(400, f"field 'definition.steps.{i}': must be an object with one step type")
        (kind, spec), = step.items()
        if kind != "ModelInference":
            continue
        models = spec.get("models") if isinstance(spec, dict) else None
        if not isinstance(models, list) or not models:
            raise ApiError(400, f"field 'definition.steps.{i}.ModelInference.models': must be a non-empty list")
        for j, ref in enumerate(models):
            _model_ref_version(conn, workspace_id, ref, f"definition.steps.{i}.ModelInference.models.{j}")
    return {**definition, "steps": steps}


def step_versions(conn, definition: dict) -> list[int]:
    """Model version ids of the definition's ModelInference steps, in order."""
    ids = []
    for step in definition.get("steps", []):
        for ref in (step.get("ModelInference") or {}).get("models", []):
            row = conn.execute("SELECT id FROM model_versions WHERE model_version = ?", (str(ref["version"]),))
            ids.append(row.fetchone()[0])
    return ids


@router.post("/pipelines/create", summary="Create a pipeline (or a new version of it) with definition steps")
def create(request: Request, body: CreateBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    name = check_name(body.pipeline_id, "pipeline_id")
    with store(request).tx(write=True) as conn:
        workspace(conn, caller, body.workspace_id)
        definition = parse_steps(conn, body.workspace_id, body.definition)
        pid, pvid, version = db.create_pipeline(conn, body.workspace_id, name, caller.id, definition)
    return {"pipeline_pk_id": pid, "pipeline_variant_pk_id": pvid, "pipeline_variant_version": version}


def _model_ref_version(conn, workspace_id: int, ref: Any, where: str) -> int:
    """Version id of a ``{"name", "version", "sha"}`` reference in the workspace (4xx naming it if absent)."""
    if not isinstance(ref, dict) or not isinstance(ref.get("name"), str) or not ref.get("version"):
        raise ApiError(400, f"field '{where}': needs name, version and sha")
    row = conn.execute("SELECT v.id, v.sha FROM model_versions v JOIN models m ON m.id = v.model_id "
                       "WHERE m.workspace_id = ? AND m.name = ? AND v.model_version = ?",
                       (workspace_id, ref["name"], str(ref["version"]))).fetchone()
    if row is None:
        raise ApiError(404, f"field '{where}': model {ref['name']!r} version {ref['version']} not found "
                            "in the pipeline's workspace")
    if ref.get("sha") and ref["sha"] != row[1]:
        raise ApiError(400, f"field '{where}.sha': does not match model {ref['name']!r} version {ref['version']}")
    return int(row[0])


def _model_id_version(conn, workspace_id: int, mid: int, field: str) -> int:
    """Version id named by a ``model_ids``/``model_configs`` entry: a version (config) id, else a model's latest."""
    row = conn.execute("SELECT v.id FROM model_versions v JOIN models m ON m.id = v.model_id "
                       "WHERE v.id = ? AND m.workspace_id = ?", (mid, workspace_id)).fetchone()
    if row is None:
        row = conn.execute("SELECT MAX(v.id) FROM model_versions v JOIN models m ON m.id = v.model_id "
                           "WHERE m.id = ? AND m.workspace_id = ?", (mid, workspace_id)).fetchone()
    if row is None or row[0] is None:
        raise ApiError(404, f"field '{field}': model {mid} not found in the pipeline's workspace")
    return int(row[0])


def deploy_models(conn, workspace_id: int, models: list[dict] | None, model_ids: list[int] | None,
                  model_configs: list[int] | None) -> list[int]:
    """Version ids named by a deploy request (``models``, then ``model_ids``, then ``model_configs``), in order,
    each once; every entry must be a model of the pipeline's workspace."""
    ids = [_model_ref_version(conn, workspace_id, ref, f"models.{i}") for i, ref in enumerate(models or [])]
    ids += [_model_id_version(conn, workspace_id, mid, "model_ids") for mid in model_ids or []]
    ids += [_model_id_version(conn, workspace_id, mid, "model_configs") for mid in model_configs or []]
    return list(dict.fromkeys(ids))


def _deploy(conn, pipe: dict, deploy_id: str, version_id: int | None, requested: list[int]) -> int:
    """Deploy a pipeline version: its definition's model steps, or (a definition without steps, as Seed 000's
    ``{}``) the ``requested`` model versions in the order given."""
    if version_id is None:
        version_id = conn.execute("SELECT MAX(id) FROM pipeline_versions WHERE pipeline_id = ?",
                                  (pipe["id"],)).fetchone()[0]
    row = conn.execute("SELECT definition FROM pipeline_versions WHERE id = ? AND pipeline_id = ?",
                       (version_id, pipe["id"])).fetchone()
    if row is None:
        raise ApiError(404, f"pipeline version {version_id} of pipeline {pipe['id']} not found")
    versions = step_versions(conn, json.loads(row[0])) or requested
    return db.create_deployment(conn, deploy_id, pipe["id"], version_id, versions, time.time())


@router.post("/pipelines/deploy", summary="Deploy a pipeline version (Starting, then Running)")
def deploy(request: Request, body: DeployBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    check_name(body.deploy_id, "deploy_id")
    with store(request).tx(write=True) as conn:
        pipe = pipeline(conn, caller, body.pipeline_id)
        requested = deploy_models(conn, pipe["workspace_id"], body.models, body.model_ids, body.model_configs)
        return {"id": _deploy(conn, pipe, body.deploy_id, body.pipeline_version_pk_id, requested)}


@router.post("/pipelines/undeploy", summary="Stop a deployment")
def undeploy(request: Request, body: UndeployBody, caller: Caller = Depends(require_user)) -> None:  # noqa: B008
    with store(request).tx(write=True) as conn:
        row = conn.execute("SELECT pipeline_id, active FROM deployments WHERE id = ?", (body.deployment_id,)).fetchone()
        if row is None or (body.pipeline_id is not None and row[0] != body.pipeline_id) \
                or visible_pipeline(conn, caller, row[0]) is None:  # foreign = unknown, to the byte
            raise ApiError(404, f"deployment {body.deployment_id} not found")
        conn.execute("UPDATE deployments SET active = 0 WHERE id = ?", (body.deployment_id,))
    return None


@router.post("/pipelines/copy", summary="Copy a pipeline's latest version into a new pipeline (optionally deploy)")
def copy(request: Request, body: CopyBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    name = check_name(body.name, "name")
    with store(request).tx(write=True) as conn:
        src = pipeline(conn, caller, body.source_pipeline)
        workspace(conn, caller, body.workspace_id)
        if conn.execute("SELECT 1 FROM pipelines WHERE workspace_id = ? AND name = ?",
                        (body.workspace_id, name)).fetchone():
            raise ApiError(400, f"pipeline name already exists in workspace {body.workspace_id}: {name!r}")
        q = "SELECT definition, version FROM pipeline_versions WHERE pipeline_id = ?"
        args: list[Any] = [src["id"]]
        if body.pipeline_version:
            q += " AND version = ?"
            args.append(body.pipeline_version)
        row = conn.execute(q + " ORDER BY id DESC LIMIT 1", args).fetchone()
        if row is None:
            raise ApiError(404, f"pipeline version {body.pipeline_version} not found")
        definition = json.loads(row[0])
        if body.workspace_id != src["workspace_id"]:
            parse_steps(conn, body.workspace_id, definition)
        pid, pvid, version = db.create_pipeline(conn, body.workspace_id, name, caller.id, definition)
        deployment = None
        if body.deploy:
            check_name(body.deploy, "deploy")
            dep = _deploy(conn, {"id": pid, "workspace_id": body.workspace_id}, body.deploy, pvid, [])
            deployment = {"id": dep}
    return {"pipeline_pk_id": pid, "pipeline_variant_pk_id": pvid, "pipeline_version": version,
            "deployment": deployment}


def find_deployment(conn, name: str) -> dict | None:
    """The active deployment called ``<deploy_id>-<deployment id>``."""
    deploy_id, _, num = name.rpartition("-")
    if not deploy_id or not num.isdigit() or len(num) > 18:
        return None
    row = conn.execute("SELECT id, deploy_id, pipeline_id, pipeline_version_id, model_version_ids, deployed_at "
                       "FROM deployments WHERE id = ? AND deploy_id = ? AND active = 1", (int(num), deploy_id)).fetchone()
    if row is None:
        return None
    return {"id": row[0], "deploy_id": row[1], "pipeline_id": row[2], "pipeline_version_id": row[3],
            "model_version_ids": json.loads(row[4]), "deployed_at": row[5]}


def _pod(name: str, running: bool, ip: str, *, failure: str | None = None, **extra: Any) -> dict:
    if failure:  # the engine container crashed loading a model (pod Failed, health Error)
        status, details, health, reason = "Failed", [failure], "Error", "ModelLoadFailed"
    else:
        status, health, reason = ("Running", "Running", None) if running else ("Pending", "Starting", None)
        details = [] if running else ["containers with unready status: [engine]"]
    info = {"name": name, "status": status, "details": details, "labels": {}, "health": health,
            "ip": ip if running and not failure else None, "reason": reason,
            "required_cpu": "1", "required_memory": "512Mi"}
    return {"ip": info["ip"], "name": name, "status": status, "reason": reason, "details": details,
            **extra, "info": info}


def load_failures(request: Request, models: list[dict]) -> dict[str, str]:
    """``{sha: reason}`` for the deployment's models that the engine cannot load (the sandbox serves ONNX only)."""
    cache = request.app.state.models
    st = store(request)
    failures = {}
    for m in models:
        try:
            cache.get(m["sha"], lambda sha=m["sha"]: st.model_path(sha).read_bytes())
        except ApiError as exc:
            failures[m["sha"]] = f"model {m['name']} version {m['version']}: {exc.msg}"
        except OSError as exc:
            failures[m["sha"]] = f"model {m['name']} version {m['version']}: file unreadable ({exc.strerror})"
    return failures


@router.post("/status/get_deployment", summary="Deployment status by '<deploy_id>-<deployment id>'")
def get_deployment(request: Request, body: StatusBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        dep = find_deployment(conn, body.name)
        pipe = None if dep is None else visible_pipeline(conn, caller, dep["pipeline_id"])
        if dep is None or pipe is None:  # foreign = unknown, to the byte
            raise ApiError(404, f"deployment {body.name!r} not found")
        models = [db.version_ref(conn, v) for v in dep["model_version_ids"]]
    delay = request.app.state.config.deploy_delay
    running = time.time() >= dep["deployed_at"] + delay
    tag = f"{dep['deploy_id']}-{dep['id']}"
    failures = load_failures(request, models) if running else {}
    failure = "; ".join(failures.values()) or None
    status = "Error" if failure else "Running" if running else "Starting"
    engine = _pod(f"engine-{tag}", running, "127.0.0.1", failure=failure,
                  pipeline_statuses={"pipelines": [{"id": pipe["name"], "status": status}]} if running else None,
                  model_statuses={"models": [{**m, "status": "Error" if m["sha"] in failures else "Running"}
                                             for m in models]} if running else None)
    return {"status": status, "details": [failure] if failure else [], "engines": [engine],
            "engine_lbs": [_pod(f"engine-lb-{tag}", running, "127.0.0.1")], "sidekicks": [], "helm": []}


@router.post("/admin/get_pipeline_external_url", summary="Inference URL of a deployed pipeline")
@router.post("/admin/get_pipeline_internal_url",
             summary="In-cluster inference URL (newer sibling; the sandbox has one host: the external URL)")
def external_url(request: Request, body: ExternalUrlBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        workspace(conn, caller, body.workspace_id)
        row = conn.execute("SELECT d.id, d.deploy_id, p.name FROM deployments d JOIN pipelines p ON p.id = d.pipeline_id"
                           " WHERE p.workspace_id = ? AND d.active = 1 AND (p.name = ? OR d.deploy_id = ?)"
                           " ORDER BY (p.name = ?) DESC, d.id DESC LIMIT 1",
                           (body.workspace_id, body.pipeline_name, body.pipeline_name, body.pipeline_name)).fetchone()
        if row is None:
            raise ApiError(404, f"pipeline {body.pipeline_name!r} is not deployed in workspace {body.workspace_id}")
    base = str(request.base_url).rstrip("/")
    return {"url": f"{base}/v1/api/pipelines/infer/{row[1]}-{row[0]}/{row[2]}"}
