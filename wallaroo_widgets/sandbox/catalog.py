"""Today's pipeline and model catalogue reads and the delete rules (shared by ``routers.pipelines_current`` and
``routers.models_current``). Shapes are those of the SDK's generated models (docs/reference/sdk-generated-models.md).

Delete rules (docs/reference/current-api.md, "Deletes"):

- only members of the workspace delete; to others an existing pipeline/model looks unknown (404);
- a pipeline with an active deployment, or a pipeline version that is deployed, is refused (409);
- a pipeline that an **active** assay (V1 or V2) watches is refused (409: pause it first); paused assays of the
  pipeline are deleted with it, with their stored results (nothing could run or read them any more);
- deleting a pipeline removes its versions, its (inactive) deployment history and its inference logs;
- a model version used by a pipeline version (deployed or not) is refused (409 naming the pipelines): delete
  those pipelines or versions first; a model goes when all its versions can go. The model file is removed when
  no remaining version uses the same bytes; the answer's ``bytes`` counts the bytes freed.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from .deps import Caller, member_type
from .errors import ApiError

PIPE_COLS = ("id", "name", "workspace_id", "owner_id", "created_at", "updated_at")


def ws_item(conn: sqlite3.Connection, workspace_id: int) -> dict:
    row = conn.execute("SELECT id, name, created_at, created_by, archived FROM workspaces WHERE id = ?",
                       (workspace_id,)).fetchone()
    return {"id": row[0], "name": row[1], "created_at": row[2], "created_by": row[3], "archived": bool(row[4]),
            "group_id": None}


def visible_workspace(conn: sqlite3.Connection, caller: Caller, workspace_id: int | None,
                      workspace_name: str | None) -> int:
    """The workspace named by id or name, if the caller is a member; else 404 (unknown and foreign alike)."""
    if workspace_id is not None:
        row = conn.execute("SELECT id FROM workspaces WHERE id = ?", (workspace_id,)).fetchone()
        what = f"workspace {workspace_id}"
    else:
        row = conn.execute("SELECT id FROM workspaces WHERE name = ?", (workspace_name,)).fetchone()
        what = f"workspace {workspace_name!r}"
    if row is None or member_type(conn, caller, row[0]) is None:
        raise ApiError(404, f"{what} not found")
    if workspace_id is not None and workspace_name is not None and ws_item(conn, row[0])["name"] != workspace_name:
        raise ApiError(404, f"workspace {workspace_id} is not named {workspace_name!r}")
    return int(row[0])


def pipeline_named(conn: sqlite3.Connection, caller: Caller, workspace_id: int, name: str) -> dict:
    """The pipeline ``name`` of a workspace the caller is a member of; else 404 (same answer for foreign)."""
    row = conn.execute(f"SELECT {', '.join(PIPE_COLS)} FROM pipelines WHERE workspace_id = ? AND name = ?",
                       (workspace_id, name)).fetchone()
    if row is None or member_type(conn, caller, workspace_id) is None:
        raise ApiError(404, f"pipeline {name!r} not found in workspace {workspace_id}")
    return dict(zip(PIPE_COLS, row, strict=True))


def plateau_topic(pipe: dict) -> str:
    return f"workspace-{pipe['workspace_id']}-pipeline-{pipe['name']}-inference"


def _deployment(conn: sqlite3.Connection, pipeline_id: int) -> dict | None:
    row = conn.execute("SELECT id, deploy_id, pipeline_version_id, created_at FROM deployments WHERE pipeline_id = ?"
                       " AND active = 1 ORDER BY id DESC LIMIT 1", (pipeline_id,)).fetchone()
    if row is None:
        return None
    return {"maximum_replicas": 1, "prewarmed_replicas": 0, "id": row[0], "deploy_id": row[1],
            "name": f"{row[1]}-{row[0]}", "deployed": True, "pipeline_version_pk_id": row[2],
            "created_at": row[3]}


def version_item(row: tuple, workspace_id: int, created_by: str) -> dict:
    """A ``LegacyPipelineVersion`` from ``(id, version, definition, created_at)``: ``id`` is the version's pk
    as text, ``steps`` the definition object (``{"steps": [...]}``), ``version`` the UUID."""
    return {"id": str(row[0]), "workspace_id": workspace_id, "created_at": row[3], "created_by": created_by,
            "version": row[1], "steps": json.loads(row[2])}


def pipeline_item(conn: sqlite3.Connection, pipe: dict, version_row: tuple | None = None, *,
                  only_if_version_deployed: bool = False) -> dict:
    """A ``ListPipelineItem``: pipeline, workspace, plateau_topic, deployment (active or null) and
    pipeline_version (``version_row``, else the latest)."""
    if version_row is None:
        version_row = conn.execute("SELECT id, version, definition, created_at FROM pipeline_versions WHERE "
                                   "pipeline_id = ? ORDER BY id DESC LIMIT 1", (pipe["id"],)).fetchone()
    dep = _deployment(conn, pipe["id"])
    if dep is not None and only_if_version_deployed and (version_row is None
                                                         or dep["pipeline_version_pk_id"] != version_row[0]):
        dep = None
    pipeline = {"id": pipe["id"], "name": pipe["name"], "created_at": pipe["created_at"],
                "updated_at": pipe["updated_at"], "owner_id": pipe["owner_id"], "workspace_id": pipe["workspace_id"]}
    return {"pipeline": pipeline, "workspace": ws_item(conn, pipe["workspace_id"]), "plateau_topic": plateau_topic(pipe),
            "deployment": dep,
            "pipeline_version": None if version_row is None else version_item(version_row, pipe["workspace_id"],
                                                                              pipe["owner_id"])}


def version_rows(conn: sqlite3.Connection, pipeline_id: int) -> list[tuple]:
    return conn.execute("SELECT id, version, definition, created_at FROM pipeline_versions WHERE pipeline_id = ? "
                        "ORDER BY id DESC", (pipeline_id,)).fetchall()


# --- deletes -------------------------------------------------------------------------------------------------------

def _active_assays(conn: sqlite3.Connection, pipe: dict) -> list[str]:
    names = [r[0] for r in conn.execute("SELECT name FROM assays WHERE active = 1 AND (pipeline_id = ? OR "
                                        "(workspace_id = ? AND pipeline_name = ?))",
                                        (pipe["id"], pipe["workspace_id"], pipe["name"]))]
    names += [r[0] for r in conn.execute("SELECT name FROM assays_v2 WHERE active = 1 AND pipeline_id = ?",
                                         (pipe["id"],))]
    return names


def delete_pipeline(conn: sqlite3.Connection, pipe: dict) -> list[str]:
    """Delete a pipeline (rules in the module docstring) in the caller's write transaction -> log segment files
    to unlink after the commit."""
    dep = _deployment(conn, pipe["id"])
    if dep is not None:
        raise ApiError(409, f"pipeline {pipe['name']!r} is deployed (deployment {dep['name']}): undeploy it first")
    active = _active_assays(conn, pipe)
    if active:
        raise ApiError(409, f"pipeline {pipe['name']!r} is watched by active assays {sorted(active)}: pause them "
                            "first (paused assays are deleted with the pipeline)")
    conn.execute("DELETE FROM assays WHERE pipeline_id = ? OR (workspace_id = ? AND pipeline_name = ?)",
                 (pipe["id"], pipe["workspace_id"], pipe["name"]))
    conn.execute("DELETE FROM assays_v2 WHERE pipeline_id = ?", (pipe["id"],))
    files = [r[0] for r in conn.execute("SELECT file FROM log_segments WHERE pipeline_id = ?", (pipe["id"],))]
    conn.execute("DELETE FROM log_segments WHERE pipeline_id = ?", (pipe["id"],))
    conn.execute("DELETE FROM log_staging WHERE pipeline_id = ?", (pipe["id"],))
    conn.execute("DELETE FROM inference_logs WHERE pipeline_id = ?", (pipe["id"],))
    conn.execute("DELETE FROM deployments WHERE pipeline_id = ?", (pipe["id"],))
    conn.execute("DELETE FROM pipeline_versions WHERE pipeline_id = ?", (pipe["id"],))
    conn.execute("DELETE FROM pipelines WHERE id = ?", (pipe["id"],))
    return files


def unlink_logs(data_dir: Path, files: list[str]) -> None:
    """Remove deleted pipelines' log segment files (after the commit; leftovers are orphans the store drops)."""
    _unlink_each(data_dir / "logs", files)


def pipeline_versions_by_uuid(conn: sqlite3.Connection, caller: Caller, versions: list[str]) -> list[tuple]:
    """``(version id, pipeline id, workspace id, uuid)`` per UUID; 404 for the first unknown or foreign one."""
    out = []
    for v in dict.fromkeys(versions):
        row = conn.execute("SELECT v.id, v.pipeline_id, p.workspace_id, v.version FROM pipeline_versions v JOIN "
                           "pipelines p ON p.id = v.pipeline_id WHERE v.version = ?", (v,)).fetchone()
        if row is None or member_type(conn, caller, row[2]) is None:
            raise ApiError(404, f"pipeline version {v} not found")
        out.append(row)
    return out


def delete_pipeline_versions(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Delete pipeline versions (all or none): a deployed one is refused (409); their inactive deployment
    history goes with them."""
    for vid, _, _, uid in rows:
        if conn.execute("SELECT 1 FROM deployments WHERE pipeline_version_id = ? AND active = 1",
                        (vid,)).fetchone():
            raise ApiError(409, f"pipeline version {uid} is deployed: undeploy the pipeline first")
    for vid, _, _, _ in rows:
        conn.execute("DELETE FROM deployments WHERE pipeline_version_id = ?", (vid,))
        conn.execute("DELETE FROM pipeline_versions WHERE id = ?", (vid,))


def _users_of_model_version(conn: sqlite3.Connection, version_uuid: str) -> list[str]:
    """Names of pipelines whose versions use a model version (by UUID) in a step, or deploy it."""
    names = set()
    for pname, definition in conn.execute("SELECT p.name, v.definition FROM pipeline_versions v JOIN pipelines p "
                                          "ON p.id = v.pipeline_id WHERE v.definition LIKE ?",
                                          (f"%{version_uuid}%",)):
        for step in json.loads(definition).get("steps", []):
            if any(str(m.get("version")) == version_uuid for m in (step.get("ModelInference") or {}).get("models", [])):
                names.add(pname)
    return sorted(names)


def model_versions_by_uuid(conn: sqlite3.Connection, caller: Caller, versions: list[str]) -> list[tuple]:
    """``(version id, model id, workspace id, uuid, sha, size)`` per UUID; 404 for an unknown or foreign one."""
    out = []
    for v in dict.fromkeys(versions):
        row = conn.execute("SELECT v.id, v.model_id, m.workspace_id, v.model_version, v.sha, v.size FROM "
                           "model_versions v JOIN models m ON m.id = v.model_id WHERE v.model_version = ?",
                           (v,)).fetchone()
        if row is None or member_type(conn, caller, row[2]) is None:
            raise ApiError(404, f"model version {v} not found")
        out.append(row)
    return out


def delete_model_versions(conn: sqlite3.Connection, rows: list[tuple]) -> tuple[int, list[str]]:
    """Delete model versions (all or none; a model left without versions goes too) -> (bytes freed, model
    file shas to unlink after the commit). A version a pipeline uses is refused (409)."""
    for vid, _, _, uid, _, _ in rows:
        deployed = conn.execute("SELECT 1 FROM deployments d, json_each(d.model_version_ids) j WHERE d.active = 1 "
                                "AND j.value = ?", (vid,)).fetchone()
        users = _users_of_model_version(conn, uid)
        if deployed or users:
            raise ApiError(409, f"model version {uid} is used by pipelines {users}"
                                f"{' (deployed)' if deployed else ''}: delete those pipelines or versions first")
    for vid, _, _, _, _, _ in rows:
        conn.execute("DELETE FROM model_versions WHERE id = ?", (vid,))
    for mid in {r[1] for r in rows}:
        if conn.execute("SELECT 1 FROM model_versions WHERE model_id = ?", (mid,)).fetchone() is None:
            conn.execute("DELETE FROM models WHERE id = ?", (mid,))
    freed, shas = 0, []
    for sha, size in {(r[4], r[5]) for r in rows}:
        if conn.execute("SELECT 1 FROM model_versions WHERE sha = ?", (sha,)).fetchone() is None:
            freed += int(size)
            shas.append(sha)
    return freed, shas


def unlink_models(data_dir: Path, shas: list[str]) -> None:
    """Remove deleted model versions' files no version uses any more (after the commit)."""
    _unlink_each(data_dir / "models", shas)


def _unlink_each(folder: Path, names: list[str]) -> None:
    """Remove each named file of ``folder``; one that is gone or cannot be removed is left as it is."""
    for name in names:
        with contextlib.suppress(OSError):
            (folder / name).unlink()


def model_named(conn: sqlite3.Connection, caller: Caller, workspace_id: int, name: str) -> dict[str, Any]:
    row = conn.execute("SELECT id, name, workspace_id FROM models WHERE workspace_id = ? AND name = ?",
                       (workspace_id, name)).fetchone()
    if row is None or member_type(conn, caller, workspace_id) is None:
        raise ApiError(404, f"model {name!r} not found in workspace {workspace_id}")
    return {"id": row[0], "name": row[1], "workspace_id": row[2]}
