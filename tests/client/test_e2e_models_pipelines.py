"""End to end against the real sandbox over HTTP: model uploads, pipelines, deployment, inference."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from testkit import deploy_model, uniq

from wallaroo_widgets import errors

from .onnx_models import ccfraud_like, expected_scores

CC_JSON = Path(__file__).resolve().parents[1] / "data/wallaroo_tutorials/ccfraud/cc_data_api_1k.df.json"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    return ccfraud_like(tmp_path_factory.mktemp("models") / "ccfraud_like.onnx")


@pytest.fixture(scope="module")
def cc_rows() -> pd.DataFrame:
    return pd.read_json(CC_JSON, orient="records").head(40)


def test_model_uploads_list_and_gets(session, model_file):
    path, _, _ = model_file
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    wid = session.workspaces.create(uniq("models"))["workspace_id"]
    up = session.models.upload(uniq("multipart"), wid, path)
    assert isinstance(up["id"], int) and up["insert_models"]["returning"][0]["models"][0]["id"] == up["id"]
    with open(path, "rb") as f:
        st = session.models.upload_stream(uniq("stream"), wid, f, filename="streamfile.onnx")
    assert session.last_call.query["filename"] == "streamfile.onnx"
    conv_name = uniq("convert")
    conv = session.models.upload_and_convert(conv_name, wid, str(path), framework="onnx")
    assert session.last_call.status == 202

    models = session.models.list(wid)
    ids = [m["id"] for m in models]
    assert set(ids) >= {up["id"], st["id"], conv["id"]}
    assert models.df["created_at"].is_monotonic_decreasing  # newest first
    by_id = session.models.get_by_id(st["id"])
    assert by_id["id"] == st["id"] and by_id["workspace_id"] == wid
    versions = session.models.list_versions(by_id["name"], st["id"])
    assert versions[-1]["sha"] == sha and versions[-1]["file_name"] == "streamfile.onnx"
    assert versions[-1]["model_id"] == by_id["name"]
    assert "model_config" in session.models.get_config_by_id(st["id"])
    full = session.models.get(conv["id"])
    assert full["name"] == conv_name and full["models"][-1]["sha"] == sha
    with pytest.raises(errors.WallarooError) as ei:
        session.models.get_by_id(99_999_999)
    assert ei.value.status in (400, 404) and ei.value.msg


@pytest.fixture(scope="module")
def deployed(sandbox, model_file, tmp_path_factory):
    """A pipeline with one model, deployed and Running (module-scoped: deploys once)."""
    from wallaroo_widgets import Session

    s = Session.password(sandbox.url, sandbox.admin_email, sandbox.admin_password,
                         client_secret=sandbox.client_secret)
    path, w, b = model_file
    progress = []
    pipe = deploy_model(s, s.workspaces.create(uniq("pipes"))["workspace_id"], path,
                        on_progress=lambda st, t: progress.append(st["status"]))
    yield {"s": s, **pipe, "w": w, "b": b, "progress": progress}


def test_deploy_status_and_wait(deployed):
    s = deployed["s"]
    assert deployed["status"]["status"] == "Running" and deployed["progress"][-1] == "Running"
    st = s.pipelines.status(s.pipelines.deployment_name(deployed["name"], deployed["dep"]["id"]))
    assert st["status"] == "Running" and isinstance(st["engines"], list)
    # newer reads: the version with its config (deployed), the internal URL sibling
    mid = deployed["model"]["id"]
    mv = s.models.get_version_by_id(mid)["model_version"]
    assert mv["model_version"]["id"] == mid and mv["model_version"]["deployed"] is True
    assert mv["model_version"]["file_info"]["sha"] == s.models.list_versions(deployed["model"]["name"], mid)[-1]["sha"]
    assert mv["config"]["model_version_id"] == mid and mv["config"]["runtime"] == "onnx"
    inner = s.pipelines.internal_url(deployed["wid"], deployed["name"])
    assert inner == s.pipelines.external_url(deployed["wid"], deployed["name"])
    assert s.last_call.json == {"workspace_id": deployed["wid"], "pipeline_name": deployed["name"]}


def test_infer_dataframe_and_arrow(deployed, cc_rows):
    s = deployed["s"]
    url = s.pipelines.external_url(deployed["wid"], deployed["name"])
    assert url.startswith(s.url) and deployed["name"] in url
    x = np.array(cc_rows["dense_input"].tolist(), dtype=np.float32)
    want = expected_scores(x, deployed["w"], deployed["b"])

    df = s.pipelines.infer(url, cc_rows)
    assert s.last_call.content_type == "application/json; format=pandas-records"
    assert len(df) == len(cc_rows) and str(df["time"].dt.tz) == "UTC"
    got = np.array([v[0] for v in df["out.dense_1"]], dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert "in.dense_input" in df and "metadata.last_model" in df

    table = pa.table({"dense_input": pa.array(x.tolist(), type=pa.list_(pa.float32(), 29))})
    adf = s.pipelines.infer(url, table)
    assert s.last_call.content_type == "application/vnd.apache.arrow.file"
    got = np.array([v[0] for v in adf["out.dense_1"]], dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    records = s.pipelines.infer_records(url, cc_rows.head(3).to_dict(orient="records"))
    assert len(records) == 3 and "out" in records[0] and isinstance(records[0]["time"], int)
    assert json.loads(records[0]["metadata"]["last_model"])["model_name"] == deployed["model"]["name"]


def test_infer_bad_input_is_a_typed_error(deployed):
    s = deployed["s"]
    url = s.pipelines.external_url(deployed["wid"], deployed["name"])
    with pytest.raises(errors.WallarooError) as ei:
        s.pipelines.infer(url, pd.DataFrame({"dense_input": [[1.0, 2.0]]}))
    assert 400 <= ei.value.status < 600 and ei.value.msg
    with pytest.raises(errors.NotFoundError):
        s.pipelines.infer(s.url + "/v1/api/pipelines/infer/nope-0/nope", pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError):
        s.pipelines.infer(url, {"not": "a frame"})


def test_copy_undeploy_and_wait_errors(deployed):
    s = deployed["s"]
    copied = s.pipelines.copy(uniq("copy"), deployed["wid"], deployed["created"]["pipeline_pk_id"])
    assert isinstance(copied["pipeline_pk_id"], int) and copied["pipeline_pk_id"] != deployed["created"]["pipeline_pk_id"]
    empty = s.pipelines.create(uniq("empty"), deployed["wid"])
    assert isinstance(empty["pipeline_variant_version"], str)
    name = uniq("slow")
    created = s.pipelines.create(name, deployed["wid"])
    dep = s.pipelines.deploy(name, created["pipeline_variant_pk_id"], created["pipeline_pk_id"])
    dname = s.pipelines.deployment_name(name, dep["id"])
    with pytest.raises(errors.DeploymentTimeout, match="not Running after"):
        s.pipelines.wait_until_running(dname, timeout=0.0, poll_interval=0.05)
    assert s.pipelines.wait_until_running(dname, timeout=30, poll_interval=0.05)["status"] == "Running"
    s.pipelines.undeploy(created["pipeline_pk_id"], dep["id"])
    with pytest.raises(errors.NotFoundError):
        s.pipelines.wait_until_running(s.pipelines.deployment_name("never", 987654), timeout=0.2, poll_interval=0.05)


def test_upload_stream_bytes_and_bad_file(session):
    wid = session.workspaces.create(uniq("bad"))["workspace_id"]
    with pytest.raises(FileNotFoundError):
        session.models.upload_stream("m", wid, "/no/such/model.onnx")
    with pytest.raises(errors.WallarooError) as ei:
        session.models.upload(uniq("junk"), wid, io.BytesIO(b"not an onnx model"), filename="junk.onnx")
    assert ei.value.msg


def test_deploy_with_models_list_then_undeploy(deployed, cc_rows):
    s, model = deployed["s"], deployed["model"]
    ver = s.models.list_versions(model["name"], model["id"])[-1]
    ref = {"name": model["name"], "version": ver["model_version"], "sha": ver["sha"]}
    name = uniq("bymodels")
    created = s.pipelines.create(name, deployed["wid"], [s.pipelines.model_step(ref)])
    dep = s.pipelines.deploy(name, created["pipeline_variant_pk_id"], created["pipeline_pk_id"], models=[ref])
    s.pipelines.wait_until_running(s.pipelines.deployment_name(name, dep["id"]), timeout=30, poll_interval=0.05)
    url = s.pipelines.external_url(deployed["wid"], name)
    assert len(s.pipelines.infer(url, cc_rows.head(2))) == 2
    s.pipelines.undeploy(created["pipeline_pk_id"], dep["id"])
    with pytest.raises(errors.WallarooError) as ei:
        s.pipelines.infer(url, cc_rows.head(2))
    assert ei.value.status in (404, 409, 503) and ei.value.msg


EXACT = [1e-11, 3.14159265358979e-7, 12345678.123456789]


def test_dataframe_inference_keeps_float64_exactly(deployed):
    s = deployed["s"]
    url = s.pipelines.external_url(deployed["wid"], deployed["name"])
    row = EXACT + [0.25] * 26
    df = s.pipelines.infer(url, pd.DataFrame({"dense_input": [row, np.array(row)]}))
    for i in range(2):
        assert df.loc[i, "in.dense_input"][:3] == EXACT  # exact float64, not to_json's 10 digits
    records = s.pipelines.infer_records(url, [{"dense_input": row}])
    assert records[0]["in"]["dense_input"][:3] == EXACT
