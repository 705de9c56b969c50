"""``/v1/api/users/*``: query (Keycloak representations keyed by id), invite, activate, deactivate."""

from __future__ import annotations

import secrets

from fastapi import Depends, Request
from pydantic import Field

from .. import db
from ..deps import Caller, require_admin, require_user, store
from ..errors import ApiError
from . import Body, make_router

router = make_router(errors=(404,), prefix="/v1/api/users", tags=["users"])


class QueryBody(Body):
    user_ids: list[str] | None = None


class InviteBody(Body):
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"pattern": r"^[^\s@]*@[^\s]*$"},
                       examples=["alice@example.com"])
    password: str | None = Field(default=None, max_length=256)
    roles: list[str] | None = None
    require_reset: bool | None = None


class EmailBody(Body):
    email: str = Field(min_length=1, max_length=254)


def representation(user: dict) -> dict:
    """Keycloak UserRepresentation of a user row."""
    rep = {"id": user["id"], "username": user["email"], "email": user["email"], "enabled": bool(user["enabled"]),
           "emailVerified": False, "createdTimestamp": user["created_ms"], "notBefore": 0, "requiredActions": [],
           "disableableCredentialTypes": [], "firstName": user.get("first_name"), "lastName": user.get("last_name"),
           "access": {"manageGroupMembership": True, "impersonate": False, "view": True, "mapRoles": True,
                      "manage": True}}
    if user["is_admin"]:
        rep["realmRoles"] = ["admin"]
    return rep


def _visible_ids(conn, caller: Caller) -> set[str] | None:
    """None = all (admins); else the caller and everyone sharing a workspace with them."""
    if caller.is_admin:
        return None
    rows = conn.execute("SELECT DISTINCT m2.user_id FROM workspace_members m1 JOIN workspace_members m2 "
                        "ON m1.workspace_id = m2.workspace_id WHERE m1.user_id = ?", (caller.id,)).fetchall()
    return {r[0] for r in rows} | {caller.id}


@router.post("/query", summary="Users by Keycloak id ({} = all visible users)")
def query(request: Request, body: QueryBody | None = None, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    body = body or QueryBody()
    with store(request).tx() as conn:
        visible = _visible_ids(conn, caller)
        users = {}
        if body.user_ids is None:
            for row in conn.execute("SELECT * FROM users ORDER BY created_ms"):
                u = db.user_row(conn, row)
                if visible is None or u["id"] in visible:
                    users[u["id"]] = representation(u)
        else:
            for uid in body.user_ids:
                u = db.get_user(conn, user_id=uid)
                users[uid] = representation(u) if u and (visible is None or uid in visible) else None
    return {"users": users}


@router.post("/invite", summary="Create a user (temporary password generated when absent)")
def invite(request: Request, body: InviteBody, caller: Caller = Depends(require_admin)) -> dict:  # noqa: B008
    email = body.email.strip()
    if "@" not in email or " " in email:
        raise ApiError(400, f"field 'email': not an email address: {email!r}")
    password = body.password or secrets.token_urlsafe(12)
    with store(request).tx(write=True) as conn:
        try:
            user = db.create_user(conn, email, password, admin="admin" in (body.roles or []))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
    return {"id": user["id"], "password": password}


def _set_enabled(request: Request, email: str, enabled: bool, caller: Caller) -> dict:
    with store(request).tx(write=True) as conn:
        user = db.get_user(conn, email=email)
        if user is None:
            raise ApiError(404, f"no user with email {email!r}")
        if not enabled and user["id"] == caller.id:
            raise ApiError(400, "administrators cannot deactivate themselves")
        conn.execute("UPDATE users SET enabled = ? WHERE id = ?", (int(enabled), user["id"]))
    return {}


@router.post("/activate", summary="Re-enable a user")
def activate(request: Request, body: EmailBody, caller: Caller = Depends(require_admin)) -> dict:  # noqa: B008
    return _set_enabled(request, body.email, True, caller)


@router.post("/deactivate", summary="Disable a user (no new tokens; existing tokens stop working)")
def deactivate(request: Request, body: EmailBody, caller: Caller = Depends(require_admin)) -> dict:  # noqa: B008
    return _set_enabled(request, body.email, False, caller)
