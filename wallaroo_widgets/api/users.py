"""``/v1/api/users/*``: query, invite, activate, deactivate."""

from __future__ import annotations

from typing import Any

from ..secrets import Secret
from . import frames
from ._base import ApiList, Area, api, compact, expect


class Users(Area):
    area = "users"

    @api(read=True)
    def query(self, user_ids: list[str] | None = None) -> ApiList:
        """All users, or the given Keycloak ids. The answer is a dict keyed by id; ids mapped to null are
        skipped (``.raw`` keeps them). The built-in ``admin`` has no ``email``."""
        ids = [user_ids] if isinstance(user_ids, str) else user_ids
        body = self._post("query", compact(user_ids=ids))
        users = expect(body, "users", (dict, list), self.session)
        if isinstance(users, list):  # tolerate a list-shaped variant
            items = [dict(u) for u in users if isinstance(u, dict)]
        else:
            items = [{"id": uid, **u} if "id" not in u else dict(u) for uid, u in users.items() if isinstance(u, dict)]
        return ApiList(items, raw=body, frame=frames.users_frame)

    @api(read=False)
    def invite(self, email: str, password: str | None = None, *, roles: list[str] | None = None,
               require_reset: bool | None = None) -> dict[str, Any]:
        """Invite (create) a user; a returned temporary ``password`` is wrapped so it prints as ``***``."""
        body = self._post("invite", compact(email=email, password=password, roles=roles, require_reset=require_reset))
        out = dict(body) if isinstance(body, dict) else {}
        if isinstance(out.get("password"), str):
            out["password"] = Secret(out["password"])
        return out

    @api(read=False)
    def activate(self, email: str) -> dict[str, Any]:
        """Re-enable a user."""
        return self._post("activate", {"email": email}) or {}

    @api(read=False)
    def deactivate(self, email: str) -> dict[str, Any]:
        """Disable a user (they can no longer log in)."""
        return self._post("deactivate", {"email": email}) or {}
