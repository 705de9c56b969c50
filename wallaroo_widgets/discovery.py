"""Pipeline and workspace discovery, free of widgets: which pipelines a console knows, by name and id.

Today's instances list every pipeline (``pipelines/list_pipelines``); a 2023-era instance (that call answers 404)
lists none, so pipelines are named through the assays that watch them, by the user ("attach a name"), or by
what the console created. A pipeline deployed elsewhere is found through its inference URL
(``.../infer/<deploy_id>-<deployment id>[/<name>]``), which names the deployment.

Known pipelines are plain dicts (``id``, ``name``, ``workspace_id`` and what else is learnt: ``url``,
``deployment_name``, ``deployment_id``, ``status``, ``models``, ``origin`` ...) kept in a :class:`Known` holder's
``pipelines`` list (the panels' ``ConsoleState`` is one; any object with ``pipelines``, ``workspace`` and
``pipeline`` attributes works). Every function here takes a session and/or such a holder and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .errors import NotFoundError

WORKSPACE_KEYS = ("id", "name", "models", "pipelines")
#: how the console knows a pipeline (the table's "origin" column)
ID_ONLY = "id only: attach its name"
NAMED = "named by an assay"
LISTED = "listed by the server"
#: the deployment fields of a pipeline record (cleared together when it is not deployed)
DEPLOYMENT_KEYS = ("url", "deployment_name", "deployment_id")


class DiscoveryError(ValueError):
    """A workspace or pipeline that cannot be found or named (the message says what to pass instead)."""


class Known(Protocol):
    """What discovery reads and updates: the known pipelines and the selected workspace / pipeline."""

    pipelines: list[dict[str, Any]]
    workspace: dict[str, Any] | None
    pipeline: dict[str, Any] | None


@dataclass
class Learnt:
    """What :func:`learn_workspace` found: pipelines known in the workspace now, and whether the instance has
    the V1 assays API (``assays/list`` answered; False after its 404)."""

    pipelines: int
    v1_assays: bool


# -- the known pipelines ----------------------------------------------------------------------------------
def remember(known: Known, info: dict[str, Any]) -> dict[str, Any]:
    """Add or update a known pipeline (keyed by id; None values keep the old ones) -> the merged record."""
    rows = [dict(p) for p in known.pipelines]
    for row in rows:
        if row.get("id") == info.get("id"):
            row.update({k: v for k, v in info.items() if v is not None})
            known.pipelines = rows
            return row
    rows.append(dict(info))
    known.pipelines = rows
    return rows[-1]


def forget(known: Known, pid: Any, **fields: Any) -> dict[str, Any] | None:
    """Set fields of a known pipeline, None included (unlike :func:`remember`) -> its record (None if unknown)."""
    known.pipelines = [{**p, **fields} if p.get("id") == pid else dict(p) for p in known.pipelines]
    return find(known, pid)


def drop(known: Known, pid: Any) -> None:
    """Forget pipeline ``pid`` entirely (deleted), and unselect it if it was selected."""
    known.pipelines = [dict(p) for p in known.pipelines if p.get("id") != pid]
    if (known.pipeline or {}).get("id") == pid:
        known.pipeline = None


def find(known: Known, pid: Any) -> dict[str, Any] | None:
    """The known record of pipeline id ``pid``."""
    return next((p for p in known.pipelines if p.get("id") == pid), None)


def learn_from_assays(known: Known, assays: list[dict[str, Any]], workspace_id: Any = None) -> int:
    """Assays name their pipeline: make those pipelines known -> how many were new or newly named."""
    learnt = 0
    for a in assays:
        if a.get("pipeline_id") is not None and a.get("pipeline_name"):
            if not any(p.get("id") == a["pipeline_id"] and p.get("name") for p in known.pipelines):
                remember(known, {"id": a["pipeline_id"], "name": a["pipeline_name"],
                                 "workspace_id": a.get("workspace_id") or workspace_id})
                learnt += 1
    return learnt


def learn_from_listing(known: Known, session: Any, workspace_id: int) -> bool:
    """Today's instances: remember every pipeline ``list_pipelines`` names in the workspace -> False on a
    2023-era instance (no listing; nothing learnt)."""
    if not session.pipelines.has_current_api():
        return False
    for item in session.pipelines.list_pipelines(workspace_id):
        p, ws = item["pipeline"], item["workspace"]
        remember(known, {"id": p["id"], "name": p["name"], "workspace_id": ws["id"]})
    return True


def learn_workspace(known: Known, session: Any, workspace_id: int) -> Learnt:
    """Learn the workspace's pipelines: the listing where the instance has one, and the pipelines its V1 assays
    name (an instance without the V1 assays API answers 404: ``v1_assays`` False)."""
    learn_from_listing(known, session, workspace_id)
    try:
        assays = session.assays.list(workspace_id=workspace_id)
        v1 = True
    except NotFoundError:
        assays, v1 = [], False
    learn_from_assays(known, assays, workspace_id)
    return Learnt(sum(1 for p in known.pipelines if p.get("workspace_id") == workspace_id), v1)


# -- today's listing: every pipeline of a workspace with its versions, steps and deployment -----------------
def step_refs(definition: Any) -> list[dict[str, Any]]:
    """``{name, version, sha}`` of a pipeline definition's ModelInference steps."""
    steps = definition.get("steps") if isinstance(definition, dict) else None
    refs = []
    for step in steps if isinstance(steps, list) else []:
        inner = step.get("ModelInference") if isinstance(step, dict) else None
        refs += [{k: m.get(k) for k in ("name", "version", "sha")} for m in (inner or {}).get("models") or []
                 if isinstance(m, dict)]
    return refs


def listed_record(session: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A console pipeline record from a ``list_pipelines`` item (versions counted with list_pipeline_versions)."""
    p, ws = item["pipeline"], item["workspace"]
    ver = item.get("pipeline_version") or {}
    dep = item.get("deployment")
    pk = str(ver.get("id", ""))
    versions = session.pipelines.list_pipeline_versions(ws["id"], p["name"])
    return {"id": p["id"], "name": p["name"], "workspace_id": ws["id"], "origin": LISTED,
            "version_pk_id": int(pk) if pk.isdigit() else None, "version": ver.get("version"),
            "versions": len(versions), "models": step_refs(ver.get("steps")) or None,
            "deployment_name": (dep or {}).get("name"), "deployment_id": (dep or {}).get("id"),
            "status": "deployed" if dep else "not deployed"}


def sync_listed(state: Known, session: Any, workspace_id: int) -> int:
    """Replace the console's records of a workspace by what ``list_pipelines`` says (kept: the origin and a
    polled status of a still-deployed pipeline; gone: pipelines deleted elsewhere) -> how many."""
    known = {p.get("id"): p for p in state.pipelines if p.get("workspace_id") == workspace_id}
    rows = []
    for item in session.pipelines.list_pipelines(workspace_id):
        rec = listed_record(session, item)
        old = known.get(rec["id"], {})
        if old.get("origin") and old.get("origin") not in (ID_ONLY, NAMED):
            rec["origin"] = old["origin"]
        if rec["deployment_name"] and old.get("deployment_name") == rec["deployment_name"]:
            rec["status"], rec["url"] = old.get("status") or rec["status"], old.get("url")
        rows.append(rec)
    state.pipelines = [dict(p) for p in state.pipelines if p.get("workspace_id") != workspace_id] + rows
    return len(rows)


# -- workspaces and pipelines by reference ----------------------------------------------------------------
def workspace_record(item: dict[str, Any]) -> dict[str, Any]:
    """The ``state.workspace`` shape (``id``, ``name``, ``models``, ``pipelines``) of a workspaces/list item."""
    return {k: item.get(k) for k in WORKSPACE_KEYS}


def resolve_workspace(session: Any, ref: Any) -> dict[str, Any]:
    """A workspace given by name, id (int or digits) or dict (``id`` and/or ``name``), looked up in
    ``workspaces.list()``; :class:`DiscoveryError` naming it when the caller cannot see it."""
    if isinstance(ref, dict):
        key, want = ("id", ref["id"]) if ref.get("id") is not None else ("name", ref.get("name"))
    elif isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        key, want = "id", int(ref)
    else:
        key, want = "name", str(ref or "").strip()
    if want in (None, ""):
        raise DiscoveryError("workspace= needs a workspace name, id or {'id': ...}")
    for item in session.workspaces.list():
        if (int(item["id"]) == int(want)) if key == "id" else item.get("name") == want:
            return workspace_record(item)
    raise DiscoveryError(f"No workspace with {key} {want!r} is visible to this user")


def resolve_pipeline(session: Any, known: Known, ref: Any) -> dict[str, Any]:
    """A pipeline given by name, id or ``{"id", "name"}`` dict -> its known record (``id``, ``name``,
    ``workspace_id``), made ``known.pipeline``. An id finds its workspace (workspaces/list) when none is
    selected; names come from ``list_pipelines`` and, on a 2023-era instance, the workspace's assays."""
    given = dict(ref) if isinstance(ref, dict) else {}
    if not given:
        text = str(ref).strip()
        given = {"id": int(text)} if text.isdigit() else {"name": text}
    if given.get("id") is not None and not known.workspace:
        ws = next((w for w in session.workspaces.list() if int(given["id"]) in (w.get("pipelines") or [])), None)
        if ws is None:
            raise DiscoveryError(f"No pipeline with id {given['id']} is visible to this user")
        known.workspace = workspace_record(ws)
    if not known.workspace:
        raise DiscoveryError(f"pipeline={given.get('name')!r} by name needs workspace= too (or pass its id)")
    wid = known.workspace["id"]
    listed = learn_from_listing(known, session, wid)
    if not listed:
        learn_from_assays(known, session.assays.list(workspace_id=wid), wid)
    candidates = [p for p in known.pipelines if p.get("workspace_id") in (wid, None)]
    key = "id" if given.get("id") is not None else "name"
    hit = next((p for p in candidates if p.get(key) == given[key]), None)
    if hit is None and key == "id" and given.get("name"):
        hit = remember(known, {"id": int(given["id"]), "name": given["name"], "workspace_id": wid})
    if hit is None or not hit.get("name"):
        what = f"id {given['id']}" if key == "id" else f"name {given['name']!r}"
        if listed:
            raise DiscoveryError(f"No pipeline with {what} in workspace {known.workspace['name']}")
        raise DiscoveryError(f"No pipeline with {what} is named by an assay in workspace "
                             f"{known.workspace['name']} (the API lists no pipelines): "
                             "pass pipeline={'id': ..., 'name': ...}")
    known.pipeline = dict(hit)
    return hit


# -- deployments ------------------------------------------------------------------------------------------
def deployment_of_url(url: str) -> tuple[str, int | None, str | None]:
    """(deployment name, deployment id, pipeline name) from an inference URL ``.../infer/<dep>-<id>[/<name>]``."""
    parts = [p for p in url.split("?")[0].split("/") if p]
    if "infer" not in parts or parts.index("infer") + 1 >= len(parts):
        raise DiscoveryError(f"the server's inference URL {url!r} names no deployment")
    i = parts.index("infer")
    dep = parts[i + 1]
    num = dep.rpartition("-")[2]
    return dep, (int(num) if num.isdigit() else None), (parts[i + 2] if len(parts) > i + 2 else None)


def models_of_status(status: dict[str, Any]) -> list[dict[str, Any]]:
    """``{name, version, sha}`` of the models a deployment status reports (seed and newer shapes)."""
    out: list[dict[str, Any]] = []
    for eng in status.get("engines") or []:
        for m in ((eng.get("model_statuses") or {}).get("models")) or []:
            ref = {k: m.get(k) for k in ("name", "version", "sha")}
            if ref["name"] and ref not in out:
                out.append(ref)
    return out


def discover_deployment(session: Any, known: Known, p: dict[str, Any]) -> tuple[dict[str, Any], dict | None]:
    """Find pipeline ``p``'s active deployment through its inference URL; remember what was found ->
    (its updated record, the deployment status or None when it is not deployed)."""
    try:
        url = session.pipelines.external_url(p["workspace_id"], p["name"])
    except NotFoundError:
        rec = forget(known, p["id"], **dict.fromkeys(DEPLOYMENT_KEYS),
                     status="created" if p.get("status") == "created" else "not deployed")
        return rec or p, None
    dep, dep_id, named = deployment_of_url(url)
    if named is not None and named != p["name"]:  # the URL was another pipeline's deployment called so
        rec = forget(known, p["id"], **dict.fromkeys(DEPLOYMENT_KEYS), status="not deployed")
        return rec or p, None
    status = session.pipelines.status(dep)
    info: dict[str, Any] = {"id": p["id"], "url": url, "deployment_name": dep, "deployment_id": dep_id,
                            "status": status["status"]}
    if not p.get("models"):
        info["models"] = models_of_status(status) or None
    return remember(known, info), status
