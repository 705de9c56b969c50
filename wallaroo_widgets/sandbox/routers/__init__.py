"""FastAPI routers of the sandbox, one per API area."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    """Request body base: unknown keys are accepted (newer clients send extras), known ones validated."""

    model_config = ConfigDict(extra="allow")
