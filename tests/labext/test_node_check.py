"""``make install`` stops with a clear message when Node.js is missing or older than the extension build needs
(@rspack/core 2.x: ^20.19.0 or >= 22.12.0): ``scripts/check_node.sh`` with stand-in ``node``/``npm`` commands."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_node.sh"


def check(tmp_path: Path, version: str | None) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    if version is not None:
        for name, text in (("node", f"#!/bin/sh\necho {version}\n"), ("npm", "#!/bin/sh\necho 11.0.0\n")):
            (bin_dir / name).write_text(text)
            (bin_dir / name).chmod(0o755)
    return subprocess.run(["/bin/bash", str(SCRIPT)], env={"PATH": str(bin_dir)}, capture_output=True, text=True,
                          timeout=30)


@pytest.mark.parametrize("version,ok", [("20.19.0", True), ("20.20.2", True), ("22.12.0", True), ("24.1.0", True),
                                        ("20.18.3", False), ("22.11.0", False), ("18.19.1", False)])
def test_node_version(tmp_path, version, ok):
    out = check(tmp_path, version)
    assert (out.returncode == 0) is ok, out.stderr
    if not ok:
        assert f"found Node {version}" in out.stderr and "^20.19.0 or >= 22.12.0" in out.stderr


def test_node_missing(tmp_path):
    out = check(tmp_path, None)
    assert out.returncode == 1
    assert "node/npm not found on PATH" in out.stderr and "^20.19.0 or >= 22.12.0" in out.stderr
