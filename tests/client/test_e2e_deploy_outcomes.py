"""End to end over HTTP: a deployment whose model the engine cannot load ends in Error (DeploymentFailed),
and a deployment named by ``model_configs`` (the seed variant) runs and infers correctly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from testkit import deploy_pipeline, pipeline_with, uniq

from wallaroo_widgets import errors

from .onnx_models import ccfraud_like, expected_scores


def test_a_model_the_engine_cannot_load_fails_the_deployment(session, tmp_path):
    wid = session.workspaces.create(uniq("deployfail"))["workspace_id"]
    blob = tmp_path / "model.h5"
    blob.write_bytes(b"\x89HDF\r\n\x1a\n not really a keras model")
    up = session.models.upload_and_convert(uniq("keras"), wid, blob, framework="keras")  # accepted (202)
    name, created, dep, dname = deploy_pipeline(session, wid, up["id"])
    seen: list[str] = []
    with pytest.raises(errors.DeploymentFailed) as ei:
        session.pipelines.wait_until_running(dname, timeout=30, poll_interval=0.1,
                                             on_progress=lambda st, _t: seen.append(st["status"]))
    assert seen[0] == "Starting" and seen[-1] == "Error"
    text = str(ei.value)
    assert f"deployment {dname} failed" in text and "cannot be loaded by onnxruntime" in text
    for secret in session.provider.secret_values():  # access token, refresh token, password, client secret
        assert secret not in text and secret not in repr(ei.value)

    status = session.pipelines.status(dname)
    engine = status["engines"][0]
    assert status["status"] == "Error" and engine["status"] == "Failed" and engine["info"]["health"] == "Error"
    assert [m["status"] for m in engine["model_statuses"]["models"]] == ["Error"]

    url = session.pipelines.external_url(wid, name)
    with pytest.raises(errors.WallarooError) as inf:
        session.pipelines.infer(url, pd.DataFrame({"tensor": [[1.0, 2.0]]}))
    assert inf.value.status == 503 and "is in Error" in inf.value.msg
    session.pipelines.undeploy(created["pipeline_pk_id"], dep["id"])


def test_deploy_by_model_configs_runs_and_infers(session, tmp_path):
    path, w, b = ccfraud_like(tmp_path / "ccfraud_like.onnx")
    wid = session.workspaces.create(uniq("modelconfigs"))["workspace_id"]
    mid = session.models.upload(uniq("ccfraud"), wid, path)["id"]
    config = session.models.get_config_by_id(mid)["model_config"]
    config_id = config["id"] if isinstance(config, dict) and config.get("id") is not None else mid
    name, created = pipeline_with(session, wid, mid)
    dep = session.pipelines.deploy(name, created["pipeline_variant_pk_id"], created["pipeline_pk_id"],
                                   model_configs=[config_id])
    assert session.last_call.json["model_configs"] == [config_id] and "model_ids" not in session.last_call.json
    dname = session.pipelines.deployment_name(name, dep["id"])
    assert session.pipelines.wait_until_running(dname, timeout=30, poll_interval=0.1)["status"] == "Running"

    x = np.random.default_rng(7).normal(size=(25, 29)).astype(np.float32)
    out = session.pipelines.infer(session.pipelines.external_url(wid, name),
                                  pd.DataFrame({"dense_input": x.tolist()}))
    got = np.array([v[0] for v in out["out.dense_1"]], dtype=np.float32)
    np.testing.assert_allclose(got, expected_scores(x, w, b), rtol=1e-5, atol=1e-6)
    session.pipelines.undeploy(created["pipeline_pk_id"], dep["id"])
