"""The sidebar tree built from the MLOps API: workspaces -> pipelines (deployment state), models (versions) and
assays (V1, and V2 when the instance has ``/v2/api/assays``) with the latest result's status.

Pipelines come from today's ``pipelines/list_pipelines`` (one call for all workspaces: name and active
deployment). A 2023-era instance answers 404 (remembered): then a workspace gives pipeline ids only, the names
come from the assays that target them (V1 ``pipeline_name``, V2 ``targeting.data_origin``) and a named
pipeline's deployment from ``admin/get_pipeline_external_url`` (404 = Undeployed). The state itself is
``status/get_deployment``'s (Running / Starting / Error).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any
from urllib.parse import urlsplit

from ..drift import timeutil
from ..errors import NotFoundError, WallarooError
from ..session import Session

EPOCH = "1970-01-01T00:00:00+00:00"
RESULT_STATES = ("Ok", "Warning", "Alert")


def build_tree(sess: Session, memo: dict[str, Any]) -> dict[str, Any]:
    """``{workspaces: [...], v2: bool, fetched_at}``; ``memo`` keeps caches between calls (V2 presence, the
    latest V1 result per assay run). Workspace-level failures become the workspace's ``error``."""
    body = sess.post("v1/api/workspaces/list", {}, read=True)
    items = body.get("workspaces") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise WallarooError("workspaces/list answered without a 'workspaces' list")
    listed = listed_pipelines(sess, memo)
    out = []
    for ws in sorted((w for w in items if isinstance(w, dict) and not w.get("archived")),
                     key=lambda w: str(w.get("name", "")).lower()):
        try:
            out.append(workspace_node(sess, ws, memo, listed))
        except WallarooError as exc:
            out.append({"kind": "workspace", "id": ws.get("id"), "name": ws.get("name"), "pipelines": [],
                        "models": [], "assays": [], "error": exc.msg})
    now = timeutil.now().isoformat(timespec="seconds")
    return {"workspaces": out, "v2": bool(memo.get("v2")), "fetched_at": now}


def listed_pipelines(sess: Session, memo: dict[str, Any]) -> dict[Any, list[dict[str, Any]]] | None:
    """``{workspace id: [list_pipelines items]}``, or None on an instance without ``list_pipelines`` (a 404,
    remembered)."""
    if memo.get("list_pipelines") is False:
        return None
    try:
        body = sess.post("v1/api/pipelines/list_pipelines", {}, read=True)
    except NotFoundError:
        memo["list_pipelines"] = False
        return None
    memo["list_pipelines"] = True
    out: dict[Any, list[dict[str, Any]]] = {}
    for item in (body.get("pipelines") if isinstance(body, dict) else None) or []:
        pipe = item.get("pipeline") if isinstance(item, dict) else None
        if isinstance(pipe, dict):
            out.setdefault(pipe.get("workspace_id"), []).append(item)
    return out


def workspace_node(sess: Session, ws: dict[str, Any], memo: dict[str, Any],
                   listed: dict[Any, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    wid = ws.get("id")
    assays = v1_assays(sess, wid, memo) + v2_assays(sess, wid, memo)
    if listed is not None:
        pipelines = [listed_pipeline_node(sess, wid, item) for item in listed.get(wid, [])]
    else:
        names: dict[Any, str] = {}
        for a in assays:
            if a.get("pipeline_id") is not None and a.get("pipeline_name"):
                names.setdefault(a["pipeline_id"], a["pipeline_name"])
        pipelines = [pipeline_node(sess, wid, pid, names.get(pid)) for pid in ws.get("pipelines") or []]
    pipelines.sort(key=lambda p: (p["name"] is None, str(p["name"] or p["id"]).lower()))
    return {"kind": "workspace", "id": wid, "name": ws.get("name"), "pipelines": pipelines,
            "models": models(sess, wid), "assays": assays, "error": None}


def pipeline_node(sess: Session, workspace_id: Any, pipeline_id: Any, name: str | None) -> dict[str, Any]:
    """A pipeline with ``status`` Running/Starting/Error/Undeployed (None when its name is unknown)."""
    node: dict[str, Any] = {"kind": "pipeline", "id": pipeline_id, "name": name, "workspace_id": workspace_id,
                            "status": None, "deployment": None}
    if not name:
        return node
    try:
        url = sess.post("v1/api/admin/get_pipeline_external_url",
                        {"workspace_id": workspace_id, "pipeline_name": name}, read=True)
    except NotFoundError:
        node["status"] = "Undeployed"
        return node
    deployment = deployment_name(url.get("url") if isinstance(url, dict) else None)
    if not deployment:
        return node
    node["deployment"] = deployment
    node["status"] = deployment_status(sess, deployment)
    return node


def listed_pipeline_node(sess: Session, workspace_id: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A ``list_pipelines`` item as a tree pipeline: Undeployed without an active deployment, else its status."""
    pipe = item["pipeline"]
    node: dict[str, Any] = {"kind": "pipeline", "id": pipe.get("id"), "name": pipe.get("name"),
                            "workspace_id": workspace_id, "status": "Undeployed", "deployment": None}
    dep = item.get("deployment")
    if isinstance(dep, dict) and dep.get("deployed", True):
        name = dep.get("name") or (f"{dep['deploy_id']}-{dep['id']}" if dep.get("deploy_id") else None)
        node["deployment"] = name
        node["status"] = deployment_status(sess, name) if name else None
    return node


def deployment_status(sess: Session, name: str) -> str | None:
    """``status/get_deployment``'s Running / Starting / Error (a 404: Undeployed)."""
    try:
        st = sess.post("v1/api/status/get_deployment", {"name": name}, read=True)
    except NotFoundError:
        return "Undeployed"
    return st.get("status") if isinstance(st, dict) else None


def deployment_name(url: str | None) -> str | None:
    """``<deploy_id>-<id>`` from an inference URL ``…/pipelines/infer/<deploy_id>-<id>[/<pipeline_name>]``."""
    if not url:
        return None
    parts = urlsplit(url).path.rstrip("/").split("/")
    if "infer" not in parts:
        return None
    i = parts.index("infer")
    return parts[i + 1] if i + 1 < len(parts) and parts[i + 1] else None


def models(sess: Session, workspace_id: Any) -> list[dict[str, Any]]:
    """Models with their versions (newest first), from ``models/list`` (both answer shapes)."""
    body = sess.post("v1/api/models/list", {"workspace_id": workspace_id}, read=True)
    out = []
    for m in (body.get("models") if isinstance(body, dict) else None) or []:
        if not isinstance(m, dict):
            continue
        flat = m.get("model") if isinstance(m.get("model"), dict) else m
        versions = []
        for v in m.get("model_versions") or []:
            mv = v.get("model_version") if isinstance(v, dict) else None
            if isinstance(mv, dict):
                info = mv.get("file_info") or {}
                versions.append({"id": mv.get("id"), "version": info.get("version"), "status": mv.get("status"),
                                 "deployed": bool(mv.get("deployed")), "created_at": mv.get("created_at")})
        versions.sort(key=lambda v: str(v.get("created_at") or ""), reverse=True)
        out.append({"kind": "model", "id": flat.get("id"), "name": flat.get("name"), "versions": versions})
    return sorted(out, key=lambda m: str(m.get("name") or "").lower())


def v1_assays(sess: Session, workspace_id: Any, memo: dict[str, Any]) -> list[dict[str, Any]]:
    """V1 assays; ``last_status`` = the status of the result with the latest window (re-read only after a run)."""
    body = sess.post("v1/api/assays/list", {"workspace_id": workspace_id}, read=True)
    cache = memo.setdefault("v1_latest", {})
    out = []
    for a in body if isinstance(body, list) else []:
        if not isinstance(a, dict):
            continue
        key = (sess.url, a.get("last_run"), a.get("status"))
        if cache.get(a.get("id"), (None,))[0] != key:
            cache[a.get("id")] = key, latest(sess.post("v1/api/assays/get_assay_results", {
                "assay_id": a.get("id"), "start": EPOCH, "end": _far_end(), "workspace_id": workspace_id},
                read=True), "window_start")
        last = cache[a.get("id")][1]
        out.append({"kind": "assay", "api": "v1", "id": a.get("id"), "name": a.get("name"),
                    "active": bool(a.get("active")), "pipeline_id": a.get("pipeline_id"),
                    "pipeline_name": a.get("pipeline_name"), "last_status": last.get("status"),
                    "last_window": last.get("window_start"), "workspace_id": workspace_id})
    return out


def v2_assays(sess: Session, workspace_id: Any, memo: dict[str, Any]) -> list[dict[str, Any]]:
    """V2 assays, or [] when the instance has no ``/v2/api/assays`` (a 404, remembered)."""
    if memo.get("v2") is False:
        return []
    try:
        body = sess.post("v2/api/assays/get", {"active": "All", "workspace_id": workspace_id}, read=True)
    except NotFoundError:
        memo["v2"] = False
        return []
    memo["v2"] = True
    out = []
    for a in body if isinstance(body, list) else []:
        if not isinstance(a, dict):
            continue
        origin = ((a.get("targeting") or {}).get("data_origin")) or {}
        try:
            results = sess.post("v2/api/assays/get_results", {"id": a.get("id"), "workspace_id": workspace_id},
                                read=True)
        except NotFoundError:
            results = []
        last = latest(results, "window_end")
        out.append({"kind": "assay", "api": "v2", "id": a.get("id"), "name": a.get("name"),
                    "active": bool(a.get("active")), "pipeline_id": origin.get("pipeline_id"),
                    "pipeline_name": origin.get("pipeline_name"), "last_status": last.get("status"),
                    "last_window": last.get("window_end"), "workspace_id": workspace_id})
    return out


def latest(results: Any, key: str) -> dict[str, Any]:
    """The result with the greatest ``key`` (ISO time strings compare as times once normalised), or {}."""
    rows = [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []
    if not rows:
        return {}
    best = max(rows, key=lambda r: _ts(r.get(key)))
    status = best.get("status")
    return {"status": status if status in RESULT_STATES else None, key: best.get(key)}


def _ts(value: Any) -> float:
    t = timeutil.try_utc(str(value))
    return float("-inf") if t is None else t.timestamp()


def _far_end() -> str:
    return timeutil.iso_offset(timeutil.now() + _dt.timedelta(days=1))
