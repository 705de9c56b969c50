"""FastAPI routers of the sandbox, one per API area."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: integer ids fit SQLite's signed 64-bit INTEGER (bigger ones are a 400, not an OverflowError)
Id = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class Body(BaseModel):
    """Request body base: unknown keys are accepted (newer clients send extras), known ones validated."""

    model_config = ConfigDict(extra="allow")
