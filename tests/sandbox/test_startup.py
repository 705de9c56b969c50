"""Startup: the admin password on an existing data dir, the non-loopback checks against what the data dir
holds, ``--port 0`` printing and issuing the bound port, the offline API docs."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time

import jwt
import pytest
import requests
from sandbox_http import TOKEN_PATH

from wallaroo_widgets.sandbox import SandboxServer, cli, db
from wallaroo_widgets.sandbox.app import create_app
from wallaroo_widgets.sandbox.config import SandboxConfig

PUBLIC = {"host": "0.0.0.0", "client_secret": "a-long-custom-secret"}


def _login(srv: SandboxServer, password: str) -> int:
    r = requests.post(srv.url + TOKEN_PATH, auth=("api-client", srv.client_secret), timeout=30,
                      data={"grant_type": "password", "username": srv.admin_email, "password": password})
    return r.status_code


def _stored_password_is(data_dir, password: str) -> bool:
    store = db.Store(data_dir)
    with store.tx() as conn:
        return db.check_password(password, db.get_user(conn, email="admin@wallaroo.local")["password_hash"])


def test_a_given_admin_password_replaces_the_stored_one(tmp_path, caplog):
    with SandboxServer(tmp_path, deploy_delay=0) as srv:   # first start: default password
        assert _login(srv, "admin") == 200
    with SandboxServer(tmp_path, deploy_delay=0, admin_password="second-Passw0rd") as srv:
        assert _login(srv, "second-Passw0rd") == 200
        assert _login(srv, "admin") == 401          # the old default no longer works
    assert "password updated" in caplog.text
    create_app(SandboxConfig(data_dir=tmp_path))     # not given (CLI default): the stored password stays
    assert _stored_password_is(tmp_path, "second-Passw0rd")


def test_public_host_refused_while_the_stored_admin_has_the_default_password(tmp_path, capsys):
    with SandboxServer(tmp_path, deploy_delay=0):
        pass
    with pytest.raises(ValueError, match="admin@wallaroo.local still log in with a published password"):
        create_app(SandboxConfig(data_dir=tmp_path, **PUBLIC))
    assert cli.main(["--data-dir", str(tmp_path), "--port", "0", "--host", PUBLIC["host"], "--client-secret",
                     PUBLIC["client_secret"]]) == 2
    assert "published password" in capsys.readouterr().err
    # an explicit strong password updates the admin, and then the host is accepted
    create_app(SandboxConfig(data_dir=tmp_path, admin_password="Str0ng-enough", **PUBLIC))
    create_app(SandboxConfig(data_dir=tmp_path, **PUBLIC))


def test_demo_refused_on_a_public_host(tmp_path):
    with pytest.raises(ValueError, match="refusing --demo"):
        SandboxConfig(data_dir=tmp_path, admin_password="Str0ng-enough", demo=True, **PUBLIC)
    with SandboxServer(tmp_path, demo=True, deploy_delay=0):   # demo users seeded on loopback
        pass
    with pytest.raises(ValueError, match="alice@wallaroo.local, bob@wallaroo.local"):
        create_app(SandboxConfig(data_dir=tmp_path, admin_password="Str0ng-enough", **PUBLIC))


def test_port_zero_prints_and_issues_the_bound_port(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "wallaroo_widgets.cli", "sandbox", "--port", "0",
                             "--data-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match and match.group(1) != "0", line
        url = f"http://127.0.0.1:{match.group(1)}"
        deadline = time.monotonic() + 60
        while True:
            try:
                r = requests.post(url + TOKEN_PATH, auth=("api-client", "sandbox-secret"), timeout=5,
                                  data={"grant_type": "password", "username": "admin@wallaroo.local",
                                        "password": "admin"})
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        claims = jwt.decode(r.json()["access_token"], options={"verify_signature": False})
        assert claims["iss"] == f"{url}/auth/realms/master"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


@pytest.mark.skipif(importlib.util.find_spec("swagger_ui") is None, reason="swagger-ui-py not installed")
def test_api_docs_load_their_assets_from_the_sandbox(sandbox):
    page = requests.get(f"{sandbox.url}/v1/api/docs", timeout=30).text
    assets = re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css))["']""", page)
    assert assets and all(a.startswith("/v1/api/docs/static/") for a in assets), assets
    for asset in assets:
        r = requests.get(sandbox.url + asset, timeout=30)
        assert r.status_code == 200 and len(r.content) > 1000, asset
