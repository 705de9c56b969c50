"""``scripts/lab.sh`` (``make lab``) end to end: the sandbox and JupyterLab start, the kernels' environment holds
the sandbox's own credentials, SIGTERM stops everything (no process of the script's session survives, nor a
kernel), a crashed sandbox stops JupyterLab, and a taken sandbox port is a clear failure instead of a Lab talking
to some other server.

Linux only (reads ``/proc``); no TTY needed; bounded in time.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "lab.sh"
LAB_TOKEN = "lab-script-test-token"

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not (ROOT / ".venv/bin/jupyter").exists(),
                                reason="needs Linux /proc and the project's .venv with JupyterLab")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, session id) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[3])


def _in_session(sid: int) -> list[int]:
    """Live (non-zombie) processes of a session."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st and st[2] == sid and st[0] != "Z":
                out.append(int(entry.name))
    return out


def _children(pid: int) -> list[int]:
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and (_stat(int(e.name)) or ("", 0, 0))[1] == pid]


def _answers(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return json.load(r)
    except (OSError, ValueError):
        return None


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WALLAROO_", "SANDBOX_", "LAB_"))}
    env.update(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), SANDBOX_DATA=str(tmp_path / "sandbox"),
               LAB_ARGS=f"--no-browser --ServerApp.port_retries=0 --IdentityProvider.token={LAB_TOKEN}", **extra)
    return env


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def _kill_session(proc: subprocess.Popen) -> None:
    """Last resort after a failed assertion: nothing of ours may outlive the test."""
    for pid in _in_session(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    proc.wait(timeout=10)


def test_lab_starts_both_exports_sandbox_credentials_and_sigterm_leaves_no_process(tmp_path):
    sandbox_port, lab_port = _free_port(), _free_port()
    env = _env(tmp_path, SANDBOX_PORT=str(sandbox_port), LAB_PORT=str(lab_port),
               SANDBOX_ADMIN_PASSWORD="lab-test-pw",
               # a real-instance user's settings: none of them may reach the kernels
               WALLAROO_URL="https://real.example.com", WALLAROO_PASSWORD="real-instance-pw",
               WALLAROO_TOKEN="not-a-token", WALLAROO_TOKEN_URL="https://real.example.com/token")
    log = tmp_path / "lab.log"
    proc = _start(env, log)
    try:
        deadline = time.monotonic() + 30
        config = lab = None
        while time.monotonic() < deadline and proc.poll() is None and not (config and lab):
            config = config or _answers(f"http://127.0.0.1:{sandbox_port}/v1/api/config")
            lab = lab or _answers(f"http://127.0.0.1:{lab_port}/api")
            time.sleep(0.3)
        assert proc.poll() is None, log.read_text()
        assert config and "default_arch" in config, log.read_text()
        assert lab and "version" in lab, log.read_text()

        # no "official Jupyter news?" pop-up: the news setting defaults to "false" (overrides.json), unset by the user
        req = urllib.request.Request(
            f"http://127.0.0.1:{lab_port}/lab/api/settings/@jupyterlab/apputils-extension:notification",
            headers={"Authorization": f"token {LAB_TOKEN}"})
        with urllib.request.urlopen(req, timeout=20) as r:
            news = json.load(r)
        assert news["schema"]["properties"]["fetchNews"]["default"] == "false", news["schema"]["properties"]
        assert "fetchNews" not in (news.get("settings") or {})

        # JupyterLab (whose environment every kernel inherits) got the sandbox's credentials only
        lab_pid = next(p for p in _children(proc.pid) if b"jupyter" in Path(f"/proc/{p}/cmdline").read_bytes())
        lab_env = dict(item.split("=", 1) for item in
                       Path(f"/proc/{lab_pid}/environ").read_text().split("\0") if "=" in item)
        assert lab_env["WALLAROO_URL"] == f"http://127.0.0.1:{sandbox_port}"
        assert lab_env["WALLAROO_USER"] == "admin@wallaroo.local"
        assert lab_env["WALLAROO_PASSWORD"] == "lab-test-pw"
        assert lab_env["WALLAROO_CLIENT_SECRET"] == "sandbox-secret"
        assert "WALLAROO_TOKEN" not in lab_env and "WALLAROO_TOKEN_URL" not in lab_env
        # no process' command line (readable by every local user) holds the password
        assert not [p for p in _in_session(proc.pid) if b"lab-test-pw" in Path(f"/proc/{p}/cmdline").read_bytes()]

        # ... and the sandbox was started with that password: the kernels' password grant works
        from wallaroo_widgets import Session

        session = Session.password(lab_env["WALLAROO_URL"], lab_env["WALLAROO_USER"], lab_env["WALLAROO_PASSWORD"],
                                   client_secret=lab_env["WALLAROO_CLIENT_SECRET"])
        assert session.identity()["email"] == "admin@wallaroo.local"
        session.close()

        # the Wallaroo sidebar's server extension reads the same environment: connected, the demo tree
        def extension(path: str) -> dict:
            req = urllib.request.Request(f"http://127.0.0.1:{lab_port}/wallaroo-widgets/{path}",
                                         headers={"Authorization": f"token {LAB_TOKEN}"})
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)

        status = extension("status?refresh=1")
        assert (status["connected"], status["user"], status["api_url"]) == (
            True, "admin@wallaroo.local", lab_env["WALLAROO_URL"]), status
        assert "housepricesaga" in [w["name"] for w in extension("tree")["workspaces"]]

        # a running kernel (JupyterLab starts kernels in sessions of their own: it must stop them itself)
        req = urllib.request.Request(f"http://127.0.0.1:{lab_port}/api/kernels", data=b"{}", method="POST",
                                     headers={"Authorization": f"token {LAB_TOKEN}"})
        with urllib.request.urlopen(req, timeout=20) as r:
            assert json.load(r)["id"]
        kernels = [p for p in _children(lab_pid) if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert kernels, "no kernel process found"

        started = _in_session(proc.pid) + kernels
        assert len(started) >= 4  # the script, the sandbox, JupyterLab, the kernel
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=35)
        out = log.read_text()
        assert "stopped JupyterLab and the sandbox" in out, out
        assert "lab-test-pw" not in out + "".join(p.read_text() for p in tmp_path.rglob("sandbox.log"))
        assert _in_session(proc.pid) == [], f"left behind: {_in_session(proc.pid)}"
        assert not [p for p in started if _stat(p) and _stat(p)[0] != "Z"]
    finally:
        if proc.poll() is None or _in_session(proc.pid):
            _kill_session(proc)


def test_lab_stops_jupyterlab_when_the_sandbox_dies(tmp_path):
    sandbox_port, lab_port = _free_port(), _free_port()
    log = tmp_path / "lab.log"
    proc = _start(_env(tmp_path, SANDBOX_PORT=str(sandbox_port), LAB_PORT=str(lab_port)), log)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None and not _answers(
                f"http://127.0.0.1:{lab_port}/api"):
            time.sleep(0.3)
        assert _answers(f"http://127.0.0.1:{lab_port}/api"), log.read_text()
        sandbox_pid = next(p for p in _children(proc.pid)
                           if b"wallaroo-widgets" in Path(f"/proc/{p}/cmdline").read_bytes())
        os.kill(sandbox_pid, signal.SIGKILL)  # a crash
        rc = proc.wait(timeout=35)
        out = log.read_text()
        assert rc != 0 and "the sandbox exited" in out and "stopped JupyterLab and the sandbox" in out, out
        assert _in_session(proc.pid) == []
    finally:
        if proc.poll() is None or _in_session(proc.pid):
            _kill_session(proc)


class _Impostor(http.server.BaseHTTPRequestHandler):
    """Some other server on the sandbox port, answering even the sandbox's own config endpoint."""

    def do_GET(self):  # noqa: N802
        body = b'{"default_arch": "x86"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_lab_fails_clearly_when_the_sandbox_port_is_taken(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Impostor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port, lab_port = server.server_address[1], _free_port()
    log = tmp_path / "lab.log"
    proc = _start(_env(tmp_path, SANDBOX_PORT=str(port), LAB_PORT=str(lab_port)), log)
    try:
        rc = proc.wait(timeout=30)
        out = log.read_text()
        assert rc != 0, out
        assert "sandbox exited during start-up" in out and "cannot bind" in out, out
        assert "sandbox ready" not in out and _answers(f"http://127.0.0.1:{lab_port}/api") is None, out
        assert _in_session(proc.pid) == []
    finally:
        server.shutdown()
        server.server_close()
        if proc.poll() is None or _in_session(proc.pid):
            _kill_session(proc)
