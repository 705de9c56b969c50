"""Authorization matrix: two users x two workspaces; non-members get 404/403 and learn nothing."""

from __future__ import annotations

import pytest
from sandbox_http import Client, deployed_pipeline, linear_onnx, new_user, uniq, upload_stream


@pytest.fixture(scope="module")
def world(sandbox):
    admin = Client(sandbox)
    model = linear_onnx(29, sigmoid=True)[0]
    users, spaces = {}, {}
    for who in ("a", "b"):
        uid, email, pw = new_user(admin)
        c = Client(sandbox, email, pw)
        name = uniq(f"secret-{who}")
        wid = c.ok("workspaces/create", {"workspace_name": name})["workspace_id"]
        users[who] = {"id": uid, "email": email, "c": c}
        spaces[who] = {"id": wid, "name": name, "p": deployed_pipeline(c, wid, model)}
    return {"users": users, "spaces": spaces, "model": model}


def calls(space: dict, model: bytes) -> list[tuple[str, dict | None]]:
    p, wid = space["p"], space["id"]
    return [
        ("workspaces/list_users", {"workspace_id": wid}),
        ("models/list", {"workspace_id": wid}),
        ("models/get_by_id", {"id": p["model_id"]}),
        ("models/get", {"id": p["model_id"]}),
        ("models/list_versions", {"model_id": p["model"], "models_pk_id": p["model_id"]}),
        ("models/get_config_by_id", {"model_id": p["model_id"]}),
        ("status/get_deployment", {"name": p["status_name"]}),
        ("admin/get_pipeline_external_url", {"workspace_id": wid, "pipeline_name": p["pipeline"]}),
        ("pipelines/create", {"pipeline_id": uniq("x"), "workspace_id": wid, "definition": {}}),
        ("pipelines/copy", {"name": uniq("cp"), "workspace_id": wid,
                            "source_pipeline": p["created"]["pipeline_pk_id"]}),
        ("assays/list", {"pipeline_id": p["created"]["pipeline_pk_id"]}),
        ("assays/get_baseline", {"workspace_id": wid, "pipeline_name": p["pipeline"]}),
        (p["url"], None),
    ]


@pytest.mark.parametrize("who", ["a", "b"])
@pytest.mark.parametrize("where", ["a", "b"])
def test_matrix(world, who, where):
    c = world["users"][who]["c"]
    space = world["spaces"][where]
    for path, body in calls(space, world["model"]):
        if body is None:
            r = c.post(path, json=[{"dense_input": [0.1] * 29}])
        else:
            r = c.post(path, body)
        if who == where:
            assert r.status_code == 200, (path, r.text)
        else:
            assert r.status_code in (403, 404), (path, r.status_code, r.text)
            assert space["name"] not in r.text and space["p"]["model"] not in r.text
            assert r.json()["code"] == r.status_code


def test_listing_shows_only_own_workspaces_and_users(world):
    for who, other in (("a", "b"), ("b", "a")):
        c = world["users"][who]["c"]
        names = {w["name"] for w in c.ok("workspaces/list", {})["workspaces"]}
        assert world["spaces"][who]["name"] in names and world["spaces"][other]["name"] not in names
        seen = c.ok("users/query", {})["users"]
        assert world["users"][who]["id"] in seen and world["users"][other]["id"] not in seen


def test_other_users_cannot_add_themselves_or_upload(world):
    b = world["users"]["b"]
    wid = world["spaces"]["a"]["id"]
    r = b["c"].post("workspaces/add_user", {"workspace_id": wid, "email": b["email"]})
    assert r.status_code == 404
    r = b["c"].post("models/upload_stream", params={"name": "m", "filename": "m.onnx", "workspace_id": wid},
                    data=world["model"], headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 404
    r = b["c"].post("pipelines/undeploy", {"deployment_id": world["spaces"]["a"]["p"]["deployment_id"]})
    assert r.status_code == 404


def test_collaborator_gets_access_and_loses_it(world):
    a, b = world["users"]["a"], world["users"]["b"]
    space = world["spaces"]["a"]
    a["c"].ok("workspaces/add_user", {"workspace_id": space["id"], "email": b["email"]})
    try:
        assert b["c"].ok("models/list", {"workspace_id": space["id"]})["models"]
        mid = upload_stream(b["c"], uniq("collab"), space["id"], world["model"])
        assert mid in [m["id"] for m in a["c"].ok("models/list", {"workspace_id": space["id"]})["models"]]
    finally:
        a["c"].ok("workspaces/remove_user", {"workspace_id": space["id"], "email": b["email"]})
    assert b["c"].post("models/list", {"workspace_id": space["id"]}).status_code == 404
