"""Authorization matrix: owners, a collaborator and outsiders x two workspaces.

Outsiders learn nothing: every answer about a foreign workspace, model, pipeline, deployment or assay is the
same, byte for byte, as the answer about one that does not exist (ids shifted by ``OFF``, shifted back).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
import requests
from sandbox_http import Client, deployed_pipeline, linear_onnx, new_user, uniq, upload_stream

OFF = 10**13
IDS = ("wid", "pid", "mid", "dep", "spare_pid", "spare_pvid", "spare_dep", "assay")
SUMM = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
        "num_bins": 5}


def _space(c: Client, model: bytes) -> dict:
    name = uniq("secret")
    wid = c.ok("workspaces/create", {"workspace_name": name})["workspace_id"]
    p = deployed_pipeline(c, wid, model)
    c.ok(p["url"], json=[{"dense_input": [0.1] * 29}])  # logs for the baseline calls
    spare = c.ok("pipelines/create", {"pipeline_id": uniq("spare"), "workspace_id": wid, "definition": {}})
    space = {"name": name, "wid": wid, "pid": p["created"]["pipeline_pk_id"], "mid": p["model_id"],
             "model": p["model"], "pipeline": p["pipeline"], "dep": p["deployment_id"], "base": c.srv.url,
             "spare_pid": spare["pipeline_pk_id"], "spare_pvid": spare["pipeline_variant_pk_id"]}
    space["spare_dep"] = c.ok("pipelines/deploy", {"deploy_id": uniq("sp"), "pipeline_id": space["spare_pid"],
                                                   "pipeline_version_pk_id": space["spare_pvid"]})["id"]
    space["assay"] = c.ok("assays/create", assay_body(view(space, False)))["assay_id"]
    return space


@pytest.fixture(scope="module")
def world(sandbox):
    admin = Client(sandbox)
    model = linear_onnx(29, sigmoid=True)[0]
    users = {}
    for who in ("a", "b", "collab", "nobody"):
        uid, email, pw = new_user(admin)
        users[who] = {"id": uid, "email": email, "c": Client(sandbox, email, pw)}
    spaces = {who: _space(users[who]["c"], model) for who in ("a", "b")}
    users["a"]["c"].ok("workspaces/add_user", {"workspace_id": spaces["a"]["wid"], "email": users["collab"]["email"]})
    return {"users": users, "spaces": spaces, "model": model}


def view(space: dict, ghost: bool) -> dict:
    """The space's ids, or (``ghost``) ids that do not exist, with the names and URLs built from them."""
    v = dict(space)
    if ghost:
        v.update({k: space[k] + OFF for k in IDS})
    tag = f"{v['pipeline']}-{v['dep']}"
    v["status_name"], v["url"] = tag, f"{v['base']}/v1/api/pipelines/infer/{tag}/{v['pipeline']}"
    return v


def window(v: dict) -> dict:
    start = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=1)).isoformat()
    return {"pipeline_name": v["pipeline"], "path": "output dense_1 0", "width": "2 days", "start": start,
            "workspace_id": v["wid"]}


def assay_body(v: dict) -> dict:
    return {"name": uniq("assay"), "pipeline_id": v["pid"], "pipeline_name": v["pipeline"], "workspace_id": v["wid"],
            "baseline": {"vector": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}, "window": {**window(v), "width": "1 hour"},
            "summarizer": SUMM, "alert_threshold": 0.25}


def _multipart(path: str) -> Callable[[dict, dict], tuple[str, dict]]:
    def call(v: dict, w: dict) -> tuple[str, dict]:
        meta = {"name": uniq("up"), "workspace_id": v["wid"], "conversion": {"framework": "onnx"}}
        return path, {"files": {"metadata": (None, json.dumps(meta), "application/json"),
                                "file": ("m.onnx", w["model_bytes"], "application/octet-stream")}}
    return call


def _json(path: str, body: Callable[[dict, dict], Any]) -> Callable[[dict, dict], tuple[str, dict]]:
    return lambda v, w: (path, {"json": body(v, w)})


#: (call, status for the workspace owner, status for a collaborator); outsiders always get 404
CALLS: list[tuple[Callable[[dict, dict], tuple[str, dict]], int, int]] = [
    (_json("workspaces/list_users", lambda v, w: {"workspace_id": v["wid"]}), 200, 200),
    (_json("workspaces/add_user", lambda v, w: {"workspace_id": v["wid"], "email": w["nobody"]}), 200, 200),
    (_json("workspaces/remove_user", lambda v, w: {"workspace_id": v["wid"], "email": w["nobody"]}), 200, 403),
    (_json("models/list", lambda v, w: {"workspace_id": v["wid"]}), 200, 200),
    (_json("models/get_by_id", lambda v, w: {"id": v["mid"]}), 200, 200),
    (_json("models/get", lambda v, w: {"id": v["mid"]}), 200, 200),
    (_json("models/list_versions", lambda v, w: {"model_id": v["model"], "models_pk_id": v["mid"]}), 200, 200),
    (_json("models/get_config_by_id", lambda v, w: {"model_id": v["mid"]}), 200, 200),
    (_multipart("models/upload"), 200, 200),
    (_multipart("models/upload_and_convert"), 202, 202),
    (lambda v, w: ("models/upload_stream", {"params": {"name": uniq("st"), "filename": "m.onnx",
                                                       "workspace_id": v["wid"]}, "data": w["model_bytes"],
                                            "headers": {"Content-Type": "application/octet-stream"}}), 200, 200),
    (_json("status/get_deployment", lambda v, w: {"name": v["status_name"]}), 200, 200),
    (_json("admin/get_pipeline_external_url", lambda v, w: {"workspace_id": v["wid"],
                                                            "pipeline_name": v["pipeline"]}), 200, 200),
    (_json("pipelines/create", lambda v, w: {"pipeline_id": uniq("x"), "workspace_id": v["wid"],
                                             "definition": {}}), 200, 200),
    (_json("pipelines/copy", lambda v, w: {"name": uniq("cp"), "workspace_id": v["wid"],
                                           "source_pipeline": v["pid"]}), 200, 200),
    (_json("pipelines/deploy", lambda v, w: {"deploy_id": uniq("sp"), "pipeline_id": v["spare_pid"],
                                             "pipeline_version_pk_id": v["spare_pvid"]}), 200, 200),
    (_json("pipelines/undeploy", lambda v, w: {"deployment_id": v["spare_dep"]}), 200, 200),
    (_json("assays/list", lambda v, w: {"pipeline_id": v["pid"]}), 200, 200),
    (_json("assays/get_baseline", lambda v, w: {"workspace_id": v["wid"], "pipeline_name": v["pipeline"]}), 200,
     200),
    (_json("assays/summarize", lambda v, w: {"summarizer": SUMM, "baseline": {"fixed_window": window(v)}}), 200,
     200),
    (_json("assays/create", lambda v, w: assay_body(v)), 200, 200),
    (_json("assays/set_active", lambda v, w: {"id": v["assay"], "active": True}), 200, 200),
    (_json("assays/get_assay_by_id", lambda v, w: {"id": v["assay"]}), 200, 200),
    (_json("assays/filter", lambda v, w: {"pipeline_id": v["pid"]}), 200, 200),
    (_json("assays/run_interactive", lambda v, w: assay_body(v)), 200, 200),
    (_json("assays/run_interactive_baseline", lambda v, w: assay_body(v)), 200, 200),
    (_json("assays/get_assay_results", lambda v, w: {"assay_id": v["assay"]}), 200, 200),
    (lambda v, w: (v["url"], {"json": [{"dense_input": [0.1] * 29}]}), 200, 200),
]


def _unshift(text: str) -> str:
    return re.sub(r"\d{14,}", lambda m: str(int(m.group()) - OFF), text)


def _send(c: Client, call: Callable, v: dict, world: dict) -> requests.Response:
    path, kw = call(v, {"nobody": world["users"]["nobody"]["email"], "model_bytes": world["model"]})
    return c.post(path, **kw)


@pytest.mark.parametrize("who", ["a", "b", "collab"])
@pytest.mark.parametrize("where", ["a", "b"])
def test_matrix(world, who, where):
    c = world["users"][who]["c"]
    space = world["spaces"][where]
    role = "owner" if who == where else "collab" if (who, where) == ("collab", "a") else None
    for call, owner_status, collab_status in CALLS:
        r = _send(c, call, view(space, False), world)
        label = (call(view(space, False), {"nobody": "", "model_bytes": b""})[0], who, where)
        if role is not None:
            assert r.status_code == (owner_status if role == "owner" else collab_status), (label, r.text)
            if label[0] == "pipelines/deploy":  # later calls use the new deployment
                space["spare_dep"] = r.json()["id"]
            continue
        ghost = _send(c, call, view(space, True), world)
        assert r.status_code == ghost.status_code == 404, (label, r.text, ghost.text)
        assert _unshift(r.text) == _unshift(ghost.text), (label, r.text, ghost.text)
        assert space["name"] not in r.text and space["model"] not in r.text


def test_listing_shows_only_own_workspaces_and_users(world):
    for who, other in (("a", "b"), ("b", "a")):
        c = world["users"][who]["c"]
        names = {w["name"] for w in c.ok("workspaces/list", {})["workspaces"]}
        assert world["spaces"][who]["name"] in names and world["spaces"][other]["name"] not in names
        seen = c.ok("users/query", {})["users"]
        assert world["users"][who]["id"] in seen and world["users"][other]["id"] not in seen


def _types(c: Client, wid: int) -> dict[str, str]:
    return {u["user_id"]: u["user_type"] for u in c.ok("workspaces/list_users", {"workspace_id": wid})["users"]}


def test_collaborators_cannot_take_a_workspace_over(world):
    u = world["users"]
    wid = world["spaces"]["a"]["wid"]
    col = u["collab"]["c"]
    for body in ({"email": u["collab"]["email"], "user_type": "owner"},     # promote himself
                 {"email": u["a"]["email"], "user_type": "collaborator"},   # demote the owner
                 {"email": u["nobody"]["email"], "user_type": "OWNER"}):    # make a friend owner
        r = col.post("workspaces/add_user", {"workspace_id": wid, **body})
        assert r.status_code == 403 and r.json()["code"] == 403, (body, r.text)
    r = col.post("workspaces/remove_user", {"workspace_id": wid, "email": u["a"]["email"]})
    assert r.status_code == 403
    types = _types(u["a"]["c"], wid)
    assert types[u["a"]["id"]] == "OWNER" and types[u["collab"]["id"]] == "COLLABORATOR"


def test_owner_changes_types_but_a_workspace_keeps_an_owner(world):
    u = world["users"]
    a, b = u["a"]["c"], u["b"]["c"]
    wid = a.ok("workspaces/create", {"workspace_name": uniq("owners")})["workspace_id"]
    r = a.post("workspaces/add_user", {"workspace_id": wid, "email": u["a"]["email"], "user_type": "collaborator"})
    assert r.status_code == 400 and "last owner" in r.json()["msg"]
    a.ok("workspaces/add_user", {"workspace_id": wid, "email": u["b"]["email"], "user_type": "owner"})
    a.ok("workspaces/add_user", {"workspace_id": wid, "email": u["a"]["email"], "user_type": "collaborator"})
    assert _types(b, wid) == {u["a"]["id"]: "COLLABORATOR", u["b"]["id"]: "OWNER"}
    r = b.post("workspaces/add_user", {"workspace_id": wid, "email": u["b"]["email"], "user_type": "collaborator"})
    assert r.status_code == 400 and "last owner" in r.json()["msg"]
    r = b.post("workspaces/remove_user", {"workspace_id": wid, "email": u["b"]["email"]})
    assert r.status_code == 400 and "last owner" in r.json()["msg"]
    assert a.ok("workspaces/remove_user", {"workspace_id": wid, "email": u["a"]["email"]}) == {"affected_rows": 1}
    assert a.post("workspaces/list_users", {"workspace_id": wid}).status_code == 404   # left: no access


def test_collaborator_gets_access_and_loses_it(world):
    a, b = world["users"]["a"], world["users"]["b"]
    wid = world["spaces"]["a"]["wid"]
    a["c"].ok("workspaces/add_user", {"workspace_id": wid, "email": b["email"]})
    try:
        assert b["c"].ok("models/list", {"workspace_id": wid})["models"]
        mid = upload_stream(b["c"], uniq("collab"), wid, world["model"])
        assert mid in [m["id"] for m in a["c"].ok("models/list", {"workspace_id": wid})["models"]]
    finally:
        a["c"].ok("workspaces/remove_user", {"workspace_id": wid, "email": b["email"]})
    assert b["c"].post("models/list", {"workspace_id": wid}).status_code == 404
