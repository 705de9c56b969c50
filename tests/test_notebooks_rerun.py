"""The tutorial notebooks are idempotent: a second run against the same sandbox leaves what one run leaves.

Today's API deletes pipelines and models (``pipelines/delete_pipeline``, ``models/delete_model``), so the clean-up
cells undeploy what they deploy, then delete the pipelines and models they made; workspaces, users and assays
cannot be deleted, so the notebooks use fixed names with get-or-create and deactivate the assays they create.
This test runs the notebooks twice against one demo sandbox and compares the server state, read straight from
the sandbox's SQLite file: after one run, models and their versions, pipelines, pipeline versions, deployment
records and logged inferences are back where they started (the demo's); after two runs users (and whether they
are enabled), workspaces and members, assays (active or not) and their stored results equal those of one run.

The notebooks' code cells run in-process from ``tutorials/src`` (one namespace per notebook, as a kernel
would have): no kernel start-up, so running all of them twice stays well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import time
from pathlib import Path

import pytest
from notebook_cells import run_notebook
from testkit import point_env_at

RERUN = ["00_console", "01_connect_and_tokens", "02_users", "03_workspaces", "04_models",
         "05_pipelines_and_inference", "06_enablement", "07_assays", "08_drift_exploration", "09_assays_v2",
         "10_drift_overview"]
#: what a run leaves behind of what it creates (05 and 07 delete their pipelines and models in the clean-up)
ADDED_PER_RUN = {"pipeline_versions": 0, "deployments": 0, "inference_logs": 0}
#: back to the demo's state after a run
RESTORED = ("models", "pipelines", "active deployments")
#: logged rows live in the log store: staged batches + indexed segments (sandbox/logstore.py)
GROWS_SQL = {"inference_logs": "SELECT (SELECT COALESCE(SUM(rows), 0) FROM log_staging)"
                               " + (SELECT COALESCE(SUM(rows), 0) FROM log_segments)"}


def _state(db: Path) -> tuple[dict, dict]:
    """(what must not change, row counts of what grows by design)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        q = lambda sql: sorted(tuple(r) for r in conn.execute(sql))  # noqa: E731
        stable = {
            "users": q("SELECT email, enabled FROM users"),
            "workspaces": q("SELECT name, archived FROM workspaces"),
            "members": q("SELECT w.name, u.email, m.user_type FROM workspace_members m "
                         "JOIN workspaces w ON w.id = m.workspace_id JOIN users u ON u.id = m.user_id"),
            "models": q("SELECT w.name, m.name, COUNT(v.id) FROM models m JOIN workspaces w ON w.id = m.workspace_id "
                        "LEFT JOIN model_versions v ON v.model_id = m.id GROUP BY m.id"),
            "pipelines": q("SELECT w.name, p.name FROM pipelines p JOIN workspaces w ON w.id = p.workspace_id"),
            "active deployments": q("SELECT p.name, d.deploy_id FROM deployments d JOIN pipelines p "
                                    "ON p.id = d.pipeline_id WHERE d.active = 1"),
            "assays": q("SELECT name, pipeline_name, active FROM assays"),
            "assays v2": q("SELECT name, pipeline_id, active FROM assays_v2"),
            "assay results": q("SELECT a.name, COUNT(r.id) FROM assays a LEFT JOIN assay_results r "
                               "ON r.assay_id = a.id GROUP BY a.id"),
        }
        grows = {t: conn.execute(GROWS_SQL.get(t, f"SELECT COUNT(*) FROM {t}")).fetchone()[0]  # noqa: S608
                 for t in ADDED_PER_RUN}
    finally:
        conn.close()
    return stable, grows


def _settled(db: Path, timeout: float = 10.0) -> tuple[dict, dict]:
    """The state once the assay scheduler has stored what it will (two equal reads a tick apart)."""
    deadline = time.monotonic() + timeout
    last = _state(db)
    while time.monotonic() < deadline:
        time.sleep(0.6)
        now = _state(db)
        if now == last:
            return now
        last = now
    return last


@pytest.fixture
def demo_sandbox(tmp_path, monkeypatch):
    pytest.importorskip("fastapi")
    from wallaroo_widgets.sandbox import SandboxServer

    srv = SandboxServer(tmp_path / "data", port=0, demo=True, deploy_delay=0.3, assay_tick=0.25)
    srv.start()
    point_env_at(monkeypatch, srv)
    yield srv
    srv.stop()


def test_a_second_run_of_the_notebooks_leaves_the_state_of_one_run(demo_sandbox):
    db = demo_sandbox.data_dir / "sandbox.db"
    before, grown_before = _settled(db)
    printed = io.StringIO()  # what the cells print and display (outside IPython, display() prints the repr)
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        for name in RERUN:
            run_notebook(name)
    once, grown_once = _settled(db)
    assert "housepricepipe" in printed.getvalue()  # the notebooks did print
    assert demo_sandbox.client_secret not in printed.getvalue(), "a notebook printed the client secret"
    assert not re.search(r"eyJ[\w-]{5,}\.[\w-]{5,}\.", printed.getvalue()), "a notebook printed a token"
    assert once != before  # the first run did create its objects (workspaces, users, assays)
    for key in RESTORED:
        assert once[key] == before[key], f"the clean-up cells left {key} behind"
    assert grown_once == grown_before, "pipeline versions, deployment records or logs grew"

    for name in RERUN:
        run_notebook(name)
    twice, grown_twice = _settled(db)
    for key in once:
        assert twice[key] == once[key], f"a second run changed {key}"
    assert {t: grown_twice[t] - grown_once[t] for t in ADDED_PER_RUN} == ADDED_PER_RUN

    # and what one run leaves is what the clean-up cells say: assays deactivated, nothing deployed
    if "07_assays" in RERUN:
        assert [a for a in once["assays"] if a[0].startswith("tutorial")] == [
            ("tutorial drift 10 bins", "housepricepipe", 0), ("tutorial house price assay", "housepricepipe", 0),
            ("tutorial-overview-in.tensor.8", "housepricepipe", 0)]  # 10: the most drifted input's assay
    if "09_assays_v2" in RERUN:
        assert [a[0::2] for a in once["assays v2"] if a[0].startswith("tutorial")] == [
            ("tutorial house price assay v2", 0)]
    assert not [d for d in once["active deployments"] if d[0].startswith("tutorial")]
    assert not [u for u in once["users"] if u[0].startswith("tutorial") and u[1]]
