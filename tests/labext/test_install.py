"""The installed extension, as `make install` leaves it: JupyterLab lists the frontend enabled and OK, the Jupyter
server lists and validates the server extension, and both halves carry the package's version."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import wallaroo_widgets

ROOT = Path(__file__).resolve().parents[2]
JUPYTER = Path(sys.executable).with_name("jupyter")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

pytestmark = pytest.mark.skipif(not JUPYTER.exists(), reason="needs the venv's jupyter")


def listing(*args: str) -> str:
    out = subprocess.run([str(JUPYTER), *args], capture_output=True, text=True, timeout=120)
    return ANSI.sub("", out.stdout + out.stderr)


def test_versions_agree():
    pkg = json.loads((ROOT / "labextension" / "package.json").read_text())
    assert pkg["version"] == wallaroo_widgets.__version__
    built = json.loads((ROOT / "wallaroo_widgets" / "labextension" / "package.json").read_text())
    assert built["version"] == wallaroo_widgets.__version__
    assert built["jupyterlab"]["_build"]["load"].startswith("static/remoteEntry.")


def test_jupyterlab_lists_the_frontend_enabled_ok():
    text = listing("labextension", "list")
    assert re.search(rf"wallaroo-widgets v{re.escape(wallaroo_widgets.__version__)} enabled\s+OK", text), text


def test_jupyter_server_validates_the_server_extension():
    text = listing("server", "extension", "list")
    assert re.search(r"wallaroo_widgets\s+enabled", text), text
    assert re.search(rf"wallaroo_widgets {re.escape(wallaroo_widgets.__version__)}\s+OK", text), text
