"""A partial, read-only GraphQL schema of the store: just what the Wallaroo SDK asks ``/v1/graphql``.

Real Wallaroo serves Hasura there. The SDK (2026.1.x, ``gql`` with ``fetch_schema_from_transport=True``)
first sends a full introspection query and validates its own queries against the answer, so the type and
argument names follow Hasura's: ``workspace_by_pk(id: bigint!)``, ``models(order_by: {updated_at: desc})``,
``user_default_workspace(where: {user_id: {_eq: ...}})``. Covered (see docs/reference/sandbox-graphql.md):
the SDK's ``WorkspaceById`` (a workspace filled lazily by id: the assay builders, assay tables) and
``UserDefaultWorkspace`` (``wl.get_current_workspace()`` with none set). No mutations.

Authorization as in the REST routes (``deps.workspace``): a workspace the caller is not a member of reads as
``null``, the same as an unknown id. The schema has no cycles, so a query's size bounds its cost.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    IntValueNode,
    StringValueNode,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from . import db
from .deps import Caller
from .deps import workspace as member_workspace
from .errors import ApiError

SDL = '''
"""Hasura's 64-bit integer (ids); a JSON number, or a string of digits as input."""
scalar bigint

"""An RFC 3339 timestamp with its UTC offset."""
scalar timestamptz

enum order_by { asc asc_nulls_first asc_nulls_last desc desc_nulls_first desc_nulls_last }

input String_comparison_exp { _eq: String }

input user_default_workspace_bool_exp { user_id: String_comparison_exp }

input models_order_by {
  id: order_by
  name: order_by
  created_at: order_by
  updated_at: order_by
}

"""A member of a workspace."""
type workspace_users {
  user_id: String!
  user_type: String!
  workspace_id: bigint!
}

"""A model version (Hasura's table ``model``)."""
type model {
  id: bigint!
  "the model's name"
  model_id: String!
  model_version: String!
  "the id of its model (``models``)"
  models_pk_id: bigint!
  sha: String!
  file_name: String!
  status: String!
  created_at: timestamptz!
}

"""A model: the named group of its versions (Hasura's table ``models``)."""
type models {
  id: bigint!
  name: String!
  owner_id: String!
  workspace_id: bigint!
  created_at: timestamptz!
  updated_at: timestamptz!
  "its versions, oldest first"
  models: [model!]!
}

type pipeline {
  id: bigint!
  "the pipeline's name"
  pipeline_id: String!
  owner_id: String!
  workspace_id: bigint!
  created_at: timestamptz!
  updated_at: timestamptz!
}

type workspace {
  id: bigint!
  name: String!
  archived: Boolean!
  created_at: timestamptz!
  "the id of the user who created it"
  created_by: String!
  users: [workspace_users!]!
  models(order_by: [models_order_by!]): [models!]!
  pipelines: [pipeline!]!
}

type user_default_workspace {
  user_id: String!
  workspace_id: bigint!
  workspace: workspace!
}

type query_root {
  "a workspace the caller is a member of; null when unknown or not visible"
  workspace_by_pk(id: bigint!): workspace
  "the caller's default workspace (a list of at most one); other users' are not visible"
  user_default_workspace(where: user_default_workspace_bool_exp): [user_default_workspace!]!
}

schema { query: query_root }
'''

#: the parser stops past this many tokens (the SDK's introspection query has about 300)
MAX_TOKENS = 5000
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Context:
    """What the resolvers read: an open store connection and the caller."""

    conn: sqlite3.Connection
    caller: Caller


def _bigint(value: Any) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise GraphQLError(f"bigint cannot represent {value!r}: an integer (or a string of digits) is expected")
    if not _INT64[0] <= value <= _INT64[1]:
        raise GraphQLError(f"bigint out of the signed 64-bit range: {value}")
    return value


def _bigint_literal(node: Any, _variables: Any = None) -> int:
    if isinstance(node, IntValueNode | StringValueNode):
        return _bigint(node.value if isinstance(node, StringValueNode) else int(node.value))
    raise GraphQLError("bigint literal expected (an integer or a string of digits)")


# --- resolvers -------------------------------------------------------------------------------------------------

def _workspace(ctx: Context, workspace_id: int) -> dict | None:
    try:
        return member_workspace(ctx.conn, ctx.caller, workspace_id)
    except ApiError:
        return None


def _workspace_by_pk(_root: Any, info: Any, id: int) -> dict | None:  # noqa: A002 - the GraphQL argument
    return _workspace(info.context, id)


def _users(ws: dict, info: Any) -> list[dict]:
    rows = info.context.conn.execute("SELECT user_id, user_type FROM workspace_members WHERE workspace_id = ? "
                                     "ORDER BY rowid", (ws["id"],)).fetchall()
    return [{"user_id": r[0], "user_type": r[1], "workspace_id": ws["id"]} for r in rows]


_MODEL_COLUMNS = ("id", "name", "created_at", "updated_at")


def _order_sql(order_by: list[dict] | dict | None) -> str:
    """``ORDER BY`` from Hasura's ``order_by`` objects (whitelisted columns), ``id`` as the last key."""
    terms = []
    for item in order_by if isinstance(order_by, list) else [order_by] if order_by else []:
        for column, direction in item.items():
            if column in _MODEL_COLUMNS and direction:
                terms.append(f"{column} {'DESC' if direction.startswith('desc') else 'ASC'}")
    return ", ".join([*terms, "id"])


def _models(ws: dict, info: Any, order_by: list[dict] | None = None) -> list[dict]:
    rows = info.context.conn.execute(
        "SELECT id, name, owner_id, workspace_id, created_at, updated_at FROM models WHERE workspace_id = ? "
        f"ORDER BY {_order_sql(order_by)}", (ws["id"],)).fetchall()
    keys = ("id", "name", "owner_id", "workspace_id", "created_at", "updated_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _model_versions(model: dict, info: Any) -> list[dict]:
    rows = info.context.conn.execute(
        "SELECT id, model_version, sha, file_name, status, created_at FROM model_versions WHERE model_id = ? "
        "ORDER BY id", (model["id"],)).fetchall()
    return [{"id": r[0], "model_id": model["name"], "model_version": r[1], "models_pk_id": model["id"],
             "sha": r[2], "file_name": r[3], "status": r[4], "created_at": r[5]} for r in rows]


def _pipelines(ws: dict, info: Any) -> list[dict]:
    rows = info.context.conn.execute(
        "SELECT id, name, owner_id, workspace_id, created_at, updated_at FROM pipelines WHERE workspace_id = ? "
        "ORDER BY id", (ws["id"],)).fetchall()
    keys = ("id", "pipeline_id", "owner_id", "workspace_id", "created_at", "updated_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _user_default_workspace(_root: Any, info: Any, where: dict | None = None) -> list[dict]:
    """The caller's ``"<email> - Default Workspace"`` (made with the user) while they are still a member."""
    ctx: Context = info.context
    wanted = ((where or {}).get("user_id") or {}).get("_eq", ctx.caller.id)
    if wanted != ctx.caller.id or ctx.caller.email is None:
        return []
    row = ctx.conn.execute("SELECT id FROM workspaces WHERE name = ?",
                           (db.default_workspace_name(ctx.caller.email),)).fetchone()
    ws = None if row is None else _workspace(ctx, row[0])
    return [] if ws is None else [{"user_id": ctx.caller.id, "workspace_id": ws["id"], "workspace": ws}]


def make_schema() -> GraphQLSchema:
    """The executable schema: ``SDL`` with the bigint scalar's coercion and the resolvers attached."""
    schema = build_schema(SDL)
    bigint: Any = schema.type_map["bigint"]
    bigint.serialize = bigint.parse_value = _bigint
    bigint.parse_literal = _bigint_literal
    if hasattr(bigint, "coerce_input_value"):  # graphql-core 3.3 reads its new names
        bigint.coerce_output_value = bigint.coerce_input_value = _bigint
    resolvers = {("query_root", "workspace_by_pk"): _workspace_by_pk,
                 ("query_root", "user_default_workspace"): _user_default_workspace,
                 ("workspace", "users"): _users, ("workspace", "models"): _models,
                 ("workspace", "pipelines"): _pipelines, ("models", "models"): _model_versions}
    for (type_name, field), fn in resolvers.items():
        schema.type_map[type_name].fields[field].resolve = fn  # type: ignore[attr-defined]
    return schema


SCHEMA = make_schema()


def _request_errors(errors: list[GraphQLError], code: str) -> dict:
    return {"errors": [{**e.formatted, "extensions": {**(e.extensions or {}), "code": code}} for e in errors]}


def run(ctx: Context, query: str, variables: dict | None = None, operation_name: str | None = None) -> dict:
    """Answer one GraphQL request as the response body: ``{"data": ..., "errors"?: [...]}``, or only
    ``{"errors": [...]}`` when the document does not parse or validate (``extensions.code`` says which)."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as exc:
        return _request_errors([exc], "parse-failed")
    except RecursionError:
        return _request_errors([GraphQLError("query nested too deeply")], "parse-failed")
    errors = validate(SCHEMA, document)
    if errors:
        return _request_errors(list(errors), "validation-failed")
    result = execute_sync(SCHEMA, document, context_value=ctx, variable_values=variables, operation_name=operation_name)
    if result.errors and result.data is None and not any(e.path for e in result.errors):
        return _request_errors(list(result.errors), "validation-failed")  # variables or operation name
    return result.formatted
