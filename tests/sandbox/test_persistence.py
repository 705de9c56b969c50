"""Restart persistence (same data dir) and durability after SIGKILL of a CLI-started server."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time

import requests
from sandbox_http import Client, deployed_pipeline, linear_onnx, new_user, token, uniq

from wallaroo_widgets.sandbox import SandboxServer


def test_restart_keeps_users_workspaces_models_deployments_logs_and_key(tmp_path):
    model = linear_onnx(29, sigmoid=True)[0]
    with SandboxServer(tmp_path, deploy_delay=0) as srv:
        admin = Client(srv)
        _, email, pw = new_user(admin)
        user = Client(srv, email, pw)
        wname = uniq("persist")
        wid = user.ok("workspaces/create", {"workspace_name": wname})["workspace_id"]
        p = deployed_pipeline(user, wid, model)
        first = user.ok(p["url"], json=[{"dense_input": [0.5] * 29}])
        old_token = user.access_token
    key = tmp_path / "realm-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with SandboxServer(tmp_path, deploy_delay=0) as srv:
        user = Client(srv, email, pw)
        assert {w["name"] for w in user.ok("workspaces/list")["workspaces"]} >= {wname}
        assert p["model_id"] in [m["id"] for m in user.ok("models/list", {"workspace_id": wid})["models"]]
        assert user.ok("status/get_deployment", {"name": p["status_name"]})["status"] == "Running"
        url = user.ok("admin/get_pipeline_external_url", {"workspace_id": wid, "pipeline_name": p["pipeline"]})["url"]
        again = user.ok(url, json=[{"dense_input": [0.5] * 29}])
        assert again[0]["out"] == first[0]["out"]
        logs = user.ok("assays/get_baseline", {"workspace_id": wid, "pipeline_name": p["pipeline"]})
        assert [rec["time"] for rec in logs] == [first[0]["time"], again[0]["time"]]
        # tokens issued before the restart still verify (the realm key persisted)
        assert Client(srv, access_token=old_token).ok("workspaces/list", {})["workspaces"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_cli(data_dir, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "wallaroo_widgets.cli", "sandbox", "--port", str(port),
                             "--data-dir", str(data_dir), "--deploy-delay", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/v1/api/config", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stdout.read().decode() if proc.stdout else "cli did not start")


class _Srv:
    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.admin_email, self.admin_password, self.client_secret = "admin@wallaroo.local", "admin", "sandbox-secret"


def test_acknowledged_writes_survive_sigkill(tmp_path):
    port = _free_port()
    proc = _start_cli(tmp_path, port)
    try:
        srv = _Srv(port)
        c = Client(srv)
        names = [uniq("durable") for _ in range(5)]
        for n in names:
            c.ok("workspaces/create", {"workspace_name": n})
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()
    proc = _start_cli(tmp_path, port)
    try:
        listed = {w["name"] for w in Client(_Srv(port)).ok("workspaces/list", {})["workspaces"]}
        assert set(names) <= listed
        assert token(_Srv(port))["access_token"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


def _results(c: Client, aid: int) -> list[dict]:
    return c.ok("assays/get_assay_results", {"assay_id": aid})


def _wait_for(fn, deadline_s: float = 30):
    deadline = time.monotonic() + deadline_s
    while not (value := fn()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return value


def test_restart_keeps_assays_results_and_the_scheduler_cursor(tmp_path):
    import pandas as pd

    from wallaroo_widgets.sandbox import assay_store, db

    start = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=4)).floor("h")
    with SandboxServer(tmp_path, deploy_delay=0, assay_tick=0.1) as srv:
        c = Client(srv)
        wid = c.ok("workspaces/create", {"workspace_name": uniq("restart")})["workspace_id"]
        p = deployed_pipeline(c, wid, linear_onnx(2)[0])
        pid = p["created"]["pipeline_pk_id"]
        t0 = int(start.value // 1_000_000)
        with srv.store.tx(write=True) as conn:  # four closed hourly windows of logged outputs
            db.insert_logs(conn, pid, [{"time": t0 + i * 600_000, "in.x": [1.0], "out.y": [0.1 * (i % 7)]}
                                       for i in range(24)], {"out.y": "float32"})
        window = {"pipeline_name": p["pipeline"], "path": "output y 0", "width": "1 hour", "start": start.isoformat(),
                  "workspace_id": wid}
        aid = c.ok("assays/create", {"name": uniq("kept"), "pipeline_id": pid, "window": window,
                                     "baseline": {"vector": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
                                     "summarizer": {"num_bins": 5}, "alert_threshold": 0.25,
                                     "run_until": (start + pd.Timedelta(hours=4)).isoformat()})["assay_id"]
        before = _wait_for(lambda: (r := _results(c, aid)) and len(r) == 4 and r)
        listed = c.ok("assays/list", {"pipeline_id": pid})
        with srv.store.tx() as conn:
            cursor = assay_store.get_assay(conn, aid)["cursor_ms"]
    assert cursor == t0 + 3 * 3_600_000  # the last scored window's start
    with SandboxServer(tmp_path, deploy_delay=0, assay_tick=0.1) as srv:
        c = Client(srv)
        srv.app.state.assay_scheduler.wake()
        time.sleep(0.5)  # several scheduler passes on the restored data
        assert srv.app.state.assay_scheduler.run_once() == 0  # nothing new to score
        assert _results(c, aid) == before  # same ids, same windows: nothing scored twice
        assert c.ok("assays/list", {"pipeline_id": pid}) == listed
        with srv.store.tx() as conn:
            assert assay_store.get_assay(conn, aid)["cursor_ms"] == cursor
