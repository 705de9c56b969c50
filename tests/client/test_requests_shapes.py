"""What goes on the wire: multipart / octet-stream uploads, Arrow and pandas-records inference, SDK auth."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pyarrow as pa
import pytest
from testkit import SdkLikeClient

from wallaroo_widgets import Session, errors

from .loopback import make_jwt

TOKEN = make_jwt({"exp": 4_000_000_000})
UPLOADED = {"insert_models": {"returning": [{"models": [{"id": 16}]}]}}


def _s(url):
    return Session.token(url, TOKEN)


def test_upload_multipart_seed_style(loopback, tmp_path):
    srv = loopback(lambda seen: (200, UPLOADED))
    f = tmp_path / "ccfraud.onnx"
    f.write_bytes(b"\x08\x07model-bytes")
    out = _s(srv.url).models.upload("m1", 3, f)
    assert out["id"] == 16
    seen = srv.requests[0]
    assert seen.headers["Content-Type"].startswith("multipart/form-data")
    body = seen.body
    for part in (b'name="name"\r\n\r\nm1', b'name="workspace_id"\r\n\r\n3', b'name="visibility"\r\n\r\npublic',
                 b'filename="ccfraud.onnx"', b"\x08\x07model-bytes"):
        assert part in body


def test_upload_stream_sends_raw_bytes_and_query(loopback, tmp_path):
    srv = loopback(lambda seen: (200, UPLOADED))
    payload = bytes(range(256)) * 100
    with open(tmp_path / "big.onnx", "wb") as fh:
        fh.write(payload)
    with open(tmp_path / "big.onnx", "rb") as fh:
        _s(srv.url).models.upload_stream("m2", 5, fh, visibility="private")
    seen = srv.requests[0]
    assert seen.body == payload and seen.headers["Content-Type"] == "application/octet-stream"
    assert seen.query == {"name": ["m2"], "filename": ["big.onnx"], "visibility": ["private"], "workspace_id": ["5"]}


def test_upload_and_convert_metadata_part(loopback):
    srv = loopback(lambda seen: (202, UPLOADED))
    out = _s(srv.url).models.upload_and_convert("m3", 7, b"abc", framework="sklearn", requirements=["x==1"])
    assert out["id"] == 16
    body = srv.requests[0].body
    start = body.index(b'name="metadata"')
    meta_text = body[start:].split(b"\r\n\r\n", 1)[1].split(b"\r\n--", 1)[0]
    meta = json.loads(meta_text)
    assert meta == {"name": "m3", "visibility": "public", "workspace_id": 7,
                    "conversion": {"framework": "sklearn", "python_version": "3.8", "requirements": ["x==1"]}}
    assert b"Content-Type: application/json" in body[start:start + 200]


def test_stream_is_rewound_for_the_401_retry(loopback, keycloak, clock):
    def handler(seen):
        return (401, {"msg": "expired", "code": 401}) if len(srv.requests) == 1 else (200, UPLOADED)

    srv = loopback(handler)
    s = Session.password(srv.url, "me@example.com", keycloak.password, client_secret=keycloak.secret,
                         token_url=keycloak.url, clock=clock)
    s.models.upload_stream("m", 1, io.BytesIO(b"0123456789"))
    assert [r.body for r in srv.requests] == [b"0123456789", b"0123456789"]


def test_inference_pandas_records_and_arrow(loopback):
    answer = [{"time": 1704827280654, "in": {"tensor": [1.0, 2.0]}, "out": {"variable": [3.5]},
               "check_failures": [], "metadata": {"partition": "engine-1"}}]
    srv = loopback(lambda seen: (200, answer))
    s = _s(srv.url)
    df = s.pipelines.infer("/v1/api/pipelines/infer/p-1/p", pd.DataFrame({"tensor": [[1.0, 2.0]]}))
    seen = srv.requests[-1]
    assert seen.headers["Content-Type"] == "application/json; format=pandas-records"
    assert json.loads(seen.body) == [{"tensor": [1.0, 2.0]}]
    assert df.loc[0, "out.variable"] == [3.5] and df.loc[0, "time"] == pd.Timestamp(1704827280654, unit="ms", tz="UTC")
    table = pa.table({"tensor": pa.array([[1.0, 2.0]], type=pa.list_(pa.float32(), 2))})
    s.pipelines.infer(srv.url + "/v1/api/pipelines/infer/p-1/p", table)  # absolute URL, same auth
    seen = srv.requests[-1]
    assert seen.headers["Content-Type"] == "application/vnd.apache.arrow.file"
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
    assert pa.ipc.open_file(pa.BufferReader(seen.body)).read_all().equals(table)


def test_arrow_answer_is_read(loopback):
    table = pa.table({"time": [1704827280654], "out.variable": [[3.5]]})
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    srv = loopback(lambda seen: (200, sink.getvalue(), {"Content-Type": "application/vnd.apache.arrow.file"}))
    df = _s(srv.url).pipelines.infer("/x", pd.DataFrame({"a": [1]}))
    assert df.loc[0, "out.variable"] == [3.5]


def test_inference_answer_not_a_list(loopback):
    srv = loopback(lambda seen: (200, {"oops": 1}))
    with pytest.raises(errors.UnexpectedResponse, match="expected a list"):
        _s(srv.url).pipelines.infer("/x", pd.DataFrame({"a": [1]}))


@pytest.mark.parametrize(("answer", "field"), [
    ([{"window_start": "2024-01-01T00:00:00Z", "window_summary": {"aggregated_values": ["x"]}}],
     "results[0].window_summary.aggregated_values"),
    ([{"window_start": "2024-01-01T00:00:00Z", "score": "high"}], "results[0].score"),
])
def test_assay_results_of_a_bad_shape_name_the_field(loopback, answer, field):
    srv = loopback(lambda seen: (200, answer))
    with pytest.raises(errors.UnexpectedResponse, match=re.escape(f"unexpected assay answer: {field}:")):
        _s(srv.url).assays.get_assay_results(1)


def test_from_sdk_asks_for_a_header_per_request(loopback):
    srv = loopback(lambda seen: (200, {"workspaces": []}))
    s = Session.from_sdk(SdkLikeClient(srv.url, lambda n: make_jwt({"exp": 4_000_000_000, "n": n})))
    s.workspaces.list()
    s.workspaces.list()
    sent = [r.headers["Authorization"] for r in srv.requests]
    assert len(set(sent)) == 2
    with pytest.raises(ValueError, match="api_endpoint"):
        Session.from_sdk(object())


def test_wait_until_running_error_status(loopback):
    polls = iter(["Starting", "Starting", "Error"])

    def handler(seen):
        st = next(polls)
        return 200, {"status": st, "details": [], "engines": [{"status": "Failed", "reason": "OOMKilled",
                                                               "details": ["engine ran out of memory"]}]}

    srv = loopback(handler)
    seen = []
    with pytest.raises(errors.DeploymentFailed, match="OOMKilled; engine ran out of memory"):
        _s(srv.url).pipelines.wait_until_running("p-1", timeout=10, poll_interval=0.01,
                                                 on_progress=lambda st, t: seen.append(st["status"]))
    assert seen == ["Starting", "Starting", "Error"]


def test_wait_until_running_odd_error_body_is_still_clear(loopback):
    srv = loopback(lambda seen: (200, {"status": "Error", "details": "not-a-list", "engines": ["odd", None]}))
    with pytest.raises(errors.DeploymentFailed, match="status Error"):
        _s(srv.url).pipelines.wait_until_running("p-1", timeout=1, poll_interval=0.01)


def test_inference_records_json_is_lossless_and_pandas_compatible():
    import numpy as np

    from wallaroo_widgets.api.pipelines import records_json

    df = pd.DataFrame({"x": [1e-11, np.nan, 12345678.123456789], "t": pd.to_datetime(["2024-01-01"] * 3, utc=True),
                       "v": [[0.1, np.nan], np.array([2.5], dtype=np.float32), []], "n": pd.array([1, None, 3], "Int64")})
    rows = json.loads(records_json(df))
    assert [r["x"] for r in rows] == [1e-11, None, 12345678.123456789]
    assert rows[0]["t"] == 1704067200000 and rows[1]["v"] == [2.5] and rows[0]["v"] == [0.1, None]
    assert [r["n"] for r in rows] == [1, None, 3]
    with pytest.raises(ValueError, match="Infinity at row 1, column 'x'"):
        records_json(pd.DataFrame({"x": [0.0, -np.inf]}))
    with pytest.raises(ValueError, match="Infinity at row 0, column 'v'"):
        records_json([{"v": [1.0, float("inf")]}])


def test_users_query_skips_null_for_an_unknown_id(loopback):
    user = {"id": "u1", "username": "a@b.c", "email": "a@b.c", "enabled": True, "createdTimestamp": 1677704179667}
    srv = loopback(lambda seen: (200, {"users": {"u1": user, "nope": None}}))
    got = _s(srv.url).users.query(["u1", "nope"])
    assert srv.requests[0].json() == {"user_ids": ["u1", "nope"]}
    assert [u["id"] for u in got] == ["u1"] and got.raw["users"]["nope"] is None
    assert got.df["id"].tolist() == ["u1"] and got.df.loc[0, "created_at"] == pd.Timestamp(1677704179667, unit="ms",
                                                                                             tz="UTC")
    srv = loopback(lambda seen: (200, {"users": {"nope": None}}))
    only_null = _s(srv.url).users.query("nope")
    assert only_null == [] and only_null.df.empty


MODEL = {"id": 3, "name": "m", "owner_id": '""', "workspace_id": 7, "created_at": "2024-01-01T00:00:00Z",
         "updated_at": "2024-01-02T00:00:00Z"}


@pytest.mark.parametrize("shape", ["seed", "newer"])
def test_models_list_both_shapes_become_flat_items(loopback, shape):
    if shape == "seed":
        body = {"models": [{k: v for k, v in MODEL.items() if k != "workspace_id"}]}
    else:
        body = {"models": [{"model": MODEL, "model_versions": [{"model_version": {"id": 9}, "config": None}] * 2,
                            "workspace": {"id": 7, "name": "w"}}]}
    srv = loopback(lambda seen: (200, body))
    got = _s(srv.url).models.list(7)
    assert srv.requests[0].json() == {"workspace_id": 7}
    assert [(m["id"], m["name"]) for m in got] == [(3, "m")] and got.raw == body
    df = got.df
    assert df.loc[0, "updated_at"] == pd.Timestamp("2024-01-02", tz="UTC")
    if shape == "newer":
        assert got[0]["workspace_id"] == 7 and len(got[0]["model_versions"]) == 2
        assert df.loc[0, "num_versions"] == 2 and df.loc[0, "workspace_name"] == "w"
    else:
        assert "model_versions" not in got[0] and "num_versions" not in df
