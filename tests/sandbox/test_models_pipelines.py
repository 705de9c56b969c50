"""Models, pipelines, deployment status and external URL over real HTTP, with the reference shapes."""

from __future__ import annotations

import hashlib
import json
import time
import uuid

import pytest
from sandbox_http import Client, deployed_pipeline, linear_onnx, uniq, upload_stream

VERSION_KEYS = {"sha", "models_pk_id", "model_version", "owner_id", "model_id", "id", "file_name", "image_path"}


@pytest.fixture(scope="module")
def ctx(sandbox):
    admin = Client(sandbox)
    wid = admin.ok("workspaces/create", {"workspace_name": uniq("models")})["workspace_id"]
    model, _, _ = linear_onnx(29, sigmoid=True)
    return {"c": admin, "wid": wid, "onnx": model}


def test_upload_stream_list_versions_get_by_id_and_content_address(ctx, sandbox):
    c, wid, data = ctx["c"], ctx["wid"], ctx["onnx"]
    name = uniq("stream")
    mid = upload_stream(c, name, wid, data)
    versions = c.ok("models/list_versions", {"model_id": name, "models_pk_id": mid})
    assert len(versions) == 1 and VERSION_KEYS <= set(versions[0])
    v = versions[0]
    assert v["sha"] == hashlib.sha256(data).hexdigest() and v["id"] == mid and v["models_pk_id"] == mid
    assert uuid.UUID(v["model_version"]) and v["model_id"] == name and v["owner_id"] == '""'
    assert (sandbox.data_dir / "models" / v["sha"]).read_bytes() == data
    got = c.ok("models/get_by_id", {"id": mid})
    assert {k: got[k] for k in ("id", "name", "workspace_id", "owner_id")} == \
        {"id": mid, "name": name, "workspace_id": wid, "owner_id": '""'}
    assert got["model_config"]["runtime"] == "onnx"
    assert c.ok("models/get_config_by_id", {"model_id": mid})["model_config"]["runtime"] == "onnx"
    # a second upload under the same name is a new version; order ascending, [-1] is the latest
    upload_stream(c, name, wid, linear_onnx(29, seed=99)[0])
    versions = c.ok("models/list_versions", {"model_id": name, "models_pk_id": mid})
    assert len(versions) == 2 and versions[0]["id"] < versions[1]["id"] and versions[0]["sha"] != versions[1]["sha"]
    full = c.ok("models/get", {"id": mid})
    assert [m["id"] for m in full["models"]] == [m["id"] for m in versions] and full["workspace"]["id"] == wid
    mv = c.ok("models/get_version_by_id", {"model_version_id": versions[1]["id"]})["model_version"]
    assert mv["model_version"]["file_info"]["sha"] == versions[1]["sha"] and mv["config"]["runtime"] == "onnx"
    assert mv["model_version"]["status"] == "ready"


def test_multipart_upload_both_styles_and_convert(ctx):
    c, wid, data = ctx["c"], ctx["wid"], ctx["onnx"]
    seed_name = uniq("seed000")
    r = c.post("models/upload", data={"name": seed_name, "visibility": "public", "workspace_id": str(wid)},
               files={"file": ("ccfraud.onnx", data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    mid = r.json()["insert_models"]["returning"][0]["models"][0]["id"]
    meta = {"name": uniq("newer"), "visibility": "private", "workspace_id": wid,
            "conversion": {"framework": "onnx", "python_version": "3.8", "requirements": []}}
    r = c.post("models/upload", files={"metadata": (None, json.dumps(meta), "application/json"),
                                       "file": ("m.onnx", data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    r = c.post("models/upload_and_convert", files={"metadata": (None, json.dumps({**meta, "name": uniq("conv")}),
                                                                "application/json"),
                                                   "file": ("m.onnx", data, "application/octet-stream")})
    assert r.status_code == 202 and r.json()["insert_models"]["returning"][0]["models"][0]["id"] > mid
    listed = c.ok("models/list", {"workspace_id": wid})["models"]
    assert [m["id"] for m in listed] == sorted((m["id"] for m in listed), reverse=True)
    first = next(m for m in listed if m["id"] == mid)
    assert {"id", "name", "owner_id", "created_at", "updated_at", "model", "model_versions", "workspace"} <= set(first)
    assert first["model"]["name"] == seed_name and first["workspace"]["id"] == wid
    assert first["model_versions"][0]["model_version"]["file_info"]["file_name"] == "ccfraud.onnx"


@pytest.mark.parametrize("kwargs,needle", [
    ({"data": {"name": "x", "workspace_id": "1"}}, "file"),
    ({"files": {"file": ("a.onnx", b"not a model", "application/octet-stream")},
      "data": {"name": "junk", "workspace_id": "WID"}}, "onnxruntime"),
    ({"files": {"file": ("a.onnx", b"x", "application/octet-stream")},
      "data": {"name": "junk", "workspace_id": "abc"}}, "workspace_id"),
    ({"files": {"file": ("a.onnx", b"x", "application/octet-stream")}, "data": {"workspace_id": "WID"}}, "name"),
    ({"files": {"metadata": (None, "{not json", "application/json"),
                "file": ("a.onnx", b"x", "application/octet-stream")}}, "metadata"),
    ({"json": {"name": "x"}}, "multipart"),
])
def test_bad_uploads_are_400_naming_the_problem(ctx, kwargs, needle):
    if "data" in kwargs:
        kwargs = {**kwargs, "data": {k: (str(ctx["wid"]) if v == "WID" else v) for k, v in kwargs["data"].items()}}
    r = ctx["c"].post("models/upload", **kwargs)
    assert r.status_code == 400, r.text
    assert needle in r.json()["msg"] and r.json()["code"] == 400


def test_unknown_models_are_404(ctx):
    c = ctx["c"]
    for path, body in (("models/get_by_id", {"id": 10**9}), ("models/get", {"id": 10**9}),
                       ("models/list_versions", {"model_id": "nope", "models_pk_id": 10**9}),
                       ("models/get_config_by_id", {"model_id": 10**9}),
                       ("models/get_version_by_id", {"model_version_id": 10**9}),
                       ("models/list", {"workspace_id": 10**9})):
        r = c.post(path, body)
        assert r.status_code == 404 and r.json()["code"] == 404, path


def test_pipeline_create_deploy_status_url_undeploy(ctx, sandbox):
    c, wid = ctx["c"], ctx["wid"]
    p = deployed_pipeline(c, wid, ctx["onnx"], wait=False)
    assert set(p["created"]) == {"pipeline_pk_id", "pipeline_variant_pk_id", "pipeline_variant_version"}
    st = c.ok("status/get_deployment", {"name": p["status_name"]})
    assert st["status"] == "Starting" and st["engines"][0]["ip"] is None
    assert st["engines"][0]["pipeline_statuses"] is None and st["engines"][0]["info"]["health"] == "Starting"
    time.sleep(sandbox.config.deploy_delay + 0.05)
    st = c.ok("status/get_deployment", {"name": p["status_name"]})
    assert st["status"] == "Running" and set(st) == {"status", "details", "engines", "engine_lbs", "sidekicks", "helm"}
    eng = st["engines"][0]
    assert eng["pipeline_statuses"]["pipelines"] == [{"id": p["pipeline"], "status": "Running"}]
    assert eng["model_statuses"]["models"][0]["sha"] == p["version"]["sha"]
    assert eng["info"]["status"] == "Running" and st["engine_lbs"][0]["info"]["name"]
    url = c.ok("admin/get_pipeline_external_url", {"workspace_id": wid, "pipeline_name": p["pipeline"]})["url"]
    assert url == f"{sandbox.url}/v1/api/pipelines/infer/{p['pipeline']}-{p['deployment_id']}/{p['pipeline']}"
    # the newer sibling takes the same body; the sandbox has one host, so both URLs are the same
    inner = c.ok("admin/get_pipeline_internal_url", {"workspace_id": wid, "pipeline_name": p["pipeline"]})
    assert set(inner) == {"url"} and inner["url"] == url
    ws = next(w for w in c.ok("workspaces/list")["workspaces"] if w["id"] == wid)
    assert p["created"]["pipeline_pk_id"] in ws["pipelines"] and p["model_id"] in ws["models"]
    vid = p["version"]["id"]
    assert c.ok("models/get_version_by_id", {"model_version_id": vid})["model_version"]["model_version"]["deployed"]
    assert c.ok("pipelines/undeploy", {"pipeline_id": p["created"]["pipeline_pk_id"],
                                       "deployment_id": p["deployment_id"]}) is None
    mv = c.ok("models/get_version_by_id", {"model_version_id": vid})["model_version"]["model_version"]
    assert mv["deployed"] is False
    r = c.post("status/get_deployment", {"name": p["status_name"]})
    assert r.status_code == 404
    r = c.post("admin/get_pipeline_external_url", {"workspace_id": wid, "pipeline_name": p["pipeline"]})
    assert r.status_code == 404 and "not deployed" in r.json()["msg"]
    r = c.post("admin/get_pipeline_internal_url", {"workspace_id": wid, "pipeline_name": p["pipeline"]})
    assert r.status_code == 404 and set(r.json()) == {"msg", "code"}


def test_pipeline_copy_and_bad_definitions(ctx):
    c, wid = ctx["c"], ctx["wid"]
    p = deployed_pipeline(c, wid, ctx["onnx"], wait=False)
    name = uniq("copy")
    copied = c.ok("pipelines/copy", {"name": name, "workspace_id": wid,
                                     "source_pipeline": p["created"]["pipeline_pk_id"]})
    assert set(copied) == {"pipeline_pk_id", "pipeline_variant_pk_id", "pipeline_version", "deployment"}
    assert copied["deployment"] is None and copied["pipeline_pk_id"] != p["created"]["pipeline_pk_id"]
    dep = c.ok("pipelines/copy", {"name": uniq("copy"), "workspace_id": wid, "deploy": uniq("dep"),
                                  "source_pipeline": p["created"]["pipeline_pk_id"]})["deployment"]
    assert isinstance(dep["id"], int)
    r = c.post("pipelines/copy", {"name": name, "workspace_id": wid, "source_pipeline": p["created"]["pipeline_pk_id"]})
    assert r.status_code == 400 and "already exists" in r.json()["msg"]
    bad_ref = {"steps": [{"ModelInference": {"models": [{"name": p["model"], "version": str(uuid.uuid4()),
                                                         "sha": "x"}]}}]}
    r = c.post("pipelines/create", {"pipeline_id": uniq("p"), "workspace_id": wid, "definition": bad_ref})
    assert r.status_code == 404 and "definition.steps.0" in r.json()["msg"]
    r = c.post("pipelines/create", {"pipeline_id": uniq("p"), "workspace_id": wid, "definition": {"steps": "x"}})
    assert r.status_code == 400 and "definition.steps" in r.json()["msg"]
    r = c.post("pipelines/create", {"pipeline_id": "bad name/with slash", "workspace_id": wid, "definition": {}})
    assert r.status_code == 400 and "pipeline_id" in r.json()["msg"]
    empty = c.ok("pipelines/create", {"pipeline_id": uniq("empty"), "workspace_id": wid, "definition": {}})
    assert empty["pipeline_pk_id"] > 0
    r = c.post("pipelines/deploy", {"deploy_id": "x", "pipeline_id": 10**9})
    assert r.status_code == 404
    r = c.post("pipelines/deploy", {"pipeline_id": p["created"]["pipeline_pk_id"]})
    assert r.status_code == 400 and r.json()["msg"] == "missing field 'deploy_id'"
    r = c.post("pipelines/undeploy", {"deployment_id": 10**9})
    assert r.status_code == 404
    r = c.post("status/get_deployment", {"name": "nothing-here-1"})
    assert r.status_code == 404 and r.json()["code"] == 404


def test_get_accepts_seed_model_id_alias_and_names_missing_id(ctx):
    c, wid = ctx["c"], ctx["wid"]
    mid = upload_stream(c, uniq("alias"), wid, ctx["onnx"])
    assert c.ok("models/get", {"model_id": mid})["id"] == mid
    assert c.ok("models/get_by_id", {"id": mid})["id"] == mid
    r = c.post("models/get", {})
    assert r.status_code == 400 and r.json()["msg"] == "missing field 'id'"
