"""Seed 000's deploy flow over real HTTP: a pipeline created with ``"definition": {}`` and deployed with
``models`` (or ``model_ids`` / ``model_configs``) runs those models, and status lists each with its sha."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from sandbox_http import Client, linear_onnx, uniq, upload_stream


@pytest.fixture(scope="module")
def ctx(sandbox):
    c = Client(sandbox)
    wid = c.ok("workspaces/create", {"workspace_name": uniq("deploymodels")})["workspace_id"]
    first, w1, b1 = linear_onnx(29, 3, output_name="hidden", seed=3)
    second, w2, b2 = linear_onnx(3, 1, sigmoid=True, input_name="hidden", output_name="dense_1", seed=5)
    refs = []
    for data in (first, second):
        name = uniq("seedmodel")
        mid = upload_stream(c, name, wid, data)
        ver = c.ok("models/list_versions", {"model_id": name, "models_pk_id": mid})[-1]
        refs.append({"id": mid, "name": name, "version": ver["model_version"], "sha": ver["sha"]})
    return {"c": c, "wid": wid, "refs": refs, "w": (w1, b1, w2, b2)}


def _ref(model: dict) -> dict:
    """A ``{"name", "version", "sha"}`` model reference."""
    return {k: model[k] for k in ("name", "version", "sha")}


def _empty_pipeline(c: Client, wid: int) -> tuple[str, dict]:
    name = uniq("pipelinewithmodel")
    return name, c.ok("pipelines/create", {"pipeline_id": name, "workspace_id": wid, "definition": {}})


def _running(c: Client, name: str) -> dict:
    deadline = time.monotonic() + 30
    while (status := c.ok("status/get_deployment", {"name": name}))["status"] != "Running":
        assert status["status"] == "Starting" and time.monotonic() < deadline, status
        time.sleep(0.05)
    return status


def _deploy(c: Client, pname: str, created: dict, **models: list) -> str:
    dep = c.ok("pipelines/deploy", {"deploy_id": pname, "pipeline_version_pk_id": created["pipeline_variant_pk_id"],
                                    "pipeline_id": created["pipeline_pk_id"], **models})
    return f"{pname}-{dep['id']}"


def test_seed000_create_empty_deploy_with_models_status_and_infer(ctx):
    c, wid, (ref,) = ctx["c"], ctx["wid"], ctx["refs"][:1]
    pname, created = _empty_pipeline(c, wid)
    models = [_ref(ref)]
    dname = _deploy(c, pname, created, models=models)
    engine = _running(c, dname)["engines"][0]
    assert engine["model_statuses"]["models"] == [{**models[0], "status": "Running"}]
    assert engine["pipeline_statuses"]["pipelines"] == [{"id": pname, "status": "Running"}]

    url = c.ok("admin/get_pipeline_external_url", {"workspace_id": wid, "pipeline_name": pname})["url"]
    x = np.random.default_rng(11).normal(size=(7, 29)).astype(np.float32)
    out = _infer(c, url, x)
    w1, b1, _, _ = ctx["w"]
    assert len(out) == 7
    np.testing.assert_allclose(np.array([r["out"]["hidden"] for r in out]), x @ w1 + b1, rtol=1e-5, atol=1e-5)
    assert {r["metadata"]["last_model"] for r in out} == {f'{{"model_name":"{ref["name"]}","model_sha":"{ref["sha"]}"}}'}


def _infer(c: Client, url: str, x: np.ndarray) -> list[dict]:
    """pandas-records inference, one ``dense_input`` row per row of ``x``."""
    return c.ok(url, None, data=json.dumps([{"dense_input": row} for row in x.tolist()]),
                headers={"Content-Type": "application/json; format=pandas-records"})


@pytest.mark.parametrize("field", ["models", "model_ids", "model_configs"])
def test_empty_definition_runs_the_deployed_models_in_the_order_given(ctx, field):
    c, wid, refs = ctx["c"], ctx["wid"], ctx["refs"]
    pname, created = _empty_pipeline(c, wid)
    given = ([_ref(r) for r in refs] if field == "models"
             else [r["id"] for r in refs])
    dname = _deploy(c, pname, created, **{field: given})
    listed = _running(c, dname)["engines"][0]["model_statuses"]["models"]
    assert [(m["name"], m["sha"], m["status"]) for m in listed] == [(r["name"], r["sha"], "Running") for r in refs]
    url = c.ok("admin/get_pipeline_external_url", {"workspace_id": wid, "pipeline_name": pname})["url"]
    x = np.random.default_rng(12).normal(size=(5, 29)).astype(np.float32)
    out = _infer(c, url, x)
    w1, b1, w2, b2 = ctx["w"]
    expected = 1 / (1 + np.exp(-((x @ w1 + b1) @ w2 + b2)))  # first model then second, as given
    np.testing.assert_allclose(np.array([r["out"]["dense_1"] for r in out]), expected, rtol=1e-5, atol=1e-6)
    assert refs[1]["sha"] in out[0]["metadata"]["last_model"]


def test_a_model_not_in_the_workspace_is_a_4xx_naming_it(ctx):
    c, wid, ref = ctx["c"], ctx["wid"], ctx["refs"][0]
    other = c.ok("workspaces/create", {"workspace_name": uniq("otherws")})["workspace_id"]
    pname, created = _empty_pipeline(c, other)
    missing = {"name": "no-such-model", "version": ref["version"], "sha": ref["sha"]}
    body = {"deploy_id": pname, "pipeline_version_pk_id": created["pipeline_variant_pk_id"],
            "pipeline_id": created["pipeline_pk_id"]}
    r = c.post("pipelines/deploy", {**body, "models": [missing]})
    assert r.status_code == 404 and "'no-such-model'" in r.json()["msg"] and "models.0" in r.json()["msg"]
    r = c.post("pipelines/deploy", {**body, "models": [_ref(ref)]})
    assert r.status_code == 404 and repr(ref["name"]) in r.json()["msg"]  # lives in another workspace
    r = c.post("pipelines/deploy", {**body, "model_ids": [ref["id"]]})
    assert r.status_code == 404 and f"model {ref['id']} not found" in r.json()["msg"]
    own = _empty_pipeline(c, wid)[1]
    wrong_sha = c.post("pipelines/deploy", {"deploy_id": "x", "pipeline_id": own["pipeline_pk_id"],
                                            "models": [{**_ref(ref), "sha": "0" * 64}]})
    assert wrong_sha.status_code == 400 and "models.0.sha" in wrong_sha.json()["msg"] \
        and repr(ref["name"]) in wrong_sha.json()["msg"]


def test_a_definition_with_steps_keeps_its_steps(ctx):
    c, wid, refs = ctx["c"], ctx["wid"], ctx["refs"]
    step = {"ModelInference": {"models": [_ref(refs[0])]}}
    pname = uniq("withsteps")
    created = c.ok("pipelines/create", {"pipeline_id": pname, "workspace_id": wid, "definition": {"steps": [step]}})
    dname = _deploy(c, pname, created, model_ids=[refs[0]["id"]])
    listed = _running(c, dname)["engines"][0]["model_statuses"]["models"]
    assert [m["sha"] for m in listed] == [refs[0]["sha"]]
