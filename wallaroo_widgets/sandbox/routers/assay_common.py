"""Shared pieces of the V1 assay routers: error answers, body checks, assay lookup."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from .. import assay_env as env
from .. import assay_store as st
from ..assay_config import BadRequest
from ..assay_config import _int as as_int
from ..errors import ApiError


def err(status: int, msg: str) -> JSONResponse:
    """The ``{"msg", "code"}`` error answer."""
    return JSONResponse({"msg": msg, "code": status}, status_code=status)


class AnyBody(BaseModel):
    """Request body model keeping unknown keys (handlers check the fields themselves)."""

    model_config = ConfigDict(extra="allow")


def handle(fn):
    """Run a handler body; BadRequest -> 400, ApiError -> its status, with the ``{"msg","code"}`` body."""
    try:
        return fn()
    except BadRequest as exc:
        return err(400, str(exc))
    except ApiError as exc:
        return err(exc.status, exc.msg)
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:  # malformed nested content
        return err(400, f"invalid request: {exc}")


def body_dict(raw: Any) -> dict:
    """The body as a dict, else a 400 naming ``body``."""
    if not isinstance(raw, dict):
        raise BadRequest("body: expected a JSON object")
    return raw


def owned_assay(conn, request: Request, assay_id: Any, name: str = "id") -> dict:
    """The stored assay ``assay_id`` if the caller may see it; unknown and foreign alike -> 404."""
    aid = as_int(assay_id, name)
    a = st.get_assay(conn, aid)
    if a is None or not env.can_access(conn, env.caller(request), a["workspace_id"]):
        raise ApiError(404, f"{name}: assay {aid} not found")
    return a
