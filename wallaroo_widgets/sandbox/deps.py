"""Request dependencies: the authenticated caller, and workspace-scoped access checks; ``wire_json``, the answer
of routes that return wire dicts as they are."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic_core import to_json

from . import db
from .errors import ApiError
from .tokens import SERVICE_ACCOUNT_ID, TokenError


@dataclass(frozen=True)
class Caller:
    """The user behind a request (``service`` = a client_credentials token: inference only)."""

    id: str
    email: str | None
    is_admin: bool
    service: bool = False


#: documents the bearer token in the OpenAPI document; the checks are ``authenticate``'s (401 {"msg","code"})
BEARER = HTTPBearer(auto_error=False, scheme_name="bearer",
                    description="Access token from /auth/realms/master/protocol/openid-connect/token")

def bearer(request: Request) -> str:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "missing bearer token (Authorization: Bearer <token>)")
    return token.strip()


def authenticate(request: Request) -> Caller:
    """Verify the bearer token (signature, expiry) and load the enabled user -> ``request.state.user``."""
    try:
        claims = request.app.state.realm.verify(bearer(request))
    except TokenError as exc:
        raise ApiError(401, str(exc)) from None
    if claims["sub"] == SERVICE_ACCOUNT_ID:
        caller = Caller(SERVICE_ACCOUNT_ID, None, False, service=True)
    else:
        with request.app.state.store.tx() as conn:
            user = db.get_user(conn, user_id=claims["sub"])
        if user is None or not user["enabled"]:
            raise ApiError(401, "user is unknown or deactivated")
        caller = Caller(user["id"], user["email"], bool(user["is_admin"]))
    request.state.user = caller
    return caller


def require_user(request: Request,
                 _token: HTTPAuthorizationCredentials | None = Security(BEARER)) -> Caller:  # noqa: B008
    """The one caller dependency of every MLOps route: a user token (client_credentials tokens may only infer)."""
    caller = authenticate(request)
    if caller.service:
        raise ApiError(403, "client_credentials tokens may only call pipeline inference")
    return caller


def require_admin(caller: Caller = Depends(require_user)) -> Caller:  # noqa: B008
    """``require_user``, for administrators only (403 for others)."""
    if not caller.is_admin:
        raise ApiError(403, "only administrators can manage users")
    return caller


# --- workspace scoping ------------------------------------------------------------------------------------------

def member_type(conn: sqlite3.Connection, caller: Caller, workspace_id: int) -> str | None:
    row = conn.execute("SELECT user_type FROM workspace_members WHERE workspace_id = ? AND user_id = ?",
                       (workspace_id, caller.id)).fetchone()
    return None if row is None else row[0]


def workspace(conn: sqlite3.Connection, caller: Caller, workspace_id: int) -> dict:
    """The workspace if the caller is a member; otherwise 404 (others learn nothing)."""
    row = conn.execute("SELECT id, name, created_at, created_by, archived FROM workspaces WHERE id = ?",
                       (workspace_id,)).fetchone()
    if row is None or member_type(conn, caller, workspace_id) is None:
        raise ApiError(404, f"workspace {workspace_id} not found")
    return {"id": row[0], "name": row[1], "created_at": row[2], "created_by": row[3], "archived": bool(row[4])}


def model(conn: sqlite3.Connection, caller: Caller, model_id: int) -> dict:
    row = conn.execute("SELECT id, name, workspace_id, owner_id, created_at, updated_at FROM models WHERE id = ?",
                       (model_id,)).fetchone()
    if row is None or member_type(conn, caller, row[2]) is None:
        raise ApiError(404, f"model {model_id} not found")
    return dict(zip(("id", "name", "workspace_id", "owner_id", "created_at", "updated_at"), row, strict=True))


def model_version(conn: sqlite3.Connection, caller: Caller, version_id: int) -> dict:
    row = conn.execute("SELECT v.id, v.model_id, m.workspace_id FROM model_versions v JOIN models m "
                       "ON m.id = v.model_id WHERE v.id = ?", (version_id,)).fetchone()
    if row is None or member_type(conn, caller, row[2]) is None:
        raise ApiError(404, f"model version {version_id} not found")
    return version_item(conn, version_id)


def version_item(conn: sqlite3.Connection, version_id: int) -> dict:
    row = conn.execute(
        "SELECT v.id, v.model_id, v.model_version, v.sha, v.file_name, v.size, v.visibility, v.conversion,"
        " v.status, v.created_by, v.created_at, m.name, m.workspace_id FROM model_versions v JOIN models m"
        " ON m.id = v.model_id WHERE v.id = ?", (version_id,)).fetchone()
    keys = ("id", "model_id", "model_version", "sha", "file_name", "size", "visibility", "conversion", "status",
            "created_by", "created_at", "name", "workspace_id")
    item = dict(zip(keys, row, strict=True))
    item["conversion"] = json.loads(item["conversion"]) if item["conversion"] else None
    return item


def visible_pipeline(conn: sqlite3.Connection, caller: Caller, pipeline_id: int) -> dict | None:
    """The pipeline if the caller is a member of its workspace, else None (unknown and foreign look alike)."""
    row = conn.execute("SELECT id, name, workspace_id, owner_id, created_at, updated_at FROM pipelines WHERE id = ?",
                       (pipeline_id,)).fetchone()
    if row is None or member_type(conn, caller, row[2]) is None:
        return None
    return dict(zip(("id", "name", "workspace_id", "owner_id", "created_at", "updated_at"), row, strict=True))


def pipeline(conn: sqlite3.Connection, caller: Caller, pipeline_id: int) -> dict:
    found = visible_pipeline(conn, caller, pipeline_id)
    if found is None:
        raise ApiError(404, f"pipeline {pipeline_id} not found")
    return found


def store(request: Request) -> db.Store:
    return request.app.state.store


def wire_json(payload: Any) -> Response:
    """Wire dicts (plain JSON types) as a JSON answer, written by pydantic's Rust serialiser as FastAPI does for
    an inferred ``list[dict]``/``dict`` response model (NaN/inf -> null): ~6x faster than ``json.dumps`` on a
    month of hourly results, and it skips FastAPI's per-value ``jsonable_encoder`` of ``response_model=None``."""
    return Response(to_json(payload, inf_nan_mode="null"), media_type="application/json")
