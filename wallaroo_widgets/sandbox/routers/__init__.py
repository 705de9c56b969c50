"""FastAPI routers of the sandbox, one per API area."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..bodies import JsonRoute
from ..errors import error_responses


def not_bool(value: Any) -> Any:
    if isinstance(value, bool):  # JSON true/false are not ids (pydantic's lax mode would take them as 1/0)
        raise ValueError("Input should be a valid integer, not a boolean")
    return value


#: what the OpenAPI document promises for integers: JSON's interoperable range (RFC 8259 §6, exact in every
#: parser); the server takes the whole signed 64-bit range of SQLite's INTEGER
SAFE_INT = 2**53 - 1
#: integer ids fit SQLite's signed 64-bit INTEGER (bigger ones are a 400, not an OverflowError); the bounds come
#: before the validator so that the OpenAPI document shows them as minimum/maximum
Id = Annotated[int, Field(ge=-(2**63), le=2**63 - 1, json_schema_extra={"minimum": -SAFE_INT, "maximum": SAFE_INT}),
               BeforeValidator(not_bool)]
#: a count or limit: an ``Id`` >= 0
Count = Annotated[int, Field(ge=0, le=2**63 - 1, json_schema_extra={"maximum": SAFE_INT}),
                  BeforeValidator(not_bool)]
#: the names the sandbox accepts for pipelines and deployments (``routers.pipelines.NAME``)
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"


class Body(BaseModel):
    """Request body base: unknown keys are accepted (newer clients send extras), known ones validated."""

    model_config = ConfigDict(extra="allow")


def make_router(*, errors: tuple[int, ...] = (), **kwargs: Any) -> APIRouter:
    """An ``APIRouter`` whose JSON bodies are parsed by ``bodies.JsonRequest`` (invalid Unicode -> 400).

    ``errors``: statuses the router's routes answer besides the ones every route documents (400/413 for a
    body, 401/403 with a token; see ``sandbox.openapi``), each documented with the ``ErrorBody`` model."""
    return APIRouter(route_class=JsonRoute, responses={**error_responses(*errors), **kwargs.pop("responses", {})},
                     **kwargs)
