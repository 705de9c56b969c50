"""``/v1/api/workspaces/*``: list, create, add_user, list_users, remove_user."""

from __future__ import annotations

from fastapi import Depends, Request
from pydantic import ConfigDict, Field

from .. import db
from ..deps import Caller, member_type, require_user, store, workspace
from ..errors import ApiError
from . import Body, Id, make_router

router = make_router(errors=(404,), prefix="/v1/api/workspaces", tags=["workspaces"])

USER_TYPES = {"OWNER", "COLLABORATOR"}


class ListBody(Body):
    user_id: str | None = None


class CreateBody(Body):
    workspace_name: str = Field(min_length=1, max_length=200)


#: the body names its user by email or by user_id
_EMAIL_OR_ID = ConfigDict(json_schema_extra={"anyOf": [
    {"required": ["email"], "properties": {"email": {"type": "string", "minLength": 1}}},
    {"required": ["user_id"], "properties": {"user_id": {"type": "string", "minLength": 1}}}]})


class AddUserBody(Body):
    workspace_id: Id
    email: str | None = None
    user_id: str | None = None
    user_type: str | None = Field(None, json_schema_extra={"enum": ["owner", "collaborator", "OWNER", "COLLABORATOR"]},
                                  description="case-insensitive; default collaborator")
    url: str | None = None

    model_config = _EMAIL_OR_ID


class WorkspaceBody(Body):
    workspace_id: Id


class RemoveUserBody(Body):
    workspace_id: Id
    email: str | None = None
    user_id: str | None = None

    model_config = _EMAIL_OR_ID


def workspace_item(conn, row: tuple) -> dict:
    wid = row[0]
    models = [r[0] for r in conn.execute("SELECT id FROM models WHERE workspace_id = ? ORDER BY id", (wid,))]
    pipes = [r[0] for r in conn.execute("SELECT id FROM pipelines WHERE workspace_id = ? ORDER BY id", (wid,))]
    return {"id": wid, "name": row[1], "created_at": row[2], "created_by": row[3], "archived": bool(row[4]),
            "models": models, "pipelines": pipes}


@router.post("/list", summary="Workspaces the caller (or, for admins, user_id) belongs to")
def list_workspaces(request: Request, body: ListBody | None = None,
                    caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    uid = (body.user_id if body else None) or caller.id
    if uid != caller.id and not caller.is_admin:
        raise ApiError(403, "only administrators can list another user's workspaces")
    with store(request).tx() as conn:
        rows = conn.execute("SELECT w.id, w.name, w.created_at, w.created_by, w.archived FROM workspaces w JOIN "
                            "workspace_members m ON m.workspace_id = w.id WHERE m.user_id = ? ORDER BY w.id",
                            (uid,)).fetchall()
        return {"workspaces": [workspace_item(conn, r) for r in rows]}


@router.post("/create", summary="Create a workspace owned by the caller")
def create(request: Request, body: CreateBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    name = body.workspace_name.strip()
    if not name:
        raise ApiError(400, "field 'workspace_name': must not be blank")
    with store(request).tx(write=True) as conn:
        try:
            return {"workspace_id": db.create_workspace(conn, name, caller.id)}
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None


def _target_user(conn, email: str | None, user_id: str | None) -> dict:
    if not email and not user_id:
        raise ApiError(400, "missing field 'email' (or 'user_id')")
    user = db.get_user(conn, email=email) if email else db.get_user(conn, user_id=user_id)
    if user is None:
        raise ApiError(404, f"no user {email or user_id!r}")
    return user


def _owners(conn, workspace_id: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT user_id FROM workspace_members WHERE workspace_id = ? AND "
                                       "user_type = 'OWNER'", (workspace_id,))]


def _may_manage(conn, caller: Caller, workspace_id: int) -> bool:
    """Owners and administrators (members) grant OWNER, change member types and remove others."""
    return caller.is_admin or member_type(conn, caller, workspace_id) == "OWNER"


@router.post("/add_user", summary="Add a user to a workspace (default collaborator) or change a member's type")
def add_user(request: Request, body: AddUserBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    """Any member may add a new collaborator; only owners (and administrators) may grant OWNER or change an
    existing member's type, and the last owner cannot be demoted."""
    user_type = (body.user_type or "collaborator").upper()
    if user_type not in USER_TYPES:
        raise ApiError(400, f"field 'user_type': must be owner or collaborator, got {body.user_type!r}")
    with store(request).tx(write=True) as conn:
        workspace(conn, caller, body.workspace_id)
        user = _target_user(conn, body.email, body.user_id)
        current = conn.execute("SELECT user_type FROM workspace_members WHERE workspace_id = ? AND user_id = ?",
                               (body.workspace_id, user["id"])).fetchone()
        if current is not None and current[0] == user_type:
            return {}
        if (user_type == "OWNER" or current is not None) and not _may_manage(conn, caller, body.workspace_id):
            raise ApiError(403, "only workspace owners can add owners or change a member's type")
        if current is not None and _owners(conn, body.workspace_id) == [user["id"]]:
            raise ApiError(400, "cannot demote the last owner of a workspace (make another member owner first)")
        conn.execute("INSERT OR REPLACE INTO workspace_members VALUES (?, ?, ?)",
                     (body.workspace_id, user["id"], user_type))
    return {}


@router.post("/list_users", summary="Members of a workspace")
def list_users(request: Request, body: WorkspaceBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        workspace(conn, caller, body.workspace_id)
        rows = conn.execute("SELECT user_id, user_type FROM workspace_members WHERE workspace_id = ? "
                            "ORDER BY rowid", (body.workspace_id,)).fetchall()
    return {"users": [{"user_id": r[0], "user_type": r[1]} for r in rows]}


@router.post("/remove_user", summary="Remove a member from a workspace")
def remove_user(request: Request, body: RemoveUserBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    """Owners (and administrators) remove anyone but the last owner; collaborators only themselves."""
    with store(request).tx(write=True) as conn:
        workspace(conn, caller, body.workspace_id)
        user = _target_user(conn, body.email, body.user_id)
        if user["id"] != caller.id and not _may_manage(conn, caller, body.workspace_id):
            raise ApiError(403, "only workspace owners can remove other members")
        if _owners(conn, body.workspace_id) == [user["id"]]:
            raise ApiError(400, "cannot remove the last owner of a workspace")
        cur = conn.execute("DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?",
                           (body.workspace_id, user["id"]))
    return {"affected_rows": cur.rowcount}
