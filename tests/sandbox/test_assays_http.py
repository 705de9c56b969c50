"""V1 assay endpoints over real HTTP against the shared ``sandbox`` fixture (tests/conftest.py; assay tick
0.2 s): shapes, float32 artefact, scheduler, authorization, import-logs on the live data dir."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from testkit import deploy_model, uniq

from wallaroo_widgets import Session, errors
from wallaroo_widgets.sandbox import onnx_models

DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials"
SUMM = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
        "num_bins": 5, "bin_weights": None, "provided_edges": None}
RESULT_KEYS = {"id", "assay_id", "window_start", "analyzed_at", "elapsed_millis", "pipeline_id", "workspace_id",
               "workspace_name", "baseline_summary", "window_summary", "warning_threshold", "alert_threshold",
               "score", "scores", "bin_index", "summarizer", "status", "created_at"}
SUMMARY_KEYS = {"count", "min", "max", "mean", "median", "std", "edges", "edge_names", "aggregated_values",
                "aggregation", "start", "end"}
LIST_KEYS = {"id", "name", "active", "status", "warning_threshold", "alert_threshold", "pipeline_id",
             "pipeline_name", "last_run", "next_run", "run_until", "updated_at", "baseline", "window", "summarizer",
             "workspace_id", "workspace_name"}


def admin(sandbox) -> Session:
    return Session.password(sandbox.url, sandbox.admin_email, sandbox.admin_password,
                            client_secret=sandbox.client_secret)


def raw_post(s: Session, verb: str, body) -> requests.Response:
    """A POST with the session's token but no client-side checks (for bad-input tests)."""
    return requests.post(f"{s.url}/v1/api/assays/{verb}", json=body, timeout=30,
                         headers=s.provider.auth_header())


@pytest.fixture(scope="module")
def ctx(sandbox, tmp_path_factory):
    """A deployed ccfraud-style pipeline that inferred the 1001 tutorial rows once (one log batch)."""
    s = admin(sandbox)
    path = tmp_path_factory.mktemp("m") / "ccfraud.onnx"
    path.write_bytes(onnx_models.ccfraud_onnx())
    pipe = deploy_model(s, s.workspaces.create(uniq("assays"))["workspace_id"], path, pipeline_prefix="assaypipe")
    wid, name, created, model = pipe["wid"], pipe["name"], pipe["created"], pipe["model"]
    url = s.pipelines.external_url(wid, name)
    rows = pd.read_json(DATA / "ccfraud" / "cc_data_api_1k.df.json", orient="records")
    out = s.pipelines.infer_records(url, rows)
    outputs = [r["out"]["dense_1"][0] for r in out]   # float32 shortest decimals, as JSON gives them
    row_time = pd.Timestamp(out[0]["time"], unit="ms", tz="UTC")
    assert all(r["time"] == out[0]["time"] for r in out)  # one request, one log time
    t0 = row_time - pd.Timedelta(seconds=2)                # windows of 5 s: [t0, t0 + 5 s) holds the rows
    time.sleep(max(0.0, (t0 + pd.Timedelta(seconds=5.1) - pd.Timestamp.now(tz="UTC")).total_seconds()))
    return {"s": s, "wid": wid, "name": name, "pid": created["pipeline_pk_id"], "model": model["name"],
            "t0": t0, "outputs": outputs, "sandbox": sandbox}


def window(c, **kw) -> dict:
    return {"pipeline_name": c["name"], "model_name": c["model"], "path": "output dense_1 0", "width": "5 seconds",
            "interval": "5 seconds", "start": c["t0"].isoformat(), "workspace_id": c["wid"], "locations": [], **kw}


def config(c, baseline: dict, **kw) -> dict:
    return {"name": uniq("assay"), "pipeline_id": c["pid"], "pipeline_name": c["name"], "active": False,
            "status": "created", "baseline": baseline, "window": window(c), "summarizer": SUMM,
            "warning_threshold": None, "alert_threshold": 0.25, "workspace_id": c["wid"], "run_until": None, **kw}


def test_get_baseline_is_the_flat_log_oldest_first(ctx):
    s = ctx["s"]
    logs = s.assays.get_baseline(ctx["wid"], ctx["name"], ctx["t0"], ctx["t0"] + pd.Timedelta(minutes=5))
    assert len(logs) == 1001
    first = logs[0]
    assert {"time", "in.dense_input", "out.dense_1", "check_failures"} <= set(first)
    assert isinstance(first["time"], int) and len(first["in.dense_input"]) == 29
    assert [r["out.dense_1"][0] for r in logs] == ctx["outputs"]  # float32 shortest form, same as inference
    assert [r["time"] for r in logs] == sorted(r["time"] for r in logs)
    limited = s.assays.get_baseline(ctx["wid"], ctx["name"], ctx["t0"], limit=3)
    assert len(limited) == 3
    # the 2026.1.3 body (locations required, next optional) reads the same records
    newer = raw_post(s, "get_baseline", {"workspace_id": ctx["wid"], "pipeline_name": ctx["name"], "limit": 3,
                                         "start": ctx["t0"].isoformat(), "locations": [], "next": None})
    assert newer.status_code == 200 and newer.json() == limited.raw
    assert s.assays.get_baseline(ctx["wid"], ctx["name"], ctx["t0"] - pd.Timedelta(hours=2),
                                 ctx["t0"] - pd.Timedelta(hours=1)) == []


def test_summarize_vector_and_fixed_window(ctx):
    s = ctx["s"]
    vec = s.assays.summarize(SUMM, {"vector": ctx["outputs"]})
    assert set(vec) == SUMMARY_KEYS and vec["start"] is None and vec["end"] is None
    assert vec["count"] == 1001 and vec["edges"][-1] is None and len(vec["edge_names"]) == 7
    assert vec["min"] == min(ctx["outputs"]) and vec["edges"][1] in ctx["outputs"]  # edges are the decimals sent
    fixed = s.assays.summarize(SUMM, {"fixed_window": window(ctx, width="10 seconds")})
    assert fixed["count"] == 1001
    assert pd.Timestamp(fixed["end"]) - pd.Timestamp(fixed["start"]) == pd.Timedelta(seconds=10)
    widened = [float(np.float32(v)) for v in ctx["outputs"]]
    assert fixed["min"] == min(widened) and fixed["edges"][1] in widened  # exact float64 widening
    assert fixed["mean"] == pytest.approx(float(np.mean(widened)), rel=1e-12)


def test_float32_artefact_vector_vs_fixed_window(ctx):
    """assay-math §8: vector baseline from JSON outputs scores the logged float32 window > 0; fixed_window 0."""
    s = ctx["s"]
    vec = s.assays.summarize(SUMM, {"vector": ctx["outputs"]})
    r_vec = s.assays.run_interactive(config(ctx, {"static": vec}, id=77))
    r_fix = s.assays.run_interactive(config(ctx, {"calculated": {"fixed_window": window(ctx)}}))
    assert len(r_vec) == 1 and len(r_fix) == 1
    rv, rf = r_vec[0], r_fix[0]
    assert set(rv) >= RESULT_KEYS and rv["id"] is None and rv["created_at"] is None and rv["assay_id"] == 77
    assert rf["score"] == 0.0 and rf["status"] == "Ok"
    assert 0 < rv["score"] < 1e-4 and rv["status"] == "Ok"
    assert rv["window_summary"]["count"] == 1001 and rv["window_summary"]["edges"] == vec["edges"]
    assert rv["window_summary"]["edge_names"][1].startswith("e_")
    assert rv["score"] == pytest.approx(sum(rv["scores"]), rel=1e-12)
    ws = rv["window_summary"]
    assert pd.Timestamp(ws["end"]) - pd.Timestamp(ws["start"]) == pd.Timedelta(seconds=5)


def test_create_list_set_active_duplicate(ctx):
    s = ctx["s"]
    vec = s.assays.summarize(SUMM, {"vector": ctx["outputs"]})
    cfg = config(ctx, {"static": vec})
    aid = s.assays.create(cfg)["assay_id"]
    with pytest.raises(errors.ValidationError) as ei:
        s.assays.create(cfg)
    assert ei.value.status == 400 and "assay name already exists" in ei.value.msg
    listed = s.assays.list(ctx["pid"]).raw
    mine = next(a for a in listed if a["id"] == aid)
    assert set(mine) >= LIST_KEYS and mine["warning_threshold"] is None and mine["status"] == "created"
    assert mine["window"]["width"] == "5 seconds" and mine["window"]["path"] == "output dense_1 0"
    assert mine["baseline"] == {"static": vec} and "bin_width" not in mine["summarizer"]
    second = s.assays.create(config(ctx, {"static": vec}))["assay_id"]
    ids = [a["id"] for a in s.assays.list(ctx["pid"]).raw]
    assert ids.index(second) < ids.index(aid)  # newest first
    assert s.assays.set_active(aid, True) == {"id": aid, "active": True}
    assert next(a for a in s.assays.list(ctx["pid"]).raw if a["id"] == aid)["active"] is True
    assert s.assays.set_active(aid, False) == {"id": aid, "active": False}
    by_id = raw_post(s, "get_assay_by_id", {"id": aid}).json()
    listed = next(a for a in s.assays.list(ctx["pid"]).raw if a["id"] == aid)
    assert set(by_id) == set(listed)
    stable = ("id", "name", "active", "baseline", "window", "summarizer", "pipeline_id", "workspace_name")
    assert {k: by_id[k] for k in stable} == {k: listed[k] for k in stable}  # the scheduler may touch the rest
    filtered = raw_post(s, "filter", {"pipeline_id": ctx["pid"], "sort_by": "id", "name": cfg["name"][-8:],
                                      "active": False}).json()
    assert [a["id"] for a in filtered] == [aid]
    assert raw_post(s, "filter", {"pipeline_id": ctx["pid"], "sort_by": "colour"}).status_code == 400


def test_seed000_dialect_fixed_baseline_and_baseline_run(ctx):
    s = ctx["s"]
    cfg = {"name": uniq("seed0"), "pipeline_id": ctx["pid"], "pipeline_name": ctx["name"], "active": False,
           "status": "active", "iopath": "output dense_1 0",
           "baseline": {"Fixed": {"pipeline": ctx["name"], "model": ctx["model"],
                                  "start_at": ctx["t0"].isoformat(),
                                  "end_at": (ctx["t0"] + pd.Timedelta(minutes=1)).isoformat()}},
           "window": {"pipeline": ctx["name"], "model": ctx["model"], "width": "5 seconds",
                      "start": ctx["t0"].isoformat()},
           "summarizer": {**SUMM, "add_outlier_edges": True, "bin_width": None}, "alert_threshold": 0.25,
           "warning_threshold": 0.0}
    aid = s.assays.create(cfg)["assay_id"]
    listed = next(a for a in s.assays.list(ctx["pid"]).raw if a["id"] == aid)
    assert listed["window"]["pipeline_name"] == ctx["name"] and listed["window"]["path"] == "output dense_1 0"
    base = s.assays.run_interactive_baseline({**cfg, "id": aid})
    assert base["status"] == "BaselineRun" and base["score"] == 0 and base["scores"] == [0.0] * 7
    assert base["baseline_summary"] == base["window_summary"] and base["baseline_summary"]["count"] == 1001
    res = s.assays.run_interactive({**cfg, "id": aid})
    assert len(res) == 1 and res[0]["score"] == 0.0 and res[0]["status"] == "Warning"  # warning 0 -> always


def _wait_results(s, aid, n, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        got = s.assays.get_assay_results(aid)
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_scheduler_stores_past_windows_once(ctx):
    """Start 3 minutes in the past: windows closed by now are scored at once; stored score is float32."""
    s = ctx["s"]
    vec = s.assays.summarize(SUMM, {"vector": ctx["outputs"]})
    start = ctx["t0"] - pd.Timedelta(minutes=2)
    cfg = config(ctx, {"static": vec}, active=True, window=window(ctx, start=start.isoformat()),
                 run_until=(start + pd.Timedelta(minutes=3)).isoformat())
    aid = s.assays.create(cfg)["assay_id"]
    # 5-second windows from t0 - 2 min: all empty but [t0, t0 + 5 s), which holds the 1001 rows
    interactive = s.assays.run_interactive({**cfg, "id": aid})
    expected = [r for r in interactive if pd.Timestamp(r["window_summary"]["end"]) <= pd.Timestamp(cfg["run_until"])]
    assert len(expected) == 1
    got = _wait_results(s, aid, len(expected), timeout=10)
    assert len(got) == len(expected)
    for stored, live in zip(got, expected, strict=True):
        assert set(stored) >= RESULT_KEYS and stored["assay_id"] == aid and isinstance(stored["id"], int)
        assert stored["window_start"] == live["window_start"] and stored["created_at"]
        assert stored["score"] == float(str(np.float32(live["score"])))  # float32 in storage
        assert stored["scores"] == live["scores"]
        assert stored["pipeline_id"] == ctx["pid"] and stored["workspace_id"] == ctx["wid"]
    same = s.assays.get_results(aid)
    assert [r["id"] for r in same] == [r["id"] for r in got]
    listed = next(a for a in s.assays.list(ctx["pid"]) if a["id"] == aid)
    assert listed["num_ok"] == len(got) and json.loads(listed["status"])["num_alerts"] == 0
    later = s.assays.get_assay_results(aid, start=pd.Timestamp(got[0]["window_start"]) + pd.Timedelta(seconds=1))
    assert len(later) == len(got) - 1


def test_scheduled_results_within_seconds(ctx):
    """1-second windows starting now: the scheduler stores results as the windows close."""
    s = ctx["s"]
    vec = s.assays.summarize(SUMM, {"vector": ctx["outputs"]})
    start = pd.Timestamp.now(tz="UTC")
    cfg = config(ctx, {"static": vec}, active=True,
                 window=window(ctx, start=start.isoformat(), width="1 second", interval="1 second"))
    aid = s.assays.create(cfg)["assay_id"]
    url = s.pipelines.external_url(ctx["wid"], ctx["name"])
    rows = pd.read_json(DATA / "ccfraud" / "cc_data_api_1k.df.json", orient="records").head(50)
    s.pipelines.infer(url, rows)
    got = _wait_results(s, aid, 1, timeout=10)
    assert len(got) >= 1 and got[0]["window_summary"]["count"] >= 1
    assert pd.Timestamp(got[0]["window_start"]) >= start


def test_bad_input_is_400_naming_the_field(ctx):
    s = ctx["s"]
    good = config(ctx, {"calculated": {"fixed_window": window(ctx)}})
    cases = [
        ("create", {**good, "name": ""}, "name"),
        ("create", {**good, "window": {**window(ctx), "width": "soon"}}, "window.width"),
        ("create", {**good, "summarizer": {**SUMM, "metric": "KL"}}, "summarizer"),
        ("create", {**good, "baseline": {"nope": {}}}, "baseline"),
        ("create", {**good, "alert_threshold": "high"}, "alert_threshold"),
        ("run_interactive", {**good, "run_until": "tomorrow"}, "run_until"),
        ("summarize", {"summarizer": SUMM, "baseline": {"vector": []}}, "baseline.vector"),
        ("summarize", {"summarizer": SUMM}, "baseline"),
        ("set_active", {"id": 1, "active": "yes"}, "active"),
        ("get_assay_results", {"assay_id": "x"}, "assay_id"),
        ("get_results", {"assay_id": 1, "start": "later"}, "start"),
        ("get_baseline", {"workspace_id": ctx["wid"]}, "pipeline_name"),
        ("get_baseline", {"workspace_id": ctx["wid"], "pipeline_name": ctx["name"], "locations": "edge-1"},
         "locations"),
        ("get_baseline", {"workspace_id": ctx["wid"], "pipeline_name": ctx["name"], "next": {"p": "x"}}, "next"),
        ("list", {"pipeline_id": "abc"}, "pipeline_id"),
        ("create", {**good, "pipeline_id": 10**30}, "pipeline_id"),
        ("create", {**good, "window": {**window(ctx), "start": "2999-01-01T00:00:00Z"}}, "window.start"),
        ("run_interactive", {**good, "window": {**window(ctx), "width": "100000 weeks"}}, "window.width"),
        ("run_interactive", {**good, "window": {**window(ctx), "width": "1 ms", "interval": "1 ms",
                                                "start": "2000-01-01T00:00:00Z"}}, "windows"),
        ("summarize", {"summarizer": {**SUMM, "num_bins": 0}, "baseline": {"vector": [1.0]}}, "num_bins"),
        ("run_interactive", {**good, "baseline": {"static": {"edges": ["x"] * 7, "aggregated_values": [0] * 7}}},
         "baseline"),
    ]
    for verb, body, field in cases:
        r = raw_post(s, verb, body)
        assert r.status_code == 400, (verb, r.status_code, r.text)
        assert r.json()["code"] == 400 and field in r.json()["msg"], (verb, r.json())
    for verb in ("create", "list", "get_results", "summarize"):
        r = requests.post(f"{s.url}/v1/api/assays/{verb}", data="{not json", timeout=10,
                          headers={"Authorization": f"Bearer {s.provider.access_token()}",
                                   "Content-Type": "application/json"})
        assert r.status_code == 400 and "msg" in r.json()
    r = raw_post(s, "get_assay_results", {"assay_id": 987654})
    assert r.status_code == 404
    # NaN is not JSON: Python's parser accepts the token, the server refuses it
    r = requests.post(f"{s.url}/v1/api/assays/summarize", timeout=10,
                      data='{"summarizer": ' + json.dumps(SUMM) + ', "baseline": {"vector": [1.0, NaN]}}',
                      headers={**s.provider.auth_header(), "Content-Type": "application/json"})
    assert r.status_code == 400 and "baseline.vector" in r.json()["msg"]


def test_only_workspace_members_see_assays(ctx):
    s, sandbox = ctx["s"], ctx["sandbox"]
    aid = s.assays.create(config(ctx, {"calculated": {"fixed_window": window(ctx)}}))["assay_id"]
    email, password = f"{uniq('outsider')}@example.com", "outsider-pw-1"
    s.users.invite(email, password)
    other = Session.password(sandbox.url, email, password, client_secret=sandbox.client_secret)
    assert all(a["id"] != aid for a in other.assays.list().raw)
    assert s.assays.list().raw and any(a["id"] == aid for a in s.assays.list().raw)
    with pytest.raises(errors.NotFoundError):
        other.assays.list(ctx["pid"])
    for call in (lambda: other.assays.get_assay_results(aid), lambda: other.assays.get_results(aid),
                 lambda: other.assays.set_active(aid, True),
                 lambda: other.assays.get_baseline(ctx["wid"], ctx["name"]),
                 lambda: other.assays.run_interactive(config(ctx, {"calculated": {"fixed_window": window(ctx)}})),
                 lambda: other.assays.summarize(SUMM, {"fixed_window": window(ctx)})):
        with pytest.raises((errors.NotFoundError, errors.PermissionDeniedError)):
            call()
    s.workspaces.add_user(ctx["wid"], email)
    assert len(other.assays.get_assay_results(aid)) == 0  # member now: allowed


def test_requires_a_token(ctx):
    r = requests.post(f"{ctx['s'].url}/v1/api/assays/list", json={}, timeout=10)
    assert r.status_code == 401 and r.json()["code"] == 401


def test_windows_respect_run_until(ctx):
    s = ctx["s"]
    start = ctx["t0"] - pd.Timedelta(minutes=10)
    cfg = config(ctx, {"calculated": {"fixed_window": window(ctx)}},
                 window=window(ctx, start=start.isoformat()),
                 run_until=(start + pd.Timedelta(minutes=5)).isoformat())
    assert s.assays.run_interactive(cfg) == []  # the logged rows are after run_until
    cfg["run_until"] = None
    res = s.assays.run_interactive(cfg)
    assert len(res) == 1 and pd.Timestamp(res[0]["window_start"]) <= ctx["t0"]
    assert dt.timedelta(0) <= ctx["t0"] - pd.Timestamp(res[0]["window_start"]) < dt.timedelta(minutes=1)


def test_import_logs_while_the_server_runs_round_trips(ctx, tmp_path):
    """get_baseline export -> import-logs CLI on the live data dir -> identical records and scores over HTTP."""
    from wallaroo_widgets.sandbox import import_logs

    s = ctx["s"]
    exported = s.assays.get_baseline(ctx["wid"], ctx["name"], ctx["t0"], ctx["t0"] + pd.Timedelta(seconds=5)).raw
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in exported))
    ws_name = next(w["name"] for w in s.workspaces.list() if w["id"] == ctx["wid"])
    new_pipe = uniq("imported")
    assert import_logs.main(["--data-dir", str(ctx["sandbox"].data_dir), "--workspace", ws_name, "--pipeline",
                             new_pipe, "--model", ctx["model"], str(path)]) == 0
    again = s.assays.get_baseline(ctx["wid"], new_pipe, ctx["t0"], ctx["t0"] + pd.Timedelta(seconds=5)).raw
    assert again == exported
    vec = s.assays.summarize(SUMM, {"vector": ctx["outputs"]})
    a = s.assays.run_interactive(config(ctx, {"static": vec}))
    b = s.assays.run_interactive(config(ctx, {"static": vec}, pipeline_name=new_pipe, pipeline_id=None,
                                        window=window(ctx, pipeline_name=new_pipe)))
    assert len(a) == len(b) == 1 and a[0]["score"] == b[0]["score"] > 0 and a[0]["scores"] == b[0]["scores"]
