"""Unit tests of the SQLite store and the inference-log helpers (no HTTP)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from wallaroo_widgets.sandbox import db
from wallaroo_widgets.sandbox.logs import f32_shortest


@pytest.fixture
def store(tmp_path):
    s = db.Store(tmp_path)
    s.ensure_user("admin@x.io", "pw", admin=True)
    return s


def test_pragmas_and_schema(store):
    conn = store.connect()
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"users", "workspaces", "workspace_members", "models", "model_versions", "pipelines",
                "pipeline_versions", "deployments", "inference_logs", "assays", "assay_results"} <= tables
    finally:
        conn.close()


def test_f32_shortest():
    assert f32_shortest(0.9930032491683960) == 0.99300325
    assert json.dumps(f32_shortest([1.519918441772461e-06, float("nan")])) == "[1.5199184e-06, null]"
    assert f32_shortest([[1.0, 2.5]]) == [[1.0, 2.5]]


def test_insert_get_and_values_float32_exact(store):
    t = store.ensure_pipeline(workspace="w", pipeline="p", model="m", model_bytes=b"model-bytes")
    assert t["model_sha"] == hashlib.sha256(b"model-bytes").hexdigest()
    outs = np.float32([0.99300325, 1.5199184e-06, 0.25])
    recs = [{"time": 1000 + i, "in.tensor": [float(i), 0.1 + i], "out.dense_1": [float(o)], "check_failures": [],
             "metadata.last_model": json.dumps({"model_name": "m", "model_sha": "s"}), "metadata.elapsed": [1, 2]}
            for i, o in enumerate(outs)]
    recs.append({**recs[0], "time": 5000, "metadata.last_model": json.dumps({"model_name": "other"})})
    with store.tx(write=True) as conn:
        assert db.insert_logs(conn, t["pipeline_id"], recs, {"out.dense_1": "float32"}) == 4
    with store.tx() as conn:
        got = db.get_logs(conn, t["pipeline_id"], start_ms=1000, end_ms=1002)
        assert [r["time"] for r in got] == [1000, 1001]
        assert list(got[0]) == ["time", "in.tensor", "out.dense_1", "check_failures", "metadata.last_model",
                                "metadata.elapsed"]
        assert got[0]["out.dense_1"] == [0.99300325] and json.dumps(got[1]["out.dense_1"]) == "[1.5199184e-06]"
        assert len(db.get_logs(conn, t["pipeline_id"], model_name="m")) == 3
        assert len(db.get_logs(conn, t["pipeline_id"], limit=2)) == 2
        times, vals = db.log_values(conn, t["pipeline_id"], "out.dense_1", 0, model_name="m")
        np.testing.assert_array_equal(times, [1000, 1001, 1002])
        np.testing.assert_array_equal(vals, outs.astype(np.float64))   # exact widening, not the decimal
        assert vals[0] != 0.99300325
        times, vals = db.log_values(conn, t["pipeline_id"], "in.tensor", 1, start_ms=1001)
        np.testing.assert_array_equal(vals, [1.1, 2.1, 0.1])
        assert db.log_values(conn, t["pipeline_id"], "in.tensor", 7)[1].size == 0
        with pytest.raises(ValueError, match="path"):
            db.log_values(conn, t["pipeline_id"], "dense_1", 0)


def test_model_ids_in_step_and_content_addressed_files(store, tmp_path):
    with store.tx(write=True) as conn:
        admin = db.get_user(conn, email="admin@x.io")
        wid = db.create_workspace(conn, "ws", admin["id"])
        m1, v1 = db.add_model_version(conn, wid, "a", admin["id"], "sha1", "a.onnx", 1)
        m1b, v1b = db.add_model_version(conn, wid, "a", admin["id"], "sha2", "a.onnx", 1)
        m2, v2 = db.add_model_version(conn, wid, "b", admin["id"], "sha3", "b.onnx", 1)
        with pytest.raises(ValueError, match="already exists"):
            db.create_workspace(conn, "ws", admin["id"])
    assert m1 == v1 and m1b == m1 and v1b == v1 + 1 and m2 == v2 and m2 > v1b
    sha = store.write_model_file(b"abc")
    assert store.model_path(sha).read_bytes() == b"abc" and store.write_model_file(b"abc") == sha
    assert not list((tmp_path / "models").glob(".upload-*"))


def test_ensure_pipeline_deploys_and_is_idempotent(store):
    a = store.ensure_pipeline(workspace="w2", pipeline="p2", model="m2", model_bytes=b"x", deploy=True)
    b = store.ensure_pipeline(workspace="w2", pipeline="p2", model="m2", deploy=True)
    assert a == b
    with store.tx() as conn:
        dep = db.active_deployment(conn, a["pipeline_id"])
        assert dep["deploy_id"] == "p2" and len(dep["model_version_ids"]) == 1
        assert conn.execute("SELECT COUNT(*) FROM deployments").fetchone()[0] == 1
    bob = store.ensure_user("bob@x.io", "pw")
    store.add_member(a["workspace_id"], bob["id"], "collaborator")
    with store.tx() as conn:
        row = conn.execute("SELECT user_type FROM workspace_members WHERE user_id = ? AND workspace_id = ?",
                           (bob["id"], a["workspace_id"])).fetchone()
        assert row[0] == "COLLABORATOR"
        assert conn.execute("SELECT name FROM workspaces WHERE created_by = ?", (bob["id"],)).fetchone()[0] == \
            "bob@x.io - Default Workspace"


def test_password_hashing():
    h = db.hash_password("s3cret")
    assert "s3cret" not in h and db.check_password("s3cret", h) and not db.check_password("other", h)
    assert not db.check_password("x", "garbage")


def test_non_finite_and_numpy_values_are_stored_as_json(store):
    t = store.ensure_pipeline(workspace="w3", pipeline="p3", model="m3", model_bytes=b"y")
    rec = {"time": 1, "in.x": [float("nan"), np.float64(2.5)], "out.y": [float("inf")], "metadata.n": np.int64(3)}
    with store.tx(write=True) as conn:
        db.insert_logs(conn, t["pipeline_id"], [rec], {})
        got = db.get_logs(conn, t["pipeline_id"])
    assert got == [{"time": 1, "in.x": [None, 2.5], "out.y": [None], "check_failures": [], "metadata.n": 3}]


def test_store_log_api_by_names(store):
    import datetime as dt

    t = store.ensure_pipeline(workspace="w4", pipeline="p4", model="m4", model_bytes=b"z")
    recs = [{"time": 1_700_000_000_000 + i * 1000, "in.tensor": [float(i), 2.0 * i], "out.dense_1": [0.1 * i],
             "metadata.last_model": json.dumps({"model_name": "m4"})} for i in range(5)]
    with store.tx(write=True) as conn:
        db.insert_logs(conn, t["pipeline_id"], recs, {"out.dense_1": "float32"})
    start = dt.datetime.fromtimestamp(1_700_000_001, dt.timezone.utc)
    got = store.inference_logs(t["workspace_id"], "p4", start=start, end="2023-11-14T22:13:24Z", limit=10)
    assert [r["time"] for r in got] == [1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_000]
    times, vals = store.iopath_values(t["workspace_id"], "p4", "input tensor 1", model_name="m4")
    np.testing.assert_array_equal(vals, [0.0, 2.0, 4.0, 6.0, 8.0])
    assert len(times) == 5 and times.dtype == np.int64
    _, outs = store.iopath_values(t["workspace_id"], "p4", "output dense_1 0")
    np.testing.assert_array_equal(outs, np.float32([0.0, 0.1, 0.2, 0.30000000000000004, 0.4]).astype(np.float64))
    assert store.inference_logs(t["workspace_id"], "nope") == []
    assert store.iopath_values(t["workspace_id"], "nope", "output dense_1 0")[1].size == 0
    with pytest.raises(ValueError, match="iopath"):
        store.iopath_values(t["workspace_id"], "p4", "dense_1")
