"""``jupyter lab --debug`` with the server extension configured: the whole debug log (Jupyter's "Config changed"
dumps of the config, request lines, the extension's own lines) and every extension answer (bodies and headers)
hold none of the configured secrets nor the live token. A real JupyterLab process against the demo sandbox."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from wallaroo_widgets.session import Session

pytestmark = pytest.mark.timeout(180)
JUPYTER = Path(sys.executable).parent / "jupyter"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(url: str, jupyter_token: str, method: str = "GET", body: bytes | None = None) -> tuple[int, str, str]:
    """(status, body, headers as text) of one request to the Jupyter server."""
    req = urllib.request.Request(url, data=body, method=method, headers={"Authorization": f"token {jupyter_token}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode(), str(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), str(exc.headers)


@pytest.mark.skipif(not JUPYTER.exists(), reason="needs jupyter in the test environment")
def test_debug_log_and_answers_hold_no_secret(demo, tmp_path):
    live = Session.password(demo.url, demo.admin_email, demo.admin_password, client_secret=demo.client_secret)
    tokens = [str(live.provider.access_token()), str(live.provider._refresh_token)]  # noqa: SLF001
    password = f"Pw-{secrets.token_hex(6)}-xyz"
    assert all(t.count(".") == 2 and len(t) > 40 for t in tokens)
    # config file: the live token (used: token auth wins) and the client secret; the password on the command line
    (tmp_path / "jupyter_server_config.py").write_text(
        f"c.WallarooLabApp.api_url = {demo.url!r}\nc.WallarooLabApp.token = {tokens[0]!r}\n"
        f"c.WallarooLabApp.user = {demo.admin_email!r}\nc.WallarooLabApp.client_secret = {demo.client_secret!r}\n")
    port, jupyter_token = _free_port(), secrets.token_hex(12)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLAROO_")}
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log_path = tmp_path / "lab.log"
    cmd = [str(JUPYTER), "lab", "--debug", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--ServerApp.root_dir={tmp_path}", f"--IdentityProvider.token={jupyter_token}",
           f"--WallarooLabApp.password={password}"]
    # (the extension is enabled by the environment's jupyter_server_config.d, as `make install` leaves it)
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    answers: list[tuple[int, str, str]] = []
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while True:
                assert proc.poll() is None, log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, "JupyterLab did not start:\n" + log_path.read_text()[-3000:]
                try:
                    if _call(base + "/api/status", jupyter_token)[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.5)
            ext = base + "/wallaroo-widgets"
            answers.append(_call(ext + "/status?refresh=1", jupyter_token))
            answers.append(_call(ext + "/tree?refresh=1", jupyter_token))
            answers.append(_call(ext + "/api/v1/api/workspaces/list", jupyter_token, "POST", b"{}"))
            answers.append(_call(ext + "/api/v1/api/assays/get_assay_by_id", jupyter_token, "POST",
                                 b'{"id": 987654}'))
            answers.append(_call(ext + "/api/v1/api/users/invite", jupyter_token, "POST", b"{}"))
            answers.append(_call(ext + "/api/v1/api/workspaces/list", jupyter_token, "POST", b"not json"))
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
    status = json.loads(answers[0][1])
    assert (status["connected"], status["auth_type"], status["user"]) == (True, "token", demo.admin_email)
    assert [a[0] for a in answers] == [200, 200, 200, 404, 403, 400]
    log_text = log_path.read_text(errors="replace")
    for secret in (*tokens, password, demo.client_secret):
        assert secret not in log_text
        for code, body, headers in answers:
            assert secret not in body and secret not in headers, (code, body)
    # the debug log did dump the config (the path this test is about), masked
    assert "Config changed" in log_text and "'password': '***'" in log_text and "'token': '***'" in log_text
    assert "wallaroo_widgets: sidebar server extension for" in log_text
