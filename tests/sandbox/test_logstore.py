"""The columnar log store: kill -9 durability under load, old-layout migration, staging flushes, the read API."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import numpy as np
import requests
from sandbox_http import Client, deployed_pipeline, linear_onnx, uniq
from test_persistence import _free_port, _Srv, _start_cli

from wallaroo_widgets.sandbox import db, logstore
from wallaroo_widgets.sandbox.db import Store


def test_acknowledged_inferences_and_workspaces_survive_kill9_under_load(tmp_path, monkeypatch):
    """Concurrent inference (batches of 1-40 rows, staging flushed every ~150 rows) + workspace creation,
    SIGKILL mid-load, restart: every acknowledged row and workspace is there, no request is half-logged."""
    monkeypatch.setenv("WALLAROO_WIDGETS_LOG_FLUSH_ROWS", "150")
    port = _free_port()
    proc = _start_cli(tmp_path, port)
    acked: dict[int, int] = {}   # request id -> rows
    workspaces: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        c = Client(_Srv(port))
        wid = c.ok("workspaces/create", {"workspace_name": uniq("kill9")})["workspace_id"]
        p = deployed_pipeline(c, wid, linear_onnx(3)[0])

        def infer(first: int) -> None:
            rng = np.random.default_rng(first)
            rid = first
            while not stop.is_set():
                n = int(rng.integers(1, 41))
                try:
                    r = c.post(p["url"], json=[{"dense_input": [float(rid), float(i), 0.5]} for i in range(n)])
                except requests.RequestException:  # the server was killed mid-request
                    return
                if r.status_code == 200:
                    with lock:
                        acked[rid] = n
                rid += 2

        def create() -> None:
            while not stop.is_set():
                name = uniq("ws")
                try:
                    r = c.post("workspaces/create", {"workspace_name": name})
                except requests.RequestException:
                    return
                if r.status_code == 200:
                    with lock:
                        workspaces.append(name)

        threads = [threading.Thread(target=infer, args=(k,)) for k in (0, 1)] + [threading.Thread(target=create)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (sum(acked.values()) < 1500 or len(workspaces) < 20):
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        stop.set()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()
    for t in threads:
        t.join(timeout=30)
    assert sum(acked.values()) >= 1500 and len(workspaces) >= 20
    proc = _start_cli(tmp_path, port)
    try:
        c = Client(_Srv(port))
        logs = c.ok("assays/get_baseline", {"workspace_id": wid, "pipeline_name": p["pipeline"]})
        listed = {w["name"] for w in c.ok("workspaces/list", {})["workspaces"]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()
    per_request: dict[int, int] = {}
    for rec in logs:
        rid = int(rec["in.dense_input"][0])
        per_request[rid] = per_request.get(rid, 0) + 1
    assert all(per_request.get(rid) == n for rid, n in acked.items())  # every acknowledged row survived
    sizes = {len({int(r["in.dense_input"][1]) for r in logs if int(r["in.dense_input"][0]) == rid})
             for rid in per_request}
    assert all(per_request[rid] in sizes for rid in per_request)     # whole requests only, no duplicates
    assert set(workspaces) <= listed


def _target(data_dir) -> tuple[Store, dict]:
    store = Store(data_dir)
    store.ensure_user("admin@example.com", "pw", admin=True)
    return store, store.ensure_pipeline(workspace="w", pipeline="p", model="m", model_bytes=b"x")


def _old_rows(pid: int) -> list[tuple]:
    """Rows as the old per-row JSON layout wrote them (float32 outputs as shortest decimals)."""
    lm = json.dumps({"model_name": "m", "model_sha": "s"}, separators=(",", ":"))
    rows = []
    for i in range(30):
        meta = {"last_model": lm, "pipeline_version": "v1", "elapsed": [5, 0], "dropped": [], "partition": "e"}
        if i == 7:
            meta["__anomaly__"] = {"count": 1}
        out = {"dense_1": [float(str(np.float32(0.1 * i + 0.013)))]}
        rows.append((pid, 1_700_000_000_000 + (i % 10) * 1000, "m", json.dumps({"tensor": [float(i), 2.5]}),
                     json.dumps(out), json.dumps(["dense_1"]), "[]", json.dumps(meta)))
    rows.append((pid, 1_700_000_000_500, "other", json.dumps({"tensor": [99.0, None]}), json.dumps({"y": [None]}),
                 "[]", json.dumps([{"check": "x"}]), json.dumps({"last_model": '{"model_name": "other"}'})))
    return rows


def test_old_layout_logs_migrate_once_without_loss(tmp_path):
    store, t = _target(tmp_path)
    pid = t["pipeline_id"]
    with store.tx(write=True) as conn:
        conn.executemany("INSERT INTO inference_logs (pipeline_id, time_ms, model_name, in_json, out_json, "
                         "out_dtypes, check_failures, metadata_json) VALUES (?,?,?,?,?,?,?,?)", _old_rows(pid))
    Store(tmp_path)  # first start on the old layout: migrates
    again = Store(tmp_path)  # second start: nothing left to migrate, nothing duplicated
    with again.tx() as conn:
        assert conn.execute("SELECT COUNT(*) FROM inference_logs").fetchone()[0] == 0
        assert conn.execute("SELECT SUM(rows) FROM log_segments WHERE pipeline_id = ?", (pid,)).fetchone()[0] == 31
        logs = db.get_logs(conn, pid)
        times, vals = db.log_values(conn, pid, "out.dense_1", 0, model_name="m")
    # oldest first, ties in the old insert order (id)
    order = sorted(range(30), key=lambda i: (i % 10, i))
    want_times = [1_700_000_000_000 + (i % 10) * 1000 for i in order]
    assert [r["time"] for r in logs if r.get("metadata.pipeline_version")] == want_times
    assert [r["in.tensor"][0] for r in logs if r.get("metadata.pipeline_version")] == [float(i) for i in order]
    first = next(r for r in logs if r["in.tensor"][0] == 0.0)
    assert first == {"time": 1_700_000_000_000, "in.tensor": [0.0, 2.5], "out.dense_1": [0.013],
                     "check_failures": [], "metadata.last_model": '{"model_name":"m","model_sha":"s"}',
                     "metadata.pipeline_version": "v1", "metadata.elapsed": [5, 0], "metadata.dropped": [],
                     "metadata.partition": "e"}
    assert next(r for r in logs if r["in.tensor"][0] == 7.0)["anomaly.count"] == 1
    other = next(r for r in logs if r["in.tensor"][0] == 99.0)
    assert other["in.tensor"] == [99.0, None] and other["out.y"] == [None]
    assert other["check_failures"] == [{"check": "x"}]
    # float32 outputs widen exactly, as the old store did
    want = np.array([float(str(np.float32(0.1 * i + 0.013))) for i in order]).astype(np.float32).astype(np.float64)
    np.testing.assert_array_equal(vals, want)
    assert times.tolist() == want_times


def test_staging_flushes_to_segments_and_reads_are_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(logstore, "FLUSH_ROWS", 25)
    store, t = _target(tmp_path)
    rng = np.random.default_rng(5)
    outs = rng.normal(size=100).astype(np.float32)
    for lo in range(0, 100, 10):  # 10 calls of 10 rows, times interleaved across calls
        recs = [{"time": 1000 + (i * 7) % 50, "in.x": [float(i)], "out.y": [float(str(outs[i]))]}
                for i in range(lo, lo + 10)]
        with store.tx(write=True) as conn:
            db.insert_logs(conn, t["pipeline_id"], recs, {"out.y": "float32"})
    with store.tx() as conn:
        segments = conn.execute("SELECT COUNT(*) FROM log_segments").fetchone()[0]
        staged = conn.execute("SELECT COALESCE(SUM(rows), 0) FROM log_staging").fetchone()[0]
        times, vals = db.log_values(conn, t["pipeline_id"], "out.y", 0, start_ms=1010, end_ms=1030)
        table = logstore.LogStore.of(conn).read(t["pipeline_id"], ["in.x"], conn=conn)
    assert segments >= 3 and staged < 25
    order = sorted(range(100), key=lambda i: ((i * 7) % 50, i))
    assert table.column("in.x").to_pylist() == [[float(i)] for i in order]
    pick = [i for i in order if 1010 <= 1000 + (i * 7) % 50 < 1030]
    np.testing.assert_array_equal(vals, outs[pick].astype(np.float64))
    assert times.tolist() == [1000 + (i * 7) % 50 for i in pick]


def test_read_api_columns_range_and_model(tmp_path):
    store, t = _target(tmp_path)
    recs = [{"time": 100 + i, "in.a": [i, i + 1], "in.b": float(i), "out.o": [0.5 * i],
             "metadata.last_model": json.dumps({"model_name": "m" if i % 2 else "n"})} for i in range(10)]
    with store.tx(write=True) as conn:
        db.insert_logs(conn, t["pipeline_id"], recs, {})
    ls = logstore.LogStore.for_dir(tmp_path)
    table = ls.read(t["pipeline_id"], ["out.o", "in.b"], 102, 106, model_name="m")
    assert table.column_names == ["time", "out.o", "in.b"]
    assert table.column("time").to_pylist() == [103, 105]
    times, vals = logstore.values(ls.read(t["pipeline_id"], ["in.a"]), "in.a", 1)
    assert times.tolist() == list(range(100, 110)) and vals.tolist() == [float(i + 1) for i in range(10)]
    assert logstore.values(ls.read(t["pipeline_id"], ["in.b"]), "in.b", 5)[1].tolist() == [float(i) for i in range(10)]
    assert ls.read(t["pipeline_id"], ["nope"]).column_names == ["time"]
    assert ls.read(t["pipeline_id"] + 99).num_rows == 0


def test_a_failed_inference_logs_nothing(tmp_path):
    port = _free_port()
    proc = _start_cli(tmp_path, port)
    try:
        c = Client(_Srv(port))
        wid = c.ok("workspaces/create", {"workspace_name": uniq("bad")})["workspace_id"]
        p = deployed_pipeline(c, wid, linear_onnx(3)[0])
        c.ok(p["url"], json=[{"dense_input": [1.0, 2.0, 3.0]}])
        for bad in ([{"dense_input": [1.0, 2.0, 3.0]}, {"dense_input": [1.0, 2.0]}],   # ragged: the row path
                    [{"dense_input": [1.0, 2.0, 3.0]}, {"other": [1.0, 2.0, 3.0]}],   # columns differ
                    [{"dense_input": [1.0, 2.0]}] * 3):                                # numeric, wrong shape
            r = c.post(p["url"], json=bad)
            assert r.status_code == 400 and r.json()["msg"]
        logs = c.ok("assays/get_baseline", {"workspace_id": wid, "pipeline_name": p["pipeline"]})
        assert len(logs) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


def test_sliced_reads_render_the_right_rows(tmp_path):
    """A range read slices a segment in the middle: list columns must start at the slice (offsets != 0)."""
    store, t = _target(tmp_path)
    recs = [{"time": 1000 + i, "in.v": [float(i), float(i) + 0.5, -1.0], "out.o": [float(i)]} for i in range(40)]
    with store.tx(write=True) as conn:
        db.insert_logs(conn, t["pipeline_id"], recs, {})
        got = db.get_logs(conn, t["pipeline_id"], start_ms=1013, end_ms=1017)
        _, vals = db.log_values(conn, t["pipeline_id"], "in.v", 1, start_ms=1013, end_ms=1017)
    assert [r["in.v"] for r in got] == [[float(i), float(i) + 0.5, -1.0] for i in range(13, 17)]
    assert vals.tolist() == [i + 0.5 for i in range(13, 17)]


def test_a_range_read_maps_only_the_segments_it_overlaps(tmp_path, monkeypatch):
    """What the scheduler reads per tick (the new windows) costs the new rows, not the history."""
    monkeypatch.setattr(logstore, "FLUSH_ROWS", 10)
    store, t = _target(tmp_path)
    day = 86_400_000
    for d in range(5):  # five calls of 10 rows, one day each: five segments
        recs = [{"time": d * day + i * 1000, "out.o": [float(d)]} for i in range(10)]
        with store.tx(write=True) as conn:
            db.insert_logs(conn, t["pipeline_id"], recs, {})
    ls = logstore.LogStore.for_dir(tmp_path)
    ls._cache.clear()
    table = ls.read(t["pipeline_id"], ["out.o"], 3 * day, 4 * day)
    assert table.column("out.o").to_pylist() == [[3.0]] * 10
    with store.tx() as conn:
        files = dict(conn.execute("SELECT min_ms, file FROM log_segments"))
    assert len(files) == 5 and list(ls._cache) == [files[3 * day]]
