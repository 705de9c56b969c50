"""Pipelines tab on an instance with today's calls: every pipeline of the workspace listed (versions, steps,
deployment) without any attach step; Delete asks first, a deployed pipeline's refusal shows inline, an
undeployed one goes."""

from __future__ import annotations

from wallaroo_widgets.panels import ConsoleState, PipelinesPanel
from wallaroo_widgets.panels.pipeline_listing import LISTED

from .test_pipelines_panel import uniq, workspace_record


def test_lists_every_pipeline_and_deletes_with_confirmation(session):
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    ws_name = uniq("listing")
    wid = session.workspaces.create(ws_name)["workspace_id"]
    mid = session.models.upload(uniq("cc"), wid, ccfraud_onnx())["id"]
    model = session.models.get_by_id(mid)
    ver = session.models.list_versions(model["name"], mid)[-1]
    step = session.pipelines.model_step({"name": model["name"], "version": ver["model_version"], "sha": ver["sha"]})
    idle, live = uniq("idle"), uniq("live")
    session.pipelines.create(idle, wid, [step])
    session.pipelines.create(idle, wid, [step])  # two versions
    made = session.pipelines.create(live, wid, [step])
    dep = session.pipelines.deploy(live, made["pipeline_variant_pk_id"], made["pipeline_pk_id"], model_ids=[mid])

    state = ConsoleState(session=session)
    panel = PipelinesPanel(state=state)
    panel.background = False
    state.workspace = workspace_record(session, ws_name)
    assert panel.error == "", panel.error
    assert panel.listed and panel.attach_row.layout.display == "none"
    df = panel.table.df.set_index("name")
    assert set(df.index) == {idle, live} and set(df["origin"]) == {LISTED}
    assert df.loc[idle, "versions"] == 2 and df.loc[live, "versions"] == 1
    assert df.loc[idle, "models"] == model["name"] and df.loc[idle, "status"] == "not deployed"
    assert df.loc[live, "status"] == "deployed" and df.loc[live, "deployment_id"] == dep["id"]

    assert panel.table.select_where("name", live)
    panel.status_button.click()  # the listing named the deployment: Status needs no discovery
    assert panel.error == "" and "Deployment status" in panel.status_view.value
    panel.delete_button.click()
    assert panel.confirm.layout.display == "flex" and live in panel.confirm.question.value
    panel.confirm.yes.click()
    assert "Conflict" in panel.error or "409" in panel.error, panel.error
    assert "deployed" in panel.error and live in panel.table.df["name"].tolist()

    assert panel.table.select_where("name", idle)
    panel.delete_button.click()
    panel.confirm.no.click()  # Keep: nothing sent
    assert panel.confirm.layout.display == "none" and idle in panel.table.df["name"].tolist()
    panel.delete_button.click()
    assert "2 version(s)" in panel.confirm.question.value
    panel.confirm.yes.click()
    assert panel.error == "", panel.error
    assert panel.message == f"Deleted pipeline {idle}" and panel.table.df["name"].tolist() == [live]
    assert [p["pipeline"]["name"] for p in session.pipelines.list_pipelines(wid)] == [live]


def test_models_tab_delete_asks_and_a_used_model_is_refused_inline(session):
    from wallaroo_widgets.panels import ModelsPanel
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    ws_name = uniq("delmodels")
    wid = session.workspaces.create(ws_name)["workspace_id"]
    used, spare = uniq("used"), uniq("spare")
    mid = session.models.upload(used, wid, ccfraud_onnx())["id"]
    session.models.upload(spare, wid, ccfraud_onnx())
    ver = session.models.list_versions(used, mid)[-1]
    session.pipelines.create(uniq("user"), wid, [session.pipelines.model_step(
        {"name": used, "version": ver["model_version"], "sha": ver["sha"]})])
    state = ConsoleState(session=session)
    panel = ModelsPanel(state=state)
    panel.background = False
    state.workspace = workspace_record(session, ws_name)
    assert panel.table.select_where("name", used)
    panel.delete_button.click()
    assert used in panel.confirm.question.value
    panel.confirm.yes.click()
    assert "used by pipelines" in panel.error and used in panel.table.df["name"].tolist()
    assert panel.table.select_where("name", spare)
    panel.delete_button.click()
    panel.confirm.yes.click()
    assert panel.error == "", panel.error
    assert panel.message.startswith(f"Deleted model {spare} (0 bytes freed)")  # same bytes as the used model
    assert panel.table.df["name"].tolist() == [used]
