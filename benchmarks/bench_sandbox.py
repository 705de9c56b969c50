"""Sandbox throughput: requests/s and p50/p99 latency with concurrent loopback clients.

Measured against the real sandbox CLI in a subprocess (uvicorn + SQLite on a temp dir, ``--demo`` data):
``workspaces/list``, inference of 1,000 ccfraud-shaped rows, and ``assays/run_interactive`` (V1) and
``/v2/api/assays/preview`` (V2) over a month of hourly windows of the demo pipeline. Bounded loops; loopback only. ``main()`` prints a table and
writes ``benchmarks/results/bench_sandbox.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import requests
from _bench import SandboxProcess

HERE = Path(__file__).resolve().parent
CCFRAUD_1K = HERE.parent / "tests" / "data" / "wallaroo_tutorials" / "ccfraud" / "cc_data_api_1k.df.json"
TOKEN_PATH = "/auth/realms/master/protocol/openid-connect/token"
ASSAY_REQUESTS = 8  # per client thread, for each of the two assay rows (720 windows each)


def _token(url: str, user: str, password: str, secret: str) -> str:
    r = requests.post(url + TOKEN_PATH, data={"grant_type": "password", "username": user, "password": password},
                      auth=("api-client", secret), timeout=30)
    r.raise_for_status()
    return r.json()["access_token"]


def _server_cpu_s(pid: int | None) -> float | None:
    """CPU seconds (user + system) the sandbox process has used so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(call: Callable[[requests.Session], requests.Response], threads: int, per_thread: int,
          pid: int | None = None) -> dict:
    """Run ``call`` ``per_thread`` times in each of ``threads`` threads -> throughput and latency stats, and
    the server's CPU time per request (``pid``: the sandbox process; a shared machine's load moves wall times
    much more than CPU times)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        http = requests.Session()
        mine = []
        for _ in range(per_thread):
            t0 = time.perf_counter()
            r = call(http)
            mine.append(time.perf_counter() - t0)
            if r.status_code != 200:
                with lock:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
        with lock:
            latencies.extend(mine)

    call(requests.Session())  # warm-up (model load, caches)
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    cpu0 = _server_cpu_s(pid)
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - t0
    cpu1 = _server_cpu_s(pid)
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
    lat = np.array(latencies) * 1000
    return {"requests": len(latencies), "threads": threads, "req_per_s": len(latencies) / wall,
            "p50_ms": float(np.percentile(lat, 50)), "p99_ms": float(np.percentile(lat, 99)),
            "mean_ms": statistics.fmean(lat),
            "server_cpu_ms": None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) * 1000 / len(latencies)}


def _ccfraud_rows() -> str:
    if CCFRAUD_1K.exists():
        return CCFRAUD_1K.read_text()
    rng = np.random.default_rng(1)
    return json.dumps([{"dense_input": rng.normal(size=29).round(6).tolist()} for _ in range(1000)])


def main() -> dict:
    import tempfile

    from wallaroo_widgets.sandbox import demo
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    results: dict[str, dict] = {}
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(tmp, "--demo") as srv:
        url = srv.url
        admin = {"Authorization": f"Bearer {_token(url, srv.admin_email, srv.admin_password, srv.client_secret)}"}
        post = lambda path, body: requests.post(f"{url}/v1/api/{path}", json=body, headers=admin, timeout=60)  # noqa: E731
        results["workspaces/list"] = _load(
            lambda http: http.post(f"{url}/v1/api/workspaces/list", json={}, headers=admin, timeout=60), 4, 250)

        wid = post("workspaces/create", {"workspace_name": "bench"}).json()["workspace_id"]
        up = requests.post(f"{url}/v1/api/models/upload_stream", data=ccfraud_onnx(), timeout=60,
                           params={"name": "ccfraud", "filename": "ccfraud.onnx", "workspace_id": wid},
                           headers={**admin, "Content-Type": "application/octet-stream"}).json()
        mid = up["insert_models"]["returning"][0]["models"][0]["id"]
        ver = post("models/list_versions", {"model_id": "ccfraud", "models_pk_id": mid}).json()[-1]
        step = {"ModelInference": {"models": [{"name": "ccfraud", "version": ver["model_version"], "sha": ver["sha"]}]}}
        pipe = post("pipelines/create", {"pipeline_id": "benchpipe", "workspace_id": wid,
                                         "definition": {"steps": [step]}}).json()
        post("pipelines/deploy", {"deploy_id": "benchpipe", "pipeline_id": pipe["pipeline_pk_id"],
                                  "pipeline_version_pk_id": pipe["pipeline_variant_pk_id"], "model_ids": [mid]})
        infer_url = post("admin/get_pipeline_external_url", {"workspace_id": wid, "pipeline_name": "benchpipe"}).json()
        body = _ccfraud_rows().encode()
        headers = {**admin, "Content-Type": "application/json; format=pandas-records"}
        r = _load(lambda http: http.post(infer_url["url"], data=body, headers=headers, timeout=120), 3, 20)
        r["rows_per_s"] = r["req_per_s"] * 1000
        results["inference 1,000 rows"] = r

        alice, alice_pw = demo.DEMO_USERS[0]
        user = {"Authorization": f"Bearer {_token(url, alice, alice_pw, srv.client_secret)}"}
        ws = requests.post(f"{url}/v1/api/workspaces/list", json={}, headers=user, timeout=60).json()["workspaces"]
        demo_ws = next(w for w in ws if w["name"] == demo.WORKSPACE_NAME)
        pid = demo_ws["pipelines"][0]
        assay = next(a for a in requests.post(f"{url}/v1/api/assays/list", json={"pipeline_id": pid}, headers=user,
                                              timeout=60).json())
        start = demo.month_start()
        cfg = {k: assay[k] for k in ("name", "pipeline_id", "pipeline_name", "baseline", "summarizer",
                                     "warning_threshold", "alert_threshold", "workspace_id")}
        cfg.update({"id": assay["id"], "active": False, "status": "created", "run_until": None,
                    "window": {**assay["window"], "width": "1 hour", "interval": "1 hour",
                               "start": start.isoformat()}})
        first = requests.post(f"{url}/v1/api/assays/run_interactive", json=cfg, headers=user, timeout=120).json()
        r = _load(lambda http: http.post(f"{url}/v1/api/assays/run_interactive", json=cfg, headers=user,
                                         timeout=120), 2, ASSAY_REQUESTS, srv.proc.pid)
        r["windows"] = len(first)
        results["assays/run_interactive (month, hourly)"] = r

        v2_url = f"{url}/v2/api/assays/"
        a2 = next(a for a in requests.post(v2_url + "get", json={"active": "All"}, headers=user, timeout=60).json()
                  if a["name"] == demo.ASSAY_V2_NAME)
        body = {k: a2[k] for k in ("baseline", "summarizer", "targeting")}
        body.update({"window": {"width": {"seconds": 3600}}, "preview_start": start.isoformat(),
                     "preview_end": (start + dt.timedelta(days=demo.DAYS)).isoformat(),
                     "scheduling": {"first_run": start.isoformat(),
                                    "run_frequency": {"SimpleRunFrequency": {"quantity": 1, "unit": "Hour"}}}})
        first = requests.post(v2_url + "preview", json=body, headers=user, timeout=120).json()
        r = _load(lambda http: http.post(v2_url + "preview", json=body, headers=user, timeout=120), 2,
                  ASSAY_REQUESTS, srv.proc.pid)
        r["windows"] = len(first)
        results["v2 assays/preview (month, hourly)"] = r

    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"{'endpoint':40s} {'threads':>7s} {'requests':>8s} {'req/s':>9s} {'p50 ms':>9s} {'p99 ms':>9s} "
          f"{'srv CPU ms':>10s}")
    for name, r in results.items():
        cpu = f"{r['server_cpu_ms']:10.1f}" if r.get("server_cpu_ms") is not None else f"{'n/a':>10s}"
        print(f"{name:40s} {r['threads']:7d} {r['requests']:8d} {r['req_per_s']:9.1f} {r['p50_ms']:9.1f} "
              f"{r['p99_ms']:9.1f} {cpu}")
    print(f"inference: {results['inference 1,000 rows']['rows_per_s']:.0f} rows/s; run_interactive windows: "
          f"{results['assays/run_interactive (month, hourly)']['windows']}; V2 preview windows: "
          f"{results['v2 assays/preview (month, hourly)']['windows']}")
    if load_before is not None:
        print(f"Machine load (1-minute average): {load_before:.2f} before, {load_after:.2f} after "
              f"({os.cpu_count()} cores); server CPU ms = the sandbox process's CPU time per request")
    v1, v2 = results["assays/run_interactive (month, hourly)"], results["v2 assays/preview (month, hourly)"]
    targets = [("V2 preview p50 <= V1 run_interactive p50", v2["p50_ms"] / v1["p50_ms"])]
    if v1.get("server_cpu_ms") and v2.get("server_cpu_ms") is not None:
        targets.append(("V2 preview server CPU <= V1 run_interactive's", v2["server_cpu_ms"] / v1["server_cpu_ms"]))
    for name, ratio in targets:
        print(f"  {'PASS' if ratio <= 1.0 else 'FAIL'}  {name:<50} {ratio:.2f}x")
    results["targets"] = [{"target": name, "value": f"{ratio:.2f}x", "ok": ratio <= 1.0} for name, ratio in targets]
    results["load_1min"] = {"before": load_before, "after": load_after}
    out = HERE / "results" / "bench_sandbox.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
