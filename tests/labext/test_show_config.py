"""``jupyter server --show-config`` / ``--show-config-json`` / ``jupyter lab --show-config`` print the loaded
Jupyter config: the server extension's password, token and client secret (config file, command line) show as
``'***'`` there, while the extension keeps using the values."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

pytestmark = pytest.mark.timeout(120)
JUPYTER = Path(sys.executable).parent / "jupyter"


@pytest.mark.skipif(not JUPYTER.exists(), reason="needs jupyter in the test environment")
def test_show_config_masks_the_secrets(tmp_path):
    tag = secrets.token_hex(6)
    file_secrets = {"password": f"Pw-{tag}-file", "token": f"tok-{tag}-file", "client_secret": f"cs-{tag}-file"}
    cli_password, env_password = f"Pw-{tag}-cli", f"Pw-{tag}-env"
    (tmp_path / "jupyter_server_config.py").write_text(
        "c.WallarooLabApp.api_url = 'http://127.0.0.1:9'\nc.WallarooLabApp.user = 'someone@example.com'\n"
        + "".join(f"c.WallarooLabApp.{k} = {v!r}\n" for k, v in file_secrets.items()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLAROO_")}
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               WALLAROO_PASSWORD=env_password, WALLAROO_CLIENT_SECRET=f"cs-{tag}-env")
    runs = {
        "server": [str(JUPYTER), "server", "--show-config"],
        "server-json": [str(JUPYTER), "server", "--show-config-json"],
        "lab-cli": [str(JUPYTER), "lab", "--show-config", f"--WallarooLabApp.password={cli_password}"],
    }
    procs = {name: subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True) for name, cmd in runs.items()}
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=90)
        assert proc.returncode == 0, (name, stderr[-2000:])
        out[name] = (stdout, stderr)
    for name, (stdout, stderr) in out.items():
        assert f"Pw-{tag}" not in stdout + stderr and f"cs-{tag}" not in stdout + stderr, name
        assert f"tok-{tag}" not in stdout + stderr, name
        assert "wallaroo_widgets | extension was successfully loaded" in stderr, name  # the extension ran
    for name in ("server", "lab-cli"):
        text = out[name][0]
        section = text[text.index("\nWallarooLabApp\n"):]
        for key in ("client_secret", "password", "token"):
            assert f"  .{key} = '***'\n" in section, (name, section)
        assert "  .api_url = 'http://127.0.0.1:9'\n" in section and "  .user = 'someone@example.com'" in section
    shown = json.loads(out["server-json"][0])["WallarooLabApp"]
    assert shown == {"api_url": "http://127.0.0.1:9", "user": "someone@example.com", "password": "'***'",
                     "token": "'***'", "client_secret": "'***'"}


def test_the_masked_config_still_configures_the_extension():
    """Config applied again after masking (traitlets reloads config on every update) keeps the real values."""
    from wallaroo_widgets.labserver.app import ConfigSecret, WallarooLabApp, mask_secret_config

    pw = "Pw-" + secrets.token_hex(5)
    cfg = Config({"WallarooLabApp": {"password": pw, "client_secret": "cs-" + pw, "user": "u@example.com"}})
    mask_secret_config(cfg)
    assert isinstance(cfg.WallarooLabApp.password, ConfigSecret) and cfg.WallarooLabApp.user == "u@example.com"
    assert pw not in repr(cfg) and pw not in json.dumps(cfg, default=repr)
    app = WallarooLabApp(config=cfg)
    assert app.password == pw and app.client_secret == "cs-" + pw
    app.update_config(Config({"WallarooLabApp": {"token": ConfigSecret("tok-" + pw)}}))
    creds = app.credentials()
    assert (creds["WALLAROO_PASSWORD"], creds["WALLAROO_TOKEN"], creds["WALLAROO_USER"]) == (
        pw, "tok-" + pw, "u@example.com")
    assert pw not in repr(creds)
