"""SandboxServer lifecycle, demo seeding through the server, and concurrent clients."""

from __future__ import annotations

import socket
import threading

import requests
from sandbox_http import Client, deployed_pipeline, linear_onnx, uniq

from wallaroo_widgets.sandbox import SandboxServer


def test_lifecycle_free_port_temp_dir_and_repr():
    srv = SandboxServer(admin_password="pw-not-in-repr", client_secret="secret-not-in-repr", deploy_delay=0)
    with srv:
        assert srv.port and srv.url == f"http://127.0.0.1:{srv.port}"
        assert requests.get(srv.url + "/v1/api/config", timeout=10).json()["default_arch"] == "x86"
        data_dir = srv.data_dir
        assert (data_dir / "sandbox.db").exists()
        assert "pw-not-in-repr" not in repr(srv) and "secret-not-in-repr" not in repr(srv)
        port = srv.port
    assert not data_dir.exists()  # temporary data dir removed
    with socket.socket() as s:  # the port is free again
        s.bind(("127.0.0.1", port))


def test_demo_flag_seeds_through_the_server(tmp_path):
    from wallaroo_widgets.sandbox import demo

    with SandboxServer(tmp_path, demo=True, deploy_delay=0) as srv:
        email, password = demo.DEMO_USERS[0]
        alice = Client(srv, email, password)
        ws = next(w for w in alice.ok("workspaces/list", {})["workspaces"] if w["name"] == demo.WORKSPACE_NAME)
        logs = alice.ok("assays/get_baseline", {"workspace_id": ws["id"], "pipeline_name": demo.PIPELINE_NAME,
                                                "limit": 5})
        assert len(logs) >= 5 and "out.variable" in logs[0]
        assays = alice.ok("assays/list", {"pipeline_id": ws["pipelines"][0]})
        assert [a["name"] for a in assays] == [demo.ASSAY_NAME]
    with SandboxServer(tmp_path, demo=True, deploy_delay=0) as srv:  # idempotent on restart
        alice = Client(srv, email, password)
        names = [w["name"] for w in alice.ok("workspaces/list", {})["workspaces"]]
        assert names.count(demo.WORKSPACE_NAME) == 1


def test_concurrent_writes_and_inference_are_safe(sandbox):
    admin = Client(sandbox)
    wid = admin.ok("workspaces/create", {"workspace_name": uniq("conc")})["workspace_id"]
    p = deployed_pipeline(admin, wid, linear_onnx(29, sigmoid=True)[0])
    names = [uniq("c") for _ in range(24)]
    failures: list[str] = []
    times: list[int] = []

    def create(chunk: list[str]) -> None:
        for n in chunk:
            r = admin.post("workspaces/create", {"workspace_name": n})
            if r.status_code != 200:
                failures.append(r.text)

    def infer() -> None:
        for _ in range(5):
            r = admin.post(p["url"], json=[{"dense_input": [0.2] * 29}] * 20)
            if r.status_code != 200:
                failures.append(r.text)
            else:
                times.append(r.json()[0]["time"])

    threads = [threading.Thread(target=create, args=(names[i::4],)) for i in range(4)]
    threads += [threading.Thread(target=infer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and len(times) == 15
    listed = {w["name"] for w in admin.ok("workspaces/list", {})["workspaces"]}
    assert set(names) <= listed
    logs = admin.ok("assays/get_baseline", {"workspace_id": wid, "pipeline_name": p["pipeline"]})
    assert len(logs) == 15 * 20
