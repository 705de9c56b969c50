"""``/v1/api/workspaces/*``: list, create, add_user, list_users, remove_user."""

from __future__ import annotations

from typing import Any

from . import frames
from ._base import ApiList, Area, api, compact, expect


class Workspaces(Area):
    area = "workspaces"

    @api(read=True)
    def list(self, user_id: str | None = None) -> ApiList:
        """Workspaces visible to the caller, or those of ``user_id`` (Keycloak id)."""
        body = self._post("list", compact(user_id=user_id))
        items = expect(body, "workspaces", list, self.session)
        return ApiList(items, raw=body, frame=frames.workspaces_frame)

    @api(read=False)
    def create(self, workspace_name: str) -> dict[str, Any]:
        """Create a workspace (the caller owns it) -> ``{"workspace_id": N}``."""
        body = self._post("create", {"workspace_name": workspace_name})
        expect(body, "workspace_id", int, self.session)
        return body

    @api(read=False)
    def add_user(self, workspace_id: int, email: str | None = None, *, user_id: str | None = None,
                 user_type: str | None = None, url: str | None = None) -> dict[str, Any]:
        """Add a user by email (or Keycloak id) as ``collaborator`` (default) or ``owner``."""
        if not email and not user_id:
            raise ValueError("add_user needs email= or user_id=")
        body = compact(workspace_id=workspace_id, email=email, user_id=user_id,
                       user_type=user_type.lower() if user_type else None, url=url)
        return self._post("add_user", body) or {}

    @api(read=True)
    def list_users(self, workspace_id: int) -> ApiList:
        """Members: ``user_id`` and ``user_type`` (``OWNER``/``COLLABORATOR``)."""
        body = self._post("list_users", {"workspace_id": workspace_id})
        return ApiList(expect(body, "users", list, self.session), raw=body)

    @api(read=False)
    def remove_user(self, workspace_id: int, email: str | None = None, *, user_id: str | None = None) -> dict[str, Any]:
        """Remove a member by email or Keycloak id -> ``{"affected_rows": 0|1}``."""
        if not email and not user_id:
            raise ValueError("remove_user needs email= or user_id=")
        body = compact(workspace_id=workspace_id, email=email, user_id=user_id)
        return self._post("remove_user", body) or {}
