"""Inference over real HTTP: pandas-records, Arrow IPC file, column dict; ONNX results, logging, errors."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import requests
from sandbox_http import DATA, Client, deployed_pipeline, linear_onnx, uniq

from wallaroo_widgets.sandbox import db

RECORDS = "application/json; format=pandas-records"


@pytest.fixture(scope="module")
def fraud(sandbox):
    c = Client(sandbox)
    wid = c.ok("workspaces/create", {"workspace_name": uniq("infer")})["workspace_id"]
    model, w, b = linear_onnx(29, sigmoid=True)
    p = deployed_pipeline(c, wid, model)
    return {"c": c, "p": p, "w": w, "b": b, "rows": pd.read_json(DATA / "ccfraud" / "cc_data_api_1k.df.json",
                                                                orient="records")}


def expected(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    z = x.astype(np.float32) @ w + b
    return (1 / (1 + np.exp(-z.astype(np.float64)))).astype(np.float32)


def logs_for(sandbox, pipeline_id: int) -> list[dict]:
    with sandbox.store.tx() as conn:
        return db.get_logs(conn, pipeline_id)


def test_pandas_records_shape_values_and_log(fraud, sandbox):
    c, p = fraud["c"], fraud["p"]
    rows = fraud["rows"].head(50)
    before = len(logs_for(sandbox, p["created"]["pipeline_pk_id"]))
    r = c.post(p["url"], data=rows.to_json(orient="records"), headers={"Content-Type": RECORDS})
    assert r.status_code == 200, r.text
    out = r.json()
    assert len(out) == 50 and set(out[0]) == {"time", "in", "out", "check_failures", "metadata"}
    assert len({rec["time"] for rec in out}) == 1 and isinstance(out[0]["time"], int)
    assert out[0]["in"]["dense_input"] == json.loads(rows.to_json(orient="records"))[0]["dense_input"]  # as sent
    got = np.array([rec["out"]["dense_1"][0] for rec in out], dtype=np.float32)
    want = expected(np.stack(rows["dense_input"].to_numpy()), fraud["w"], fraud["b"])[:, 0]
    np.testing.assert_allclose(got, want, rtol=2e-6)
    # float32 outputs print in their float32 shortest form
    for v in got[:10]:
        assert f'"dense_1":[{np.float32(v)!s}]'.replace(" ", "") in r.text.replace(" ", "")
    meta = out[0]["metadata"]
    assert set(meta) >= {"last_model", "pipeline_version", "elapsed", "dropped", "partition"}
    assert json.loads(meta["last_model"])["model_name"] == p["model"] and len(meta["elapsed"]) == 2
    logs = logs_for(sandbox, p["created"]["pipeline_pk_id"])
    assert len(logs) == before + 50
    last = logs[-1]
    assert last["time"] == out[-1]["time"] and last["out.dense_1"] == out[-1]["out"]["dense_1"]
    assert last["in.dense_input"] == out[-1]["in"]["dense_input"]
    with sandbox.store.tx() as conn:
        times, vals = db.log_values(conn, p["created"]["pipeline_pk_id"], "out.dense_1", 0,
                                    start_ms=out[0]["time"], end_ms=out[0]["time"] + 1)
    assert len(vals) == 50 and vals.dtype == np.float64
    np.testing.assert_array_equal(vals, got.astype(np.float64))  # exact float32 widening


def test_arrow_file_and_column_dict_bodies(fraud):
    c, p = fraud["c"], fraud["p"]
    table = pa.ipc.open_file(str(DATA / "ccfraud" / "cc_data_10k.arrow")).read_all().slice(0, 20)
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    r = c.post(p["url"], data=sink.getvalue(), headers={"Content-Type": "application/vnd.apache.arrow.file"})
    assert r.status_code == 200 and "arrow" in r.headers["content-type"]
    back = pa.ipc.open_file(pa.BufferReader(r.content)).read_all().to_pylist()
    sent = table.column("tensor").to_pylist()[0]
    assert back[0]["in"]["tensor"] == [float(str(np.float32(v))) for v in sent]   # float32 shortest echo
    x = np.array(table.column("tensor").to_pylist(), dtype=np.float32)
    got = np.array([rec["out"]["dense_1"][0] for rec in back], dtype=np.float32)
    np.testing.assert_allclose(got, expected(x, fraud["w"], fraud["b"])[:, 0], rtol=2e-6)
    legacy = {"tensor": x[:3].tolist()}
    r = c.post(p["url"], json=legacy, headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and len(r.json()) == 3
    np.testing.assert_array_equal(np.array([rec["out"]["dense_1"][0] for rec in r.json()], np.float32), got[:3])


def test_short_url_form_and_client_credentials_token(fraud, sandbox):
    c, p = fraud["c"], fraud["p"]
    short = p["url"].rsplit("/", 1)[0]
    body = fraud["rows"].head(2).to_json(orient="records")
    assert c.post(short, data=body, headers={"Content-Type": RECORDS}).status_code == 200
    tok = requests.post(sandbox.url + "/auth/realms/master/protocol/openid-connect/token", timeout=30,
                        auth=("api-client", sandbox.client_secret),
                        data={"grant_type": "client_credentials"}).json()["access_token"]
    r = requests.post(p["url"], data=body, timeout=30,
                      headers={"Authorization": f"Bearer {tok}", "Content-Type": RECORDS})
    assert r.status_code == 200 and len(r.json()) == 2
    r = requests.post(p["url"], data=body, timeout=30, headers={"Content-Type": RECORDS})
    assert r.status_code == 401


@pytest.mark.parametrize("body,ctype,needle", [
    ("[{\"dense_input\": [1, 2, 3]}]", RECORDS, "shape"),
    ("[{\"dense_input\": \"abc\"}]", RECORDS, "dense_input"),
    ("{not json", RECORDS, "malformed JSON"),
    ("[1, 2]", RECORDS, "array of objects"),
    ("[]", RECORDS, "no rows"),
    ("", RECORDS, "empty"),
    ("{\"a\": [1], \"b\": [1, 2]}", "application/json", "different lengths"),
    ("garbage", "application/vnd.apache.arrow.file", "Arrow"),
])
def test_bad_inference_bodies_are_400(fraud, body, ctype, needle):
    r = fraud["c"].post(fraud["p"]["url"], data=body.encode(), headers={"Content-Type": ctype})
    assert r.status_code == 400, r.text
    assert needle in r.json()["msg"]


def test_house_price_shape_and_undeployed_and_unknown(sandbox):
    c = Client(sandbox)
    wid = c.ok("workspaces/create", {"workspace_name": uniq("house")})["workspace_id"]
    model, w, b = linear_onnx(18, input_name="tensor", output_name="variable", seed=3)
    p = deployed_pipeline(c, wid, model)
    rows = pd.read_json(DATA / "house_price" / "smallinputs.df.json", orient="records")
    r = c.post(p["url"], data=rows.to_json(orient="records"), headers={"Content-Type": RECORDS})
    assert r.status_code == 200
    got = np.array([rec["out"]["variable"][0] for rec in r.json()], dtype=np.float32)
    want = (np.stack(rows["tensor"].to_numpy()).astype(np.float32).astype(np.float64) @ w + b)[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4 * np.abs(want).max())
    c.ok("pipelines/undeploy", {"deployment_id": p["deployment_id"]})
    r = c.post(p["url"], data=rows.to_json(orient="records"), headers={"Content-Type": RECORDS})
    assert r.status_code == 404 and "undeployed" in r.json()["msg"]
    r = c.post(f"{sandbox.url}/v1/api/pipelines/infer/nope-999999/nope", json=[{"tensor": [1.0]}])
    assert r.status_code == 404


def test_starting_deployment_does_not_infer(sandbox):
    c = Client(sandbox)
    wid = c.ok("workspaces/create", {"workspace_name": uniq("start")})["workspace_id"]
    p = deployed_pipeline(c, wid, linear_onnx(29, sigmoid=True)[0], wait=False)
    r = c.post(p["url"], json=[{"dense_input": [0.0] * 29}], headers={"Content-Type": RECORDS})
    assert r.status_code == 503 and "Starting" in r.json()["msg"]


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_non_finite_inputs_answer_null_and_are_logged_once(fraud, sandbox, literal):
    c, p = fraud["c"], fraud["p"]
    pid = p["created"]["pipeline_pk_id"]
    before = len(logs_for(sandbox, pid))
    body = b'[{"dense_input": [' + literal + b"," + b",".join([b"0.5"] * 28) + b"]}]"
    r = c.post(p["url"], data=body, headers={"Content-Type": RECORDS})
    assert r.status_code == 200, r.text
    rec = json.loads(r.text, parse_constant=lambda c: pytest.fail(f"non-JSON {c} in the response"))[0]
    assert rec["in"]["dense_input"][0] is None and rec["in"]["dense_input"][1] == 0.5
    out = rec["out"]["dense_1"][0]  # sigmoid: NaN stays NaN -> null; +-inf saturate to 1 / 0
    assert (out is None) if literal == b"NaN" else out in (0.0, 1.0)
    logged = logs_for(sandbox, pid)
    assert len(logged) == before + 1 and logged[-1]["time"] == rec["time"]
    assert logged[-1]["in.dense_input"][0] is None


def test_a_refused_request_leaves_no_log_row(fraud, sandbox):
    c, p = fraud["c"], fraud["p"]
    pid = p["created"]["pipeline_pk_id"]
    before = len(logs_for(sandbox, pid))
    for body in (b'[{"dense_input": [1.0, 2.0]}]', b'[{"dense_input": ["\\ud800"]}]', b"[" * 50_000):
        r = c.post(p["url"], data=body, headers={"Content-Type": RECORDS})
        assert r.status_code == 400 and r.json()["code"] == 400, r.text
    assert len(logs_for(sandbox, pid)) == before
