"""The slice of Keycloak's admin REST API the Wallaroo SDK uses to (de)activate users (admins only)."""

from __future__ import annotations

from fastapi import Depends, Request, Response

from .. import db
from ..deps import Caller, require_admin, store
from ..errors import ApiError
from . import Body, make_router
from .users import representation

router = make_router(errors=(404,), prefix="/auth/admin/realms/master", tags=["keycloak admin"])


class UserUpdate(Body):
    enabled: bool | None = None
    firstName: str | None = None  # noqa: N815 - Keycloak's field names
    lastName: str | None = None  # noqa: N815


@router.get("/users", summary="Users, optionally filtered by email (Keycloak UserRepresentation list)")
def users(request: Request, email: str | None = None, caller: Caller = Depends(require_admin)) -> list:  # noqa: B008
    with store(request).tx() as conn:
        if email is not None:
            user = db.get_user(conn, email=email)
            return [] if user is None else [representation(user)]
        return [representation(db.user_row(conn, r)) for r in conn.execute("SELECT * FROM users ORDER BY created_ms")]


@router.put("/users/{user_id}", status_code=204, summary="Update a user (enabled, names); answers 204")
def update(request: Request, user_id: str, body: UserUpdate, caller: Caller = Depends(require_admin)) -> Response:  # noqa: B008
    with store(request).tx(write=True) as conn:
        user = db.get_user(conn, user_id=user_id)
        if user is None:
            raise ApiError(404, f"user {user_id} not found")
        if body.enabled is False and user_id == caller.id:
            raise ApiError(400, "administrators cannot deactivate themselves")
        if body.enabled is not None:
            conn.execute("UPDATE users SET enabled = ? WHERE id = ?", (int(body.enabled), user_id))
        if body.firstName is not None or body.lastName is not None:
            conn.execute("UPDATE users SET first_name = COALESCE(?, first_name), last_name = COALESCE(?, last_name) "
                         "WHERE id = ?", (body.firstName, body.lastName, user_id))
    return Response(status_code=204)
