"""Helpers the benchmarks share: best-of-N timing, the machine load, the target check and results file, and the
sandbox CLI in a subprocess."""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

RESULTS = Path(__file__).resolve().parent / "results"


def best(fn: Callable[[], Any], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` runs, in ms."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def best_pair(f1: Callable[[], Any], f2: Callable[[], Any], repeat: int = 7) -> dict[str, float]:
    """Best wall and CPU (process) time, in ms, of two jobs run alternately ``repeat`` times each, so a shared
    machine's changing load falls on both: ``{"wall1", "wall2", "cpu1", "cpu2"}``."""
    out = {"wall1": math.inf, "wall2": math.inf, "cpu1": math.inf, "cpu2": math.inf}
    for _ in range(repeat):
        for n, fn in (("1", f1), ("2", f2)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            out["cpu" + n] = min(out["cpu" + n], (time.process_time() - cpu) * 1000)
            out["wall" + n] = min(out["wall" + n], (time.perf_counter() - wall) * 1000)
    return out


def load_1min() -> float | None:
    """The machine's 1-minute load average (None where the OS has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def finish(name: str, out: dict[str, Any], width: int) -> dict[str, Any]:
    """Print ``out["targets"]`` (PASS, FAIL, or n/a where ``ok`` is None; targets padded to ``width``), write
    ``results/<name>.json``; returns ``out``."""
    for c in out["targets"]:
        mark = "n/a " if c["ok"] is None else ("PASS" if c["ok"] else "FAIL")
        print(f"  {mark}  {c['target']:<{width}} {c['value']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=2, default=float))
    return out


class SandboxProcess:
    """The sandbox CLI in a subprocess on a free port (client threads do not share the server's GIL)."""

    admin_email, admin_password, client_secret = "admin@wallaroo.local", "admin", "sandbox-secret"

    def __init__(self, data_dir: str, *args: str, timeout: float = 120) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "wallaroo_widgets.cli", "sandbox", "--port", str(port),
                                      "--data-dir", data_dir, "--deploy-delay", "0", *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/v1/api/config", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.close()
        raise RuntimeError("sandbox did not start")

    def session(self) -> Any:
        from wallaroo_widgets import Session

        return Session.password(self.url, self.admin_email, self.admin_password, client_secret=self.client_secret)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
