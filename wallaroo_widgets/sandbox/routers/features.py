"""``/v1/api/features/list``: the instance's feature flags (string values)."""

from __future__ import annotations

from fastapi import Depends

from ..deps import Caller, require_user
from . import make_router

router = make_router(prefix="/v1/api/features", tags=["features"])


@router.post("/list", summary="Feature flags ({} body or none)")
def list_features(caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    return {"features": {"plateau": "true", "assays_v2": "true"}, "name": "Wallaroo Sandbox",
            "is_auth_enabled": True}
