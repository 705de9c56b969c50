"""``POST /v1/graphql``: the partial, read-only GraphQL endpoint the Wallaroo SDK needs (``graphql_schema``).

Authenticated like every MLOps route (401/403 ``{"msg","code"}``); a body that is not a GraphQL request is a 400
``{"msg","code"}``. Everything about the document itself follows the GraphQL convention (as Hasura, which real
Wallaroo runs there): 200 with ``{"errors": [...]}`` for a query that does not parse or validate, with
``{"data": ..., "errors": [...]}`` for a field that failed.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..deps import Caller, require_user, store
from ..graphql_schema import Context, run
from . import Body, make_router

router = make_router(tags=["graphql"])


class GraphQLBody(Body):
    """A GraphQL-over-HTTP request."""

    query: str = Field(min_length=1, description="the GraphQL document (queries only; no mutations)")
    variables: dict[str, Any] | None = Field(None, description="values of the document's variables")
    operationName: str | None = Field(None, description="which operation of the document to run")  # noqa: N815


class GraphQLErrorItem(BaseModel):
    """One GraphQL error."""

    message: str
    locations: list[dict[str, int]] | None = None
    path: list[str | int] | None = None
    extensions: dict[str, Any] | None = Field(
        None, description="``code``: parse-failed, validation-failed (the document or its variables)")


class GraphQLAnswer(BaseModel):
    """``data`` (absent when the document did not parse or validate) and ``errors`` (absent when none)."""

    data: dict[str, Any] | None = None
    errors: list[GraphQLErrorItem] | None = None


@router.post("/v1/graphql", response_model=None,
             responses={200: {"model": GraphQLAnswer, "description": "The GraphQL result (errors included)"}},
             summary="GraphQL (partial, read-only): workspace_by_pk, user_default_workspace; introspection")
def graphql(request: Request, body: GraphQLBody, caller: Caller = Depends(require_user)) -> JSONResponse:  # noqa: B008
    """The queries the Wallaroo SDK sends for workspaces (``WorkspaceById``, ``UserDefaultWorkspace``) and the
    schema introspection its client runs first. A workspace the caller is not a member of reads as null."""
    with store(request).tx() as conn:
        answer = run(Context(conn, caller), body.query, body.variables, body.operationName)
    return JSONResponse(answer)
