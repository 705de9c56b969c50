"""``POST /v1/graphql`` over HTTP: the introspection the SDK's gql client runs, its two workspace queries for a
member and an outsider, and bad requests (GraphQL errors, never a 500).

The two documents are the SDK's own (wallaroo 2026.1.3, ``wallaroo/graphql/WorkspaceById.graphql`` and
``UserDefaultWorkspace.graphql``), copied verbatim: the real SDK sends them in tests/sdk.
"""

from __future__ import annotations

import pytest
import requests
from sandbox_http import Client, linear_onnx, new_user, uniq, upload_stream

graphql = pytest.importorskip("graphql")

WORKSPACE_BY_ID = """query WorkspaceById($id: bigint!) {
    workspace_by_pk(id: $id) {
        archived
        created_at
        created_by
        id
        name
        users {
            user_id
        }
        models(order_by: {updated_at: desc}) {
            id
            models {
            id
            }
        }
        pipelines {
            id
        }
    }
}"""

USER_DEFAULT_WORKSPACE = """query UserDefaultWorkspace($user_id: String = "") {
    user_default_workspace(where: {user_id: {_eq: $user_id}}) {
        workspace {
            archived
            created_at
            created_by
            name
            id
            users {
                user_id
            }
            pipelines {
                id
            }
            models {
                models {
                    id
                }
            }
        }
    }
}"""


def gql(c: Client, query: str, variables: dict | None = None, **extra) -> dict:
    """POST a GraphQL request; asserts 200 and returns the JSON answer."""
    r = c.post(f"{c.srv.url}/v1/graphql", {"query": query, "variables": variables, **extra})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def world(sandbox):
    """A member's workspace with two models (one re-uploaded: two versions), a pipeline and a collaborator;
    an outsider with no access to it."""
    admin = Client(sandbox)
    uid, email, pw = new_user(admin)
    owner = Client(sandbox, email, pw)
    wid = owner.ok("workspaces/create", {"workspace_name": uniq("gql")})["workspace_id"]
    model = linear_onnx(3)[0]
    first = upload_stream(owner, uniq("ma"), wid, model)
    second = upload_stream(owner, uniq("mb"), wid, model)
    pid = owner.ok("pipelines/create", {"pipeline_id": uniq("p"), "workspace_id": wid,
                                        "definition": {}})["pipeline_pk_id"]
    collab_id, collab_email, _ = new_user(admin)
    owner.ok("workspaces/add_user", {"workspace_id": wid, "email": collab_email})
    outsider_id, out_email, out_pw = new_user(admin)
    return {"owner": owner, "uid": uid, "email": email, "wid": wid, "models": (first, second), "pid": pid,
            "collab": collab_id, "outsider": Client(sandbox, out_email, out_pw), "outsider_id": outsider_id}


def test_introspection_gives_a_schema_the_sdk_queries_validate_against(world):
    # what gql (fetch_schema_from_transport=True) sends before its first query, and what it does with the answer
    answer = gql(world["owner"], graphql.get_introspection_query())
    assert "errors" not in answer
    schema = graphql.build_client_schema(answer["data"])
    assert schema.query_type.name == "query_root" and schema.mutation_type is None
    for doc in (WORKSPACE_BY_ID, USER_DEFAULT_WORKSPACE):
        assert graphql.validate(schema, graphql.parse(doc)) == []
    by_pk = schema.query_type.fields["workspace_by_pk"]
    assert str(by_pk.args["id"].type) == "bigint!" and str(by_pk.type) == "workspace"


def test_workspace_by_id_for_a_member_matches_the_rest_answer(world):
    owner, wid = world["owner"], world["wid"]
    ws = gql(owner, WORKSPACE_BY_ID, {"id": wid})["data"]["workspace_by_pk"]
    rest = next(w for w in owner.ok("workspaces/list", {})["workspaces"] if w["id"] == wid)
    assert {k: ws[k] for k in ("id", "name", "created_at", "created_by", "archived")} == \
        {k: rest[k] for k in ("id", "name", "created_at", "created_by", "archived")}
    assert ws["created_by"] == world["uid"] and ws["archived"] is False
    assert [u["user_id"] for u in ws["users"]] == [world["uid"], world["collab"]]
    assert sorted(m["id"] for m in ws["models"]) == sorted(rest["models"]) == sorted(world["models"])
    assert all([v["id"] for v in m["models"]] == [m["id"]] for m in ws["models"])  # one version each
    assert [p["id"] for p in ws["pipelines"]] == rest["pipelines"] == [world["pid"]]
    # a string of digits is a bigint too (Hasura takes both)
    assert gql(owner, WORKSPACE_BY_ID, {"id": str(wid)})["data"]["workspace_by_pk"] == ws


def test_models_order_by_updated_at_and_their_versions(world, sandbox):
    owner, wid = world["owner"], world["wid"]
    first, second = world["models"]
    query = """query M($id: bigint!) { workspace_by_pk(id: $id) {
      newest: models(order_by: {updated_at: desc}) { id name updated_at models { id model_id models_pk_id } }
      oldest: models(order_by: [{updated_at: asc}]) { id } } }"""
    before = gql(owner, query, {"id": wid})["data"]["workspace_by_pk"]
    assert [m["id"] for m in before["newest"]] == [second, first] and [m["id"] for m in before["oldest"]] == \
        [first, second]
    name = next(m["name"] for m in before["newest"] if m["id"] == first)
    upload_stream(owner, name, wid, linear_onnx(3, seed=8)[0])  # a new version of the first model
    after = gql(owner, query, {"id": wid})["data"]["workspace_by_pk"]["newest"]
    assert [m["id"] for m in after] == [first, second]
    assert after[0]["updated_at"] > after[1]["updated_at"]
    versions = after[0]["models"]
    assert len(versions) == 2 and versions[0]["id"] == first and versions[1]["id"] > second
    assert {v["model_id"] for v in versions} == {name} and {v["models_pk_id"] for v in versions} == {first}


def test_outsiders_learn_nothing(world):
    out, wid = world["outsider"], world["wid"]
    foreign = gql(out, WORKSPACE_BY_ID, {"id": wid})
    missing = gql(out, WORKSPACE_BY_ID, {"id": wid + 10**13})
    assert foreign == missing == {"data": {"workspace_by_pk": None}}
    # another user's default workspace is not visible either
    assert gql(out, USER_DEFAULT_WORKSPACE, {"user_id": world["uid"]}) == {"data": {"user_default_workspace": []}}


def test_user_default_workspace_is_the_callers_own(world):
    owner = world["owner"]
    rows = gql(owner, USER_DEFAULT_WORKSPACE, {"user_id": world["uid"]})["data"]["user_default_workspace"]
    assert len(rows) == 1
    ws = rows[0]["workspace"]
    assert ws["name"] == f"{world['email']} - Default Workspace" and ws["users"] == [{"user_id": world["uid"]}]
    assert ws["models"] == [] and ws["pipelines"] == []
    # the variable's default ("") names nobody: as in Hasura, no row
    assert gql(owner, USER_DEFAULT_WORKSPACE)["data"]["user_default_workspace"] == []


@pytest.mark.parametrize(("query", "variables", "code", "words"), [
    ("query {", None, "parse-failed", "Syntax Error"),
    ("{ tag { id } }", None, "validation-failed", "Cannot query field 'tag'"),
    ("mutation { insert_workspace_one(object: {}) { id } }", None, "validation-failed", "mutation"),
    (WORKSPACE_BY_ID, {"id": True}, "validation-failed", "bigint"),
    (WORKSPACE_BY_ID, {"id": 2**64}, "validation-failed", "64-bit"),
    (WORKSPACE_BY_ID, {}, "validation-failed", "'$id'"),
    ("query A { __typename } query B { __typename }", None, "validation-failed", "operation name"),
    ("{" * 5000, None, "parse-failed", "Syntax Error"),
])
def test_bad_documents_are_graphql_errors(world, query, variables, code, words):
    answer = gql(world["owner"], query, variables)
    assert set(answer) == {"errors"} and len(answer["errors"]) >= 1
    err = answer["errors"][0]
    assert words in err["message"] and err["extensions"]["code"] == code


def test_operation_name_picks_one(world):
    answer = gql(world["owner"], "query A { __typename } query B { b: __typename }", operationName="B")
    assert answer == {"data": {"b": "query_root"}}


def test_bad_bodies_and_missing_token_are_msg_code_errors(world, sandbox):
    owner = world["owner"]
    url = f"{sandbox.url}/v1/graphql"
    for body, words in (({}, "missing field 'query'"), ({"query": ""}, "field 'query'"),
                        ({"query": "{ __typename }", "variables": [1]}, "field 'variables'"),
                        ({"query": 5}, "field 'query'")):
        r = owner.post(url, body)
        assert r.status_code == 400 and r.json()["code"] == 400 and words in r.json()["msg"], r.text
    r = owner.post(url, data=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "malformed JSON" in r.json()["msg"]
    r = requests.post(url, json={"query": "{ __typename }"}, timeout=30)
    assert r.status_code == 401 and r.json() == {"msg": "missing bearer token (Authorization: Bearer <token>)",
                                                 "code": 401}
