"""Today's pipeline/model calls over HTTP: list/get pipelines and versions, get_logs paging, deletes and their
rules, authorization (a non-member's answer equals an unknown id's), bad bodies 400."""

from __future__ import annotations

import uuid

import pytest
from sandbox_http import Client, deployed_pipeline, linear_onnx, new_user, uniq, upload_stream

from wallaroo_widgets.sandbox import db

T0 = 1_700_000_000_000


@pytest.fixture(scope="module")
def ctx(sandbox):
    c = Client(sandbox)
    wid = c.ok("workspaces/create", {"workspace_name": uniq("today")})["workspace_id"]
    model, _, _ = linear_onnx(4)
    p = deployed_pipeline(c, wid, model)
    return {"c": c, "wid": wid, "p": p, "onnx": model}


def _pipeline(c: Client, wid: int, model_bytes: bytes, versions: int = 1) -> dict:
    mname, pname = uniq("m"), uniq("p")
    mid = upload_stream(c, mname, wid, model_bytes)
    ver = c.ok("models/list_versions", {"model_id": mname, "models_pk_id": mid})[-1]
    step = {"ModelInference": {"models": [{"name": mname, "version": ver["model_version"], "sha": ver["sha"]}]}}
    made = [c.ok("pipelines/create", {"pipeline_id": pname, "workspace_id": wid, "definition": {"steps": [step]}})
            for _ in range(versions)]
    return {"name": pname, "model": mname, "model_id": mid, "model_version": ver, "created": made}


def test_list_get_versions_shapes(ctx):
    c, wid, p = ctx["c"], ctx["wid"], ctx["p"]
    other = _pipeline(c, wid, ctx["onnx"], versions=2)
    items = c.ok("pipelines/list_pipelines", {"workspace_id": wid})["pipelines"]
    assert [i["pipeline"]["name"] for i in items] == [p["pipeline"], other["name"]]
    by_name = c.ok("pipelines/list_pipelines", {"workspace_name": c.ok("workspaces/list", {})["workspaces"][-1]
                                                ["name"]})["pipelines"]
    assert [i["pipeline"]["id"] for i in by_name] == [i["pipeline"]["id"] for i in items]
    deployed, idle = items
    assert deployed["deployment"]["maximum_replicas"] >= 1 and deployed["deployment"]["id"] == p["deployment_id"]
    assert idle["deployment"] is None and idle["workspace"]["id"] == wid and idle["plateau_topic"]
    latest = other["created"][-1]["pipeline_variant_version"]
    assert idle["pipeline_version"]["version"] == latest
    assert idle["pipeline_version"]["steps"]["steps"][0]["ModelInference"]["models"][0]["name"] == other["model"]
    one = c.ok("pipelines/get_pipeline_by_name", {"pipeline_name": other["name"], "workspace_id": wid})
    assert one["pipeline"] == idle["pipeline"] and one["pipeline_version"]["version"] == latest
    vs = c.ok("pipelines/list_pipeline_versions", {"pipeline_id": other["name"], "workspace_id": wid})
    assert [v["pipeline_version"]["version"] for v in vs["pipeline_versions"]] == \
        [m["pipeline_variant_version"] for m in reversed(other["created"])]
    dvs = c.ok("pipelines/list_pipeline_versions", {"pipeline_id": p["pipeline"], "workspace_id": wid})
    assert dvs["pipeline_versions"][0]["deployment"]["id"] == p["deployment_id"]
    got = c.ok("pipelines/get_version", {"version": latest})
    assert got["pipeline_id"] == other["name"] and got["version"] == latest
    assert got["definition"]["steps"][0]["ModelInference"]["models"][0]["version"] == \
        other["model_version"]["model_version"]


def test_models_current_reads(ctx):
    c, wid, p = ctx["c"], ctx["wid"], ctx["p"]
    out = c.ok("models/list_versions_for_model", {"model_id": p["model"], "workspace_id": wid})["models"]
    assert len(out) == 1 and out[0]["model"]["name"] == p["model"] and out[0]["workspace"]["id"] == wid
    mv = out[0]["model_versions"][0]
    assert mv["model_version"]["file_info"]["version"] == p["version"]["model_version"]
    assert mv["model_version"]["deployed"] is True and mv["config"]["runtime"] == "onnx"
    by_id = c.ok("models/get_model_version_by_id", {"model_version_id": p["version"]["id"]})
    assert by_id == c.ok("models/get_version_by_id", {"model_version_id": p["version"]["id"]})


def test_get_logs_pages_cover_every_row_once_both_orders(ctx, sandbox):
    c, wid = ctx["c"], ctx["wid"]
    pipe = _pipeline(c, wid, ctx["onnx"])
    pid = pipe["created"][0]["pipeline_pk_id"]
    times = [T0 + (i // 3) * 1000 for i in range(20)]  # ties: three rows per millisecond
    with sandbox.store.tx(write=True) as conn:
        db.insert_logs(conn, pid, [{"time": t, "in.x": [float(i)], "out.y": [i * 0.5], "check_failures": []}
                                   for i, t in enumerate(times)])
    for order, expect in (("asc", list(range(20))), ("Desc", list(range(19, -1, -1)))):
        seen, cursor, pages = [], None, 0
        while True:
            body = {"pipeline_name": pipe["name"], "workspace_id": wid, "order": order, "page_size": 4}
            if cursor:
                body["cursor"] = cursor
            r = c.post("pipelines/get_logs", body)
            assert r.status_code == 200, r.text
            recs = r.json()
            seen += [int(x["in"]["x"][0]) for x in recs]
            pages += 1
            assert all(set(x) >= {"time", "in", "out", "check_failures", "metadata"} for x in recs)
            cursor = r.headers.get("x-iteration-cursor")
            if r.headers["x-iteration-status"] == "All":
                assert cursor is None
                break
            assert r.headers["x-iteration-status"] == "RecordLimited"
        assert seen == expect and pages == 5
    r = c.ok("pipelines/get_logs", {"pipeline_name": pipe["name"], "workspace_id": wid, "order": "asc",
                                    "start_time": "2023-11-14T22:13:21Z", "end_time": "2023-11-14T22:13:23Z"})
    assert [x["time"] for x in r] == [t for t in times if T0 + 1000 <= t < T0 + 3000]
    bad = c.post("pipelines/get_logs", {"pipeline_name": pipe["name"], "workspace_id": wid, "order": "asc",
                                        "cursor": "not-a-cursor"})
    assert bad.status_code == 400 and "cursor" in bad.json()["msg"]


def test_non_members_learn_nothing_and_bad_bodies(ctx, sandbox):
    c, wid, p = ctx["c"], ctx["wid"], ctx["p"]
    _, email, pw = new_user(c)
    other = Client(sandbox, email, pw)
    ver = c.ok("pipelines/list_pipeline_versions", {"pipeline_id": p["pipeline"], "workspace_id": wid})
    pv = ver["pipeline_versions"][0]["pipeline_version"]["version"]
    cases = [("pipelines/get_pipeline_by_name", {"pipeline_name": p["pipeline"], "workspace_id": wid},
              {"pipeline_name": "nope-" + uniq("x"), "workspace_id": wid}),
             ("pipelines/get_version", {"version": pv}, {"version": str(uuid.uuid4())}),
             ("pipelines/delete_pipeline_versions", {"pipeline_versions": [pv]}, {"pipeline_versions": [str(uuid.uuid4())]}),
             ("models/get_model_version_by_id", {"model_version_id": p["version"]["id"]}, {"model_version_id": 10**9})]
    for path, real, unknown in cases:
        a, b = other.post(path, real), c.post(path, unknown)
        assert a.status_code == b.status_code == 404, (path, a.text, b.text)
        assert set(a.json()) == {"msg", "code"} and set(b.json()) == {"msg", "code"}
    # the member's own unknown name and the outsider's view of a real workspace answer alike
    for path in ("pipelines/delete_pipeline", "pipelines/list_pipeline_versions"):
        a = other.post(path, {"pipeline_id": p["pipeline"], "workspace_id": wid})
        b = other.post(path, {"pipeline_id": p["pipeline"], "workspace_id": 10**9})
        assert a.status_code == b.status_code == 404
    assert other.post("pipelines/list_pipelines", {"workspace_id": wid}).json() == \
        other.post("pipelines/list_pipelines", {"workspace_id": wid}).json() == \
        {"msg": f"workspace {wid} not found", "code": 404}
    assert other.post("pipelines/list_pipelines", {}).json() == {"pipelines": []}  # a new user: nothing visible
    for path, body in [("pipelines/get_logs", {"pipeline_name": p["pipeline"], "workspace_id": wid, "order": "asc"}),
                       ("models/list_versions_for_model", {"model_id": p["model"], "workspace_id": wid}),
                       ("models/delete_model", {"model_id": p["model"], "workspace_id": wid})]:
        a = other.post(path, body)
        name = body.get("pipeline_name") or body.get("model_id")
        kind = "pipeline" if "pipeline_name" in body else "model"
        assert (a.status_code, a.json()) == (404, {"msg": f"{kind} {name!r} not found in workspace {wid}",
                                                   "code": 404}), path
    for path, body in [("pipelines/get_logs", {"pipeline_name": "x", "workspace_id": wid, "order": "sideways"}),
                       ("pipelines/get_logs", {"pipeline_name": "x", "workspace_id": wid, "page_size": 0}),
                       ("pipelines/get_logs", {"pipeline_name": p["pipeline"], "workspace_id": wid,
                                               "start_time": "yesterday"}),
                       ("pipelines/delete_pipeline_versions", {"pipeline_versions": []}),
                       ("models/delete_model", {"model_id": 5}),
                       ("pipelines/list_pipelines", {"workspace_id": "one"})]:
        r = c.post(path, body)
        assert r.status_code == 400 and set(r.json()) == {"msg", "code"}, (path, r.text)


def test_deletes_and_rules(ctx, sandbox):
    c, wid, p = ctx["c"], ctx["wid"], ctx["p"]
    # deployed pipeline and a model a pipeline uses: 409 with a message naming why
    r = c.post("pipelines/delete_pipeline", {"pipeline_id": p["pipeline"], "workspace_id": wid})
    assert r.status_code == 409 and "deployed" in r.json()["msg"] and r.json()["code"] == 409
    r = c.post("models/delete_model", {"model_id": p["model"], "workspace_id": wid})
    assert r.status_code == 409 and p["pipeline"] in r.json()["msg"]
    dv = c.ok("pipelines/list_pipeline_versions", {"pipeline_id": p["pipeline"], "workspace_id": wid})
    r = c.post("pipelines/delete_pipeline_versions",
               {"pipeline_versions": [dv["pipeline_versions"][0]["pipeline_version"]["version"]]})
    assert r.status_code == 409
    # an undeployed pipeline with two versions: drop one version, then the pipeline, then its model
    q = _pipeline(c, wid, linear_onnx(4, seed=5)[0], versions=2)
    old = q["created"][0]["pipeline_variant_version"]
    assert c.ok("pipelines/delete_pipeline_versions", {"pipeline_versions": [old]}) == {"pipeline_versions": [old]}
    left = c.ok("pipelines/list_pipeline_versions", {"pipeline_id": q["name"], "workspace_id": wid})
    assert [v["pipeline_version"]["version"] for v in left["pipeline_versions"]] == \
        [q["created"][1]["pipeline_variant_version"]]
    assert c.post("pipelines/get_version", {"version": old}).status_code == 404
    assert c.ok("pipelines/delete_pipeline", {"pipeline_id": q["name"], "workspace_id": wid}) == \
        {"pipeline_id": q["name"], "workspace_id": wid}
    assert c.post("pipelines/get_pipeline_by_name", {"pipeline_name": q["name"], "workspace_id": wid}).status_code == 404
    sha = q["model_version"]["sha"]
    freed = c.ok("models/delete_model", {"model_id": q["model"], "workspace_id": wid})
    assert freed == {"bytes": q["model_version"]["file_name"] and len(linear_onnx(4, seed=5)[0])}
    assert not (sandbox.data_dir / "models" / sha).exists()
    assert c.post("models/list_versions_for_model", {"model_id": q["model"], "workspace_id": wid}).status_code == 404
    # undeploy, then the deployed pipeline and its model go; the instance is back to what it was
    c.ok("pipelines/undeploy", {"deployment_id": p["deployment_id"]})
    c.ok("pipelines/delete_pipeline", {"pipeline_id": p["pipeline"], "workspace_id": wid})
    c.ok("models/delete_model", {"model_id": p["model"], "workspace_id": wid})
    left = [i["pipeline"]["name"] for i in c.ok("pipelines/list_pipelines", {"workspace_id": wid})["pipelines"]]
    assert p["pipeline"] not in left and q["name"] not in left


def test_active_assay_blocks_pipeline_delete_paused_goes_with_it(ctx, sandbox):
    c, wid = ctx["c"], ctx["wid"]
    pipe = _pipeline(c, wid, ctx["onnx"])
    pid = pipe["created"][0]["pipeline_pk_id"]
    with sandbox.store.tx(write=True) as conn:
        db.insert_logs(conn, pid, [{"time": T0 + i * 60_000, "in.x": [1.0], "out.y": [0.1 * i]} for i in range(30)])
    win = {"pipeline_name": pipe["name"], "path": "output y 0", "width": "10 minutes",
           "interval": "10 minutes", "start": "2023-11-14T22:23:20Z", "workspace_id": wid, "locations": []}
    summ = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
            "num_bins": 5, "bin_weights": None, "provided_edges": None}
    aid = c.ok("assays/create", {
        "name": uniq("a"), "pipeline_id": pid, "pipeline_name": pipe["name"], "active": True, "status": "created",
        "baseline": {"calculated": {"fixed_window": {**win, "start": "2023-11-14T22:13:20Z"}}}, "window": win,
        "summarizer": summ, "warning_threshold": None, "alert_threshold": 0.25, "workspace_id": wid,
        "run_until": None})
    aid = aid["assay_id"] if isinstance(aid, dict) else aid
    r = c.post("pipelines/delete_pipeline", {"pipeline_id": pipe["name"], "workspace_id": wid})
    assert r.status_code == 409 and "active assays" in r.json()["msg"]
    c.ok("assays/set_active", {"id": aid, "active": False})
    c.ok("pipelines/delete_pipeline", {"pipeline_id": pipe["name"], "workspace_id": wid})
    assert all(a["id"] != aid for a in c.ok("assays/list", {"workspace_id": wid}))


def test_active_v2_assay_blocks_pipeline_delete_paused_goes_with_it(ctx, sandbox):
    import pandas as pd
    from assays_v2_data import config, seed_logs

    c = ctx["c"]
    t = seed_logs(sandbox.store, pd.Timestamp("2024-01-01T00:00:00Z"))
    r = c.post(f"{sandbox.url}/v2/api/assays/schedule", config(t))
    assert r.status_code == 200, r.text
    aid = r.json()
    body = {"pipeline_id": t["pipeline"], "workspace_id": t["workspace_id"]}
    refused = c.post("pipelines/delete_pipeline", body)
    assert refused.status_code == 409 and "active assays" in refused.json()["msg"]
    assert c.post(f"{sandbox.url}/v2/api/assays/set_active", {"assay_id": aid, "active": False}).status_code == 200
    c.ok("pipelines/delete_pipeline", body)
    gone = c.post(f"{sandbox.url}/v2/api/assays/get/:id", {"id": aid})
    assert gone.status_code == 404
    assert c.post("pipelines/get_logs", {"pipeline_name": t["pipeline"], "workspace_id": t["workspace_id"],
                                         "order": "asc"}).status_code == 404
