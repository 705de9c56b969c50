"""Helpers the benchmarks share: best-of-N timing and the sandbox CLI in a subprocess."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import requests


def best(fn: Callable[[], Any], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` runs, in ms."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


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
