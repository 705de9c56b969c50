"""Shared by the browser tests: Debian's Chromium (never a downloaded browser), a JupyterLab server on a free port
with the sandbox's WALLAROO_* environment (as under `make lab`), and the notebook's error outputs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]


def require_chromium() -> None:
    """Skip without Debian's Chromium; fail under CI, which must install it."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must `apt-get install -y chromium`")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); never a downloaded browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def jupyterlab(work: Path, root: Path, sandbox) -> Iterator[str]:
    """A JupyterLab server on a free port over ``root``, logged to ``work/jupyterlab.log``; yields its base URL.

    Its environment: this one without any WALLAROO_* variable, plus the sandbox's URL and admin credentials;
    config, settings (``work/settings``, which the caller may fill) and workspaces under ``work``, so no user
    configuration leaks in."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLAROO_")}
    env.update(WALLAROO_URL=sandbox.url, WALLAROO_USER=sandbox.admin_email, WALLAROO_PASSWORD=sandbox.admin_password,
               WALLAROO_CLIENT_SECRET=sandbox.client_secret, JUPYTER_CONFIG_DIR=str(work / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(work / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"))
    cmd = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--port-retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
           "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = work / "jupyterlab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"JupyterLab exited: {log_path.read_text()[-2000:]}")
                try:
                    urllib.request.urlopen(base + "/api/status", timeout=2)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise RuntimeError("JupyterLab did not answer within 60 s") from None
                    time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def error_outputs(page) -> list[str]:
    """The notebook's stderr outputs that carry an error or a traceback."""
    texts = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    return [t for t in texts if "Error" in t or "Traceback" in t]
