"""Pipelines panel against the real sandbox: model steps that follow uploads, the empty-pipeline warning,
Undeploy clearing the status and URL, and pipelines this console did not create (the demo's) as on a 2023-era
instance (today's listing and Delete: test_pipelines_listing.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from testkit import uniq

from wallaroo_widgets.panels import AssaysPanel, ConsoleState, PipelinesPanel
from wallaroo_widgets.panels.pipelines import ID_ONLY, NAMED, deployment_of_url

CC_JSON = Path(__file__).resolve().parents[1] / "data/wallaroo_tutorials/ccfraud/cc_data_api_1k.df.json"


def workspace_record(session, name: str) -> dict:
    item = next(w for w in session.workspaces.list() if w["name"] == name)
    return {k: item[k] for k in ("id", "name", "models", "pipelines")}


def panel_for(session, ws_name: str) -> PipelinesPanel:
    state = ConsoleState(session=session)
    panel = PipelinesPanel(state=state)
    panel.background = False  # deploy polls in the foreground here
    state.workspace = workspace_record(session, ws_name)
    return panel


def test_deployment_of_url_reads_both_url_forms():
    assert deployment_of_url("http://h/v1/api/pipelines/infer/pipe-12/pipe") == ("pipe-12", 12, "pipe")
    assert deployment_of_url("https://h/v1/api/pipelines/infer/modeldeploy-15") == ("modeldeploy-15", 15, None)


def test_model_steps_follow_uploads_and_an_empty_pipeline_is_flagged(session):
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    ws_name = uniq("steps")
    wid = session.workspaces.create(ws_name)["workspace_id"]
    panel = panel_for(session, ws_name)
    assert panel.error == "" and panel.step_models.options == ()

    session.models.upload(uniq("first"), wid, ccfraud_onnx())  # e.g. from the Models tab
    assert panel.step_models.options == ()  # nothing told this panel
    panel.steps_button.click()
    assert panel.error == "" and len(panel.step_models.options) == 1
    assert panel.message == "1 model(s) offered as steps"
    chosen = panel.step_models.options[0][1]
    panel.step_models.value = (chosen,)

    session.models.upload(uniq("second"), wid, ccfraud_onnx())
    panel.steps_button.click()  # the new model appears, the chosen step stays chosen
    assert len(panel.step_models.options) == 2 and panel.step_models.value == (chosen,)

    session.models.upload(uniq("third"), wid, ccfraud_onnx())
    panel.step_models.value = ()
    name = uniq("empty")
    panel.name.value = name
    panel.create_button.click()  # allowed (the API allows empty pipelines), with a clear warning
    assert panel.error == ""
    assert panel.warning.startswith(f"Warning: created {name}") and panel.message == ""
    assert "an empty pipeline: add steps before deploying" in panel.warning
    assert "3 model(s) offered as steps" in panel.warning and len(panel.step_models.options) == 3
    assert 'class="ww-warning"' in panel.status.value and "ww-message" not in panel.status.value  # amber
    row = panel.table.df.set_index("name").loc[name]
    assert row["origin"] == "created here" and row["models"] == ""


def test_undeploy_clears_the_status_view_and_the_url(session):
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    ws_name = uniq("undeploy")
    wid = session.workspaces.create(ws_name)["workspace_id"]
    session.models.upload(uniq("cc"), wid, ccfraud_onnx())
    panel = panel_for(session, ws_name)
    panel.step_models.value = (panel.step_models.options[0][1],)
    name = uniq("pipe")
    panel.name.value = name
    panel.create_button.click()
    panel.deploy_button.click()
    assert panel.error == "", panel.error
    assert "Running" in panel.status_view.value and panel.url.value
    panel.undeploy_button.click()
    assert panel.error == "" and panel.message == f"Undeployed {name}"
    assert "Running" not in panel.status_view.value and "undeployed" in panel.status_view.value
    assert panel.url.value == "" and panel.progress.layout.visibility == "hidden"
    record = next(p for p in panel.state.pipelines if p["name"] == name)
    assert record["url"] is None and record["deployment_id"] is None and record["status"] == "undeployed"
    assert panel.table.df.set_index("name").loc[name, "status"] == "undeployed"
    panel.status_button.click()  # asks the server again: not deployed (no stale Running)
    assert panel.error == "" and "is not deployed" in panel.status_view.value
    panel.infer_data = pd.read_json(CC_JSON, orient="records").head(2)
    panel.infer_button.click()  # the old URL is not reused: the server says it is not deployed
    assert panel.error.startswith("Not found (HTTP 404)") and "not deployed" in panel.error


# -- pipelines the demo seed deployed (not this console) -------------------------------------------------

def test_the_demo_pipeline_named_by_its_assay_can_be_operated(demo_session):
    demo_session.pipelines._has_current = False  # as a 2023-era instance (no list_pipelines: a 404)
    panel = panel_for(demo_session, "housepricesaga")
    assays = AssaysPanel(state=panel.state)  # names housepricepipe (the API lists no pipelines)
    assert assays.error == "", assays.error
    assert panel.table.select_where("name", "housepricepipe")
    assert panel.table.selected["origin"] == NAMED
    assert panel.attach_row.layout.display == "none"  # a named pipeline needs no "Attach name"
    panel.status_button.click()  # found through its inference URL
    assert panel.error == "", panel.error
    record = next(p for p in panel.state.pipelines if p["name"] == "housepricepipe")
    assert record["deployment_name"] == f"housepricepipe-{record['deployment_id']}"
    assert "Running" in panel.status_view.value and record["status"] == "Running"
    assert panel.url.value.endswith(f"/infer/{record['deployment_name']}/housepricepipe")
    assert record["models"] and record["models"][0]["name"] == "housepricemodel"

    panel.deploy_button.click()  # already Running, version unknown: said before any deploy request
    assert "already deployed as housepricepipe-" in panel.error and "has no known version" in panel.error

    panel.undeploy_button.click()
    assert panel.error == "", panel.error
    assert panel.url.value == "" and "undeployed" in panel.status_view.value
    panel.deploy_button.click()  # the server's latest version, with the models the old deployment reported
    assert panel.error == "", panel.error
    deploy_call = next(r for r in reversed(demo_session.history) if r.url.endswith("/pipelines/deploy"))
    assert deploy_call.json["pipeline_id"] == record["id"] and "pipeline_version_pk_id" not in deploy_call.json
    assert deploy_call.json["models"][0]["name"] == "housepricemodel"
    assert panel.message == "housepricepipe is Running" and "Running" in panel.status_view.value
    logs = demo_session.assays.get_baseline(panel.state.workspace["id"], "housepricepipe", limit=2)
    panel.infer_data = pd.DataFrame({"tensor": [r["in.tensor"] for r in logs[:2]]})
    panel.infer_button.click()
    assert panel.error == "" and len(panel.result.df) == 2


def test_an_id_only_demo_pipeline_gets_a_name_and_deploys(demo_session):
    demo_session.pipelines._has_current = False  # as a 2023-era instance (no list_pipelines: a 404)
    panel = panel_for(demo_session, "ccfraud-demo")
    ids = panel.state.workspace["pipelines"]
    assert panel.attach_row.layout.display == "none"  # nothing selected yet
    assert len(ids) == 1 and panel.table.select_where("id", ids[0])
    assert panel.table.selected["origin"] == ID_ONLY and panel.table.selected["name"] == ""
    assert panel.attach_row.layout.display == "flex"
    panel.status_button.click()
    assert "known only by its id" in panel.error and "Attach name" in panel.error
    panel.attach_name.value = "ccfraudpipe"
    panel.attach_button.click()
    assert panel.error == "", panel.error
    assert panel.message == f"Pipeline {ids[0]} is now ccfraudpipe (not deployed)"
    row = panel.table.df.set_index("id").loc[ids[0]]
    assert (row["name"], row["origin"], row["status"]) == ("ccfraudpipe", "named here", "not deployed")
    assert panel.attach_row.layout.display == "none"  # named now
    assert panel.state.pipeline["name"] == "ccfraudpipe"
    panel.deploy_button.click()
    assert panel.error == "", panel.error
    assert panel.message == "ccfraudpipe is Running" and panel.url.value.endswith("/ccfraudpipe")
    panel.infer_data = pd.read_json(CC_JSON, orient="records").head(3)
    panel.infer_button.click()
    assert panel.error == "" and len(panel.result.df) == 3 and "out.dense_1" in panel.result.df
