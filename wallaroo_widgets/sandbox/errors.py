"""Sandbox error bodies ``{"msg", "code"}``: the exception type and the handlers (body limits: ``bodies``)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("wallaroo_widgets.sandbox")


class ApiError(Exception):
    """An API error answered as ``{"msg": msg, "code": status}`` with HTTP ``status``."""

    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.msg = status, msg


class ErrorBody(BaseModel):
    """Every sandbox error answer (``code`` repeats the HTTP status)."""

    msg: str = Field(description="what was wrong; names the field for a bad body", examples=["missing field 'id'"])
    code: int = Field(description="the HTTP status", examples=[400])


#: what each error status means, as the OpenAPI document describes it
ERROR_MEANINGS = {
    400: "Bad request: malformed JSON, a missing or invalid field (named in msg), or a rule the values break",
    401: "Missing, malformed or expired bearer token, or a deactivated user",
    403: "The token may not do this (client_credentials tokens only infer; some calls are for admins or owners)",
    404: "Not found, or not visible to the caller (unknown and foreign resources look alike)",
    409: "Conflict with the current state",
    413: "Request body larger than the server's limit",
    503: "The deployment is not ready (still Starting, or in Error)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route or router: each status answered with an ``ErrorBody``."""
    return {s: {"model": ErrorBody, "description": ERROR_MEANINGS[s]} for s in statuses}


def error_response(status: int, msg: str) -> JSONResponse:
    return JSONResponse({"msg": msg, "code": status}, status_code=status)


def _field(loc: tuple | list) -> str:
    loc = list(loc)
    parts = [str(p) for p in (loc[1:] if loc[:1] in (["body"], ["query"]) else loc)]  # drop the location only
    return ".".join(parts) or "body"


def describe_validation(errors: list[dict[str, Any]]) -> str:
    """One line naming every bad field: ``"field 'workspace_id': Input should be a valid integer"``."""
    out = []
    for e in errors[:5]:
        if e.get("type") == "json_invalid":
            out.append(f"malformed JSON body: {e.get('msg', '')}".strip())
        elif e.get("type") == "named":  # a validator's message that names its own field ("window.start: ...")
            out.append(str(e.get("msg")))
        elif e.get("type") == "missing":
            out.append(f"missing field '{_field(e.get('loc', ()))}'")
        else:
            msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
            out.append(f"field '{_field(e.get('loc', ()))}': {msg}")
    return "; ".join(out) or "invalid request body"


def install_handlers(app: FastAPI) -> None:
    """422 -> 400 naming the field; HTTPException -> ``{"msg","code"}``; anything else -> logged 500."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.msg)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, describe_validation(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        msg = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 405:
            msg = f"method {request.method} not allowed (MLOps calls are POST)"
        elif exc.status_code == 404 and msg == "Not Found":
            msg = f"no such endpoint: {request.url.path}"
        return JSONResponse({"msg": msg, "code": exc.status_code}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(TooLarge)
    async def _too_large(request: Request, exc: Exception) -> JSONResponse:
        return error_response(413, "request body too large")

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: Exception) -> JSONResponse:
        return error_response(400, "a number in the request is out of range")

    @app.exception_handler(RecursionError)
    async def _deep(request: Request, exc: Exception) -> JSONResponse:  # a body nested past the parser's limit
        return error_response(400, "request body nested too deeply")

    @app.exception_handler(UnicodeEncodeError)
    async def _surrogate(request: Request, exc: Exception) -> JSONResponse:  # a path the JSON check missed
        return error_response(400, "a text value in the request is not valid Unicode (a lone surrogate)")

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s", request.url.path)
        return error_response(500, f"internal error ({type(exc).__name__})")


class TooLarge(Exception):
    """A streamed body passed its limit (raised by ``bodies.BodyLimit``)."""
