"""The OpenAPI document at ``/v1/api/openapi.json``: FastAPI's, made to tell the truth about errors.

FastAPI documents a 422 for every body; the sandbox answers bad bodies with 400 ``{"msg","code"}`` (see
``errors.install_handlers``). This drops the 422s and documents, on every operation, the statuses every
route can answer: 400 and 413 for calls with a body (malformed JSON, size limits), 401 and 403 for calls
that take a bearer token. Statuses particular to a router or route (404, 503, ...) are declared there with
``errors.error_responses``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .errors import ERROR_MEANINGS, ErrorBody

_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def _fix_operation(op: dict[str, Any], method: str) -> None:
    responses = op.setdefault("responses", {})
    responses.pop("422", None)
    codes = []
    if method in {"post", "put", "patch"}:
        codes += [400, 413]
    if op.get("security"):
        codes += [401, 403]
    for code in codes:
        responses.setdefault(str(code), {"description": ERROR_MEANINGS[code], "content": _REF})


def build_schema(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema of ``app`` with the error statuses documented and the unused 422 models dropped."""
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for item in schema.get("paths", {}).values():
        for method, op in item.items():
            if isinstance(op, dict) and method in {"get", "post", "put", "patch", "delete"}:
                _fix_operation(op, method)
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
    return schema


def install(app: FastAPI) -> None:
    """Serve ``build_schema(app)`` (computed once) as the app's OpenAPI document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_schema(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
