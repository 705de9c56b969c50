"""The README's quick example runs as written against a demo sandbox (so it cannot rot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testkit import point_env_at

README = Path(__file__).resolve().parents[1] / "README.md"


def test_quick_example_runs_against_the_demo_sandbox(tmp_path, monkeypatch, capsys):
    pytest.importorskip("fastapi")
    from wallaroo_widgets.sandbox import SandboxServer

    text = README.read_text()
    block = re.search(r"## Quick example\s+```python\n(.*?)```", text, re.S)
    assert block, "README has no quick example"
    with SandboxServer(tmp_path / "data", port=0, demo=True) as srv:
        point_env_at(monkeypatch, srv)
        scope: dict = {}
        exec(compile(block.group(1), str(README), "exec"), scope)  # noqa: S102 - our own README
        scope["s"].close()
    statuses = [r["status"] for r in scope["results"]]
    assert len(statuses) == 29 and statuses[12] == "Alert"  # the demo's drift episode, days 13-17
    assert statuses.count("Alert") == 5 and statuses.count("Warning") == 1
    assert scope["plots"].score_timeline(scope["results"]).data[3].name == "Alert"
    out = capsys.readouterr().out
    assert out.startswith("curl -X POST") and "Bearer <token>" in out and srv.client_secret not in out
