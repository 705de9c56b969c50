"""Assays panel and assay builder used on their own (workspace= / pipeline=, the Workspace menu, messages
that name no tabs), and workspace reloads queued behind a running action keeping errors inline."""

from __future__ import annotations

import uuid

from wallaroo_widgets import errors
from wallaroo_widgets.panels import AssayBuilder, AssaysPanel, ConsoleState, PipelinesPanel

from .helpers import rendered_text


def _no_tab_words(panel) -> None:
    assert "tab" not in (panel.error + panel.message).lower()


def test_assays_panel_by_workspace_name_lists_the_demo_assay(demo_session):
    panel = AssaysPanel(demo_session, workspace="housepricesaga")
    assert panel.error == "", panel.error
    assert panel.state.workspace["name"] == "housepricesaga"
    assert "house price drift" in panel.table.df["name"].tolist()
    assert panel.picker.layout.display != "none"  # the Workspace menu is shown on its own
    assert panel.picker.dropdown.value == panel.state.workspace["id"]
    assert panel.table.select_where("name", "house price drift")
    panel.results_button.click()
    assert panel.error == "" and len(panel.results) >= 20


def test_assays_panel_by_pipeline_name_and_by_id(demo_session):
    by_name = AssaysPanel(demo_session, workspace="housepricesaga", pipeline="housepricepipe")
    assert by_name.error == "", by_name.error
    pid = by_name.state.pipeline["id"]
    assert by_name.state.pipeline["name"] == "housepricepipe"
    assert by_name.table.df["name"].tolist() == ["house price drift", "house price drift v2"]  # V1 and V2
    by_id = AssaysPanel(demo_session, pipeline=pid)  # the id finds its workspace too
    assert by_id.error == "", by_id.error
    assert by_id.state.workspace["name"] == "housepricesaga" and by_id.state.pipeline["name"] == "housepricepipe"
    assert "house price drift" in by_id.table.df["name"].tolist()
    missing = AssaysPanel(demo_session, workspace="housepricesaga", pipeline="nosuchpipe")
    assert "No pipeline with name 'nosuchpipe'" in missing.error
    _no_tab_words(missing)


def test_standalone_messages_name_no_tabs(demo_session):
    panel = AssaysPanel(demo_session)
    assert panel.error == ""
    panel.refresh_button.click()
    assert panel.error == "Choose a workspace in the Workspace menu above (or pass workspace=... or pipeline=...)"
    builder = AssayBuilder(demo_session)
    builder.load_button.click()
    assert builder.error.startswith("Pick a pipeline: choose a workspace") and "pipeline=" in builder.error
    _no_tab_words(builder)
    in_console = AssaysPanel(state=ConsoleState(session=demo_session, in_console=True))
    in_console.refresh_button.click()
    assert "Workspaces tab" in in_console.error and in_console.picker.layout.display == "none"


def test_builder_standalone_offers_the_workspace_pipelines_and_loads_logs(demo_session):
    builder = AssayBuilder(demo_session, workspace="housepricesaga")
    assert builder.error == "", builder.error
    labels = [o[0] for o in builder.pipeline.options]
    assert len(labels) == 1 and labels[0].startswith("housepricepipe (id ")  # named by the demo assay
    builder.load_button.click()
    assert builder.error == "" and len(builder.model.logs) > 1000

    chosen = AssayBuilder(demo_session, pipeline="housepricepipe", workspace="housepricesaga")
    assert chosen.error == "" and chosen.pipeline.value == chosen.state.pipeline["id"]

    other = AssayBuilder(demo_session)  # the Workspace menu drives it
    assert other.pipeline.options == ()
    wid = next(v for label, v in other.picker.dropdown.options if label.startswith("housepricesaga "))
    other.picker.dropdown.value = wid
    assert other.error == "", other.error
    assert [o[0].split(" (")[0] for o in other.pipeline.options] == ["housepricepipe"]
    for secret in (s for s in demo_session.provider.secret_values() if len(s) >= 8):
        assert secret not in rendered_text(other)


def test_a_workspace_picked_while_busy_loads_after_the_action_and_errors_inline(session, monkeypatch):
    """Another tab selects a workspace while this panel's background action runs (e.g. a deploy): the reload
    waits for the action and its ServerError lands inline; nothing is raised into the selecting code."""
    import threading

    wid = session.workspaces.create(f"busy-{uuid.uuid4().hex[:8]}")["workspace_id"]
    ws = next(w for w in session.workspaces.list() if w["id"] == wid)

    def failing(*_a, **_k):
        raise errors.ServerError("list is down", status=500, endpoint="/v1/api/models/list")

    monkeypatch.setattr(session.models, "list", failing)
    monkeypatch.setattr(session.assays, "list", failing)
    for panel in (PipelinesPanel(state=ConsoleState(session=session)),
                  AssaysPanel(state=ConsoleState(session=session))):
        started, release = threading.Event(), threading.Event()
        panel.run_action(lambda s=started, r=release: (s.set(), r.wait(30)), background=True)
        assert started.wait(30) and panel.busy
        panel.state.workspace = dict(ws)  # the Workspaces tab's selection: must not raise
        assert panel.error == ""  # nothing yet: queued behind the running action
        release.set()
        panel.wait()
        deadline = threading.Event()
        for _ in range(100):  # the queued reload runs right after the action, in the action's thread
            if not panel.busy and panel.error:
                break
            deadline.wait(0.05)
        assert panel.error == "Server error (HTTP 500): list is down", (type(panel).__name__, panel.error)
        assert "Traceback" not in panel.status.value and not panel.busy
