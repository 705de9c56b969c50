"""``/v1/api/features/list``."""

from __future__ import annotations

from typing import Any

from ._base import Area, api, expect_type


class Features(Area):
    area = "features"

    @api(read=True)
    def list(self) -> dict[str, Any]:
        """``{"features": {name: "true"|...}, "name": str, "is_auth_enabled": bool}`` (feature values are strings)."""
        body = self._post("list", {})
        return expect_type(body, dict, self.session)
