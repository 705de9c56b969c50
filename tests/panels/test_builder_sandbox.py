"""Assay builder and assays panel against the real sandbox: logs imported with ``import-logs``, the
server preview agrees with the local scores, "Create assay" posts exactly the previewed config."""

from __future__ import annotations

import json
import uuid

import pandas as pd
import pytest

from wallaroo_widgets.panels import AssayBuilder, AssaysPanel, ConsoleState

from .helpers import T0, create_on_server, preview_on_server, synthetic_logs


@pytest.fixture(scope="module")
def logged_pipeline(sandbox, tmp_path_factory):
    """A workspace + pipeline holding 72 h of synthetic logs, imported through the CLI entry point."""
    from wallaroo_widgets.sandbox import import_logs

    tag = uuid.uuid4().hex[:8]
    ws_name, pipe = f"builder-{tag}", f"builderpipe-{tag}"
    logs = synthetic_logs()
    path = tmp_path_factory.mktemp("logs") / "logs.jsonl"
    with path.open("w") as fh:
        for t, x, y in zip(logs["time"], logs["in.tensor"], logs["out.variable"], strict=True):
            fh.write(json.dumps({"time": int(t.value // 10**6), "in.tensor": x, "out.variable": y}) + "\n")
    data_dir = getattr(sandbox, "data_dir", None)
    assert data_dir is not None, "the sandbox fixture must expose its data_dir"
    rc = import_logs.main(["--data-dir", str(data_dir), "--workspace", ws_name, "--pipeline", pipe,
                           "--model", "m", str(path)])
    assert rc == 0
    return {"workspace": ws_name, "pipeline": pipe, "rows": len(logs)}


def _pipeline_record(session, logged) -> dict:
    ws = next(w for w in session.workspaces.list() if w["name"] == logged["workspace"])
    assert len(ws["pipelines"]) == 1
    return {"id": ws["pipelines"][0], "name": logged["pipeline"], "workspace_id": ws["id"]}


def test_builder_loads_logs_previews_on_server_and_creates(session, logged_pipeline):
    state = ConsoleState(session=session)
    rec = state.remember_pipeline(_pipeline_record(session, logged_pipeline))
    state.pipeline = rec
    builder = AssayBuilder(state=state)
    assert builder.pipeline.value == rec["id"]
    builder.load_button.click()
    assert builder.error == "", builder.error
    assert len(builder.model.logs) == logged_pipeline["rows"]
    pages = [r for r in session.history if r.url.endswith("/pipelines/get_logs")]  # today's call, paged
    assert len(pages) == -(-logged_pipeline["rows"] // 1000) and pages[0].json["order"] == "asc"
    via_get_logs = builder.model.logs.copy()
    session.pipelines._has_current = False  # as a 2023-era instance: the assays/get_baseline fallback
    builder.load_button.click()
    assert builder.error == "" and session.history[-1].url.endswith("/assays/get_baseline")
    pd.testing.assert_frame_equal(builder.model.logs.reset_index(drop=True)[via_get_logs.columns],
                                  via_get_logs.reset_index(drop=True), check_dtype=False)
    session.pipelines._has_current = None
    builder.baseline_start.value = T0.isoformat()
    builder.baseline_end.value = (T0 + pd.Timedelta(hours=24)).isoformat()
    builder.width.value = "6 hours"
    builder.num_bins.value = 6
    builder.warning_threshold.value = "0.1"
    assert builder.error == ""
    local = builder.model.results()
    assert len(local) == len(builder.timeline.data[0].y) > 0

    previewed = preview_on_server(builder, session, "/v1/api/assays/run_interactive", local)
    assert "all match" in builder.message

    posted = create_on_server(builder, session, "/v1/api/assays/create", f"assay-{uuid.uuid4().hex[:6]}")
    assert {k: v for k, v in posted.items() if k != "name"} == {k: v for k, v in previewed.items() if k != "name"}
    created = next(a for a in session.assays.list(rec["id"]) if a["id"] == builder.created["assay_id"])
    body = builder.created["config"]
    assert created["summarizer"]["num_bins"] == 6 and created["window"]["width"] == "6 hours"
    assert created["window"]["path"] == "output variable 0"
    assert created["warning_threshold"] == 0.1 and created["alert_threshold"] == 0.25
    static = created["baseline"].get("static") or created["baseline"].get("Static")
    assert static["edges"] == body["baseline"]["static"]["edges"]

    # the assays panel lists it, (de)activates it and shows a window's details
    panel = AssaysPanel(state=state)
    assert panel.error == "", panel.error
    assert panel.table.select_where("id", created["id"])
    panel.deactivate_button.click()
    assert panel.error == "" and not next(a for a in session.assays.list(rec["id"]) if a["id"] == created["id"])["active"]
    panel.activate_button.click()
    assert next(a for a in session.assays.list(rec["id"]) if a["id"] == created["id"])["active"]
    server = list(session.assays.run_interactive(body))
    panel.show_results(server, 0.1, 0.25)
    assert list(panel.timeline.data[0].y) == [r["score"] for r in sorted(server, key=lambda r: r["window_start"])]
    assert panel.results_table.selected_index == len(server) - 1
    highlighted = sorted(int(t.customdata[k][0]) for t in panel.timeline.data[1:] if t.selectedpoints
                         for k in t.selectedpoints)
    assert highlighted == [len(server) - 1]  # the table's window is the timeline's highlighted point
    last = panel.results[-1]
    share = [100 * x / sum(last["scores"]) for x in last["scores"]]
    assert list(panel.contribution.data[0].y) == pytest.approx(share)
    stats = panel.stats.df.set_index("stat")
    assert stats.loc["count", "Window"] == last["window_summary"]["count"]
    assert stats.loc["mean", "diff"] == pytest.approx(last["window_summary"]["mean"] - last["baseline_summary"]["mean"])


def test_server_preview_runs_in_the_background_and_cancel_discards_it(session, logged_pipeline, monkeypatch):
    """While run_interactive is in flight the message says so and Cancel is enabled; Cancel discards the answer."""
    import threading

    state = ConsoleState(session=session)
    state.pipeline = state.remember_pipeline(_pipeline_record(session, logged_pipeline))
    builder = AssayBuilder(state=state)
    builder.load_button.click()
    builder.baseline_start.value = T0.isoformat()
    builder.baseline_end.value = (T0 + pd.Timedelta(hours=24)).isoformat()
    builder.width.value = "6 hours"
    assert builder.error == "" and builder.cancel_button.disabled

    started, release = threading.Event(), threading.Event()
    real = session.assays.run_interactive

    def held(body):  # the real HTTP call, held until the test lets it answer
        started.set()
        release.wait(30)
        return real(body)

    monkeypatch.setattr(session.assays, "run_interactive", held)
    builder.preview_button.click()
    assert started.wait(30)
    assert builder.busy and not builder.cancel_button.disabled and builder.preview_button.disabled
    assert builder.message.startswith(f"Previewing {len(builder.model.results())} window(s) on the server")
    builder.cancel_button.click()
    release.set()
    builder.wait()
    assert builder.error == "Cancelled" and builder.server_results is None and len(builder.diff.df) == 0
    assert builder.cancel_button.disabled and not builder.busy

    monkeypatch.setattr(session.assays, "run_interactive", real)  # a preview after a cancel works
    builder.preview_button.click()
    builder.wait()
    assert builder.error == "" and len(builder.server_results) == len(builder.model.results())
    assert bool(builder.diff.df["match"].all())


def test_create_is_blocked_after_picking_another_pipeline_until_logs_are_reloaded(session, logged_pipeline):
    """The audit's path: logs loaded for one pipeline, another picked, bins changed, Create clicked."""
    state = ConsoleState(session=session)
    rec = state.remember_pipeline(_pipeline_record(session, logged_pipeline))
    other_name = f"otherpipe-{uuid.uuid4().hex[:6]}"
    other = session.pipelines.create(other_name, rec["workspace_id"])
    state.remember_pipeline({"id": other["pipeline_pk_id"], "name": other_name, "workspace_id": rec["workspace_id"]})
    state.pipeline = rec
    builder = AssayBuilder(state=state)
    builder.load_button.click()
    builder.baseline_start.value = T0.isoformat()
    builder.baseline_end.value = (T0 + pd.Timedelta(hours=24)).isoformat()
    assert builder.error == "" and not builder.create_button.disabled
    builder.pipeline.value = other["pipeline_pk_id"]
    builder.num_bins.value = 7
    builder.name.value = f"assay-{uuid.uuid4().hex[:6]}"
    assert builder.create_button.disabled and builder.preview_button.disabled
    assert f"Pipeline changed to {other_name}" in builder.notice.value
    calls = len(session.history)
    builder.create_button.click()
    assert len(session.history) == calls and builder.created is None  # no request at all
    assert "Load logs" in builder.error
    assert session.assays.list(rec["id"]).df.empty or builder.name.value not in session.assays.list(rec["id"]).df["name"].tolist()

    builder.load_button.click()  # now the other (empty) pipeline's logs: none, said inline
    assert builder.error == f"pipeline {other_name} has no inference logs in that range"
    assert builder.create_button.disabled  # the preview still shows the first pipeline
    builder.pipeline.value = rec["id"]
    assert builder.notice.value == "" and not builder.create_button.disabled
    builder.create_button.click()
    assert builder.error == "", builder.error
    assert session.last_call.json["pipeline_id"] == rec["id"] and session.last_call.json["summarizer"]["num_bins"] == 7
