"""The console over the demo sandbox, walked like the 00_console notebook: workspace -> models, pipelines,
assays; the demo assay's timeline; the builder reproduces the stored results of the demo assay."""

from __future__ import annotations

import pandas as pd
import pytest

from wallaroo_widgets.panels import console
from wallaroo_widgets.panels.pipeline_listing import LISTED

from .helpers import rendered_text


@pytest.fixture
def app(demo_session):
    con = console(demo_session)
    assert {t: p.error for t, p in con.panels.items() if p.error} == {}
    assert con.panel("Workspaces").table.select_where("name", "housepricesaga")
    return con


def test_selecting_the_demo_workspace_drives_models_pipelines_and_assays(app):
    assert app.state.workspace["name"] == "housepricesaga"
    assert "housepricemodel" in app.panel("Models").table.df["name"].tolist()
    assays = app.panel("Assays")
    assert assays.error == "" and "house price drift" in assays.table.df["name"].tolist()
    pipes = app.panel("Pipelines").table.df  # named through the assay (the API lists no pipelines)
    assert "housepricepipe" in pipes["name"].tolist()
    assert assays.table.select_where("name", "house price drift")
    assays.results_button.click()
    assert assays.error == "", assays.error
    stored = app.state.session.assays.get_assay_results(int(assays.table.selected["id"]))
    assert len(stored) >= 20 and assays.message == f"{len(stored)} result windows of 'house price drift'"
    shown = sorted(x for t in assays.timeline.data[1:] for x in (t.customdata or ()))
    assert len(shown) == len(stored)
    statuses = {t.name for t in assays.timeline.data[1:] if t.customdata}
    assert {"Ok", "Alert"} <= statuses  # the demo's drift episode
    assert len(assays.bins.data) == 2 and len(assays.stats.df) == 6


def test_builder_reproduces_the_demo_assays_stored_scores(app):
    sess = app.state.session
    assay = next(a for a in sess.assays.list(workspace_id=app.state.workspace["id"]) if a["name"] == "house price drift")
    stored = list(sess.assays.get_assay_results(assay["id"]))
    builder = app.panel("Assay builder")
    pipe = next(p for p in app.state.pipelines if p["name"] == "housepricepipe")
    builder.pipeline.value = pipe["id"]
    builder.load_button.click()
    assert builder.error == "", builder.error
    assert builder.model_name.options == (assay["window"]["model_name"],)  # from metadata.last_model
    start = pd.Timestamp(assay["window"]["start"]) - pd.Timedelta(days=1)
    builder.iopath.value = assay["window"]["path"]
    builder.baseline_start.value = start.isoformat()
    builder.baseline_end.value = (start + pd.Timedelta(days=1)).isoformat()
    builder.width.value = assay["window"]["width"]
    builder.warning_threshold.value = "0.1"
    assert builder.error == "", builder.error
    local = {pd.Timestamp(r["window_start"]): r for r in builder.model.results()}
    for r in stored:
        mine = local[pd.Timestamp(r["window_start"])]
        assert mine["score"] == pytest.approx(r["score"], rel=1e-6, abs=1e-7)  # stored scores are float32
        assert mine["status"] == r["status"]
    builder.preview_button.click()
    builder.wait()
    assert builder.error == "" and bool(builder.diff.df["match"].all()), builder.diff.df
    for secret in (s for s in sess.provider.secret_values() if len(s) >= 8):
        assert secret not in rendered_text(app)


def test_inference_on_the_demo_pipeline_named_by_its_assay(app):
    sess = app.state.session
    pipes = app.panel("Pipelines")
    assert pipes.table.select_where("name", "housepricepipe")
    logs = sess.assays.get_baseline(app.state.workspace["id"], "housepricepipe", limit=3)
    inputs = pd.DataFrame({"tensor": [r["in.tensor"] for r in logs[:3]]})
    pipes.infer_data = inputs
    pipes.infer_button.click()
    assert pipes.error == "", pipes.error
    assert len(pipes.result.df) == 3 and "out.variable" in pipes.result.df
    assert pipes.message.startswith("housepricepipe: 3 row(s) inferred")
    row = pipes.table.selected  # listed by the server (list_pipelines): version and deployment known
    assert row["origin"] == LISTED and row["versions"] >= 1 and row["version_pk_id"] != ""
    assert row["deployment_id"] != "" and pipes.attach_row.layout.display == "none"
