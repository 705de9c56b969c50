"""Panels driven like a user (set values, ``.click()``) against the real sandbox over HTTP."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from testkit import uniq

from wallaroo_widgets import errors
from wallaroo_widgets.panels import (
    ConnectPanel,
    ConsoleState,
    EnablementPanel,
    ModelsPanel,
    PipelinesPanel,
    UsersPanel,
    WorkspacesPanel,
    console,
)

from .helpers import rendered_text

CC_JSON = Path(__file__).resolve().parents[1] / "data/wallaroo_tutorials/ccfraud/cc_data_api_1k.df.json"


def secrets_of(session) -> list[str]:
    """Token, refresh token and client secret (the sandbox admin password "admin" is part of the admin's
    email, so it is checked only where it is typed: the Connect panel test)."""
    return [str(s) for s in session.provider.secret_values() if s and len(s) >= 8]


def test_invite_activate_deactivate_through_the_users_panel(session):
    panel = UsersPanel(session)
    assert panel.error == "" and len(panel.table.df) >= 1
    email = f"{uniq('panel')}@example.com"
    panel.email.value = email
    panel.invite_button.click()
    assert panel.error == "", panel.error
    assert panel.message.startswith(f"Invited {email}")
    users = {u.get("email"): u for u in session.users.query()}
    assert email in users and users[email]["enabled"] is True
    assert panel.table.selected["email"] == email  # the new user is selected in the table
    panel.deactivate_button.click()
    assert panel.error == "" and {u.get("email"): u for u in session.users.query()}[email]["enabled"] is False
    assert panel.table.selected["enabled"] is False  # reloaded, same row kept
    panel.activate_button.click()
    assert {u.get("email"): u for u in session.users.query()}[email]["enabled"] is True

    # the same email again: the server's msg is shown inline, no exception escapes
    with pytest.raises(errors.WallarooError) as direct:
        session.users.invite(email)
    panel.email.value = email
    panel.invite_button.click()
    assert direct.value.msg in panel.error and f"HTTP {direct.value.status}" in panel.error
    assert "Traceback" not in panel.status.value

    # show code teaches the last call, token masked
    panel.show_code.value = True
    assert "/v1/api/users/invite" in panel.code_snippet("curl") and "<token>" in panel.code_snippet("curl")
    assert "users.invite(" in panel.code_snippet("python")
    for secret in secrets_of(session):
        assert secret not in rendered_text(panel)


def test_workspaces_panel_create_select_and_members(session):
    state = ConsoleState(session=session)
    panel = WorkspacesPanel(state=state)
    name = uniq("ws")
    panel.name.value = name
    panel.create_button.click()
    assert panel.error == "", panel.error
    assert name in [w["name"] for w in session.workspaces.list()]
    assert state.workspace["name"] == name  # the new workspace drives the other panels
    wid = state.workspace["id"]
    email = f"{uniq('member')}@example.com"
    session.users.invite(email)
    panel.member_email.value = email
    assert [label for label, _ in panel.member_type.options] == ["COLLABORATOR", "OWNER"]  # as the members table writes them
    panel.member_type.value = "collaborator"  # the value the API takes
    panel.add_button.click()
    assert panel.error == "", panel.error
    assert panel.message.endswith(" as COLLABORATOR")
    members = session.workspaces.list_users(wid)
    assert any(m["user_type"] == "COLLABORATOR" for m in members)
    assert email in panel.members.df["email"].tolist()
    assert panel.members.select_where("email", email)
    panel.remove_button.click()
    assert panel.error == "" and email not in panel.members.df["email"].tolist()
    assert len(session.workspaces.list_users(wid)) == len(members) - 1

    panel.name.value = name  # duplicate name: server message inline
    panel.create_button.click()
    assert panel.error.startswith("Rejected by the server (HTTP 400)") or "HTTP 4" in panel.error


def test_models_and_pipelines_panels_upload_deploy_infer(session, tmp_path):
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    state = ConsoleState(session=session)
    wid = session.workspaces.create(uniq("mp"))["workspace_id"]
    models = ModelsPanel(state=state)
    pipes = PipelinesPanel(state=state)
    pipes.background = False  # deploy polls in the foreground here
    state.workspace = {"id": wid, "name": "mp"}
    path = tmp_path / "ccfraud.onnx"
    path.write_bytes(ccfraud_onnx())
    for mode in ("plain", "stream", "convert"):
        models.name.value = uniq(f"cc{mode}")
        models.path.value = str(path)
        models.mode.value = mode
        models.upload_button.click()
        models.wait()
        assert models.error == "", (mode, models.error)
        if mode == "stream":  # bytes sent drive the bar
            assert models.progress.value == 1.0 and models.progress.bar_style == "success"
        else:  # one multipart request: an indeterminate note while it runs, no fake 100 %
            assert models.progress.layout.visibility == "hidden" and models.upload_note.value == ""
        # show code: the upload itself, not the reload or the selected model's config
        endpoint = {"plain": "upload", "stream": "upload_stream", "convert": "upload_and_convert"}[mode]
        assert models.last_record.url.endswith(f"/v1/api/models/{endpoint}")
        assert f"models.{endpoint}(" in models.code_snippet("python")
    assert len(session.models.list(wid)) == 3
    assert models.table.selected is not None and len(models.versions.df) == 1
    assert "model_config" in models.details.value or "Config" in models.details.value

    # create with one model step chosen from the workspace's models
    pipes._workspace_changed(None)  # (already loaded via the state observer; reload is idempotent)
    assert len(pipes.step_models.options) == 3
    pipes.step_models.value = (pipes.step_models.options[0][1],)
    name = uniq("pipe")
    pipes.name.value = name
    pipes.create_button.click()
    assert pipes.error == "", pipes.error
    assert pipes.table.selected["name"] == name and state.pipeline["name"] == name
    pipes.deploy_button.click()
    assert pipes.error == "", pipes.error
    assert pipes.progress.value == 1.0 and "Running" in pipes.status_view.value
    assert pipes.url.value == session.pipelines.external_url(wid, name)

    rows = pd.read_json(CC_JSON, orient="records").head(5)
    pipes.infer_data = rows
    pipes.infer_button.click()
    assert pipes.error == "", pipes.error
    assert len(pipes.result.df) == 5 and "out.dense_1" in pipes.result.df

    arrow = io.BytesIO()
    table = pa.table({"dense_input": pa.array(rows["dense_input"].tolist(), type=pa.list_(pa.float32(), 29))})
    with pa.ipc.new_file(arrow, table.schema) as writer:
        writer.write_table(table)
    from_frame = pipes.result.df["out.dense_1"].tolist()
    for fname, content in (("rows.json", rows.to_json(orient="records").encode()), ("rows.arrow", arrow.getvalue())):
        pipes.infer_data = None
        pipes.infer_file.value = ({"name": fname, "type": "", "size": len(content), "content": memoryview(content),
                                   "last_modified": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)},)
        pipes.infer_button.click()
        assert pipes.error == "", (fname, pipes.error)
        assert pipes.result.df["out.dense_1"].tolist() == from_frame
        assert len(pipes.result.df) == 5
    pipes.infer_file.value = ()

    pipes.infer_data = pd.DataFrame({"dense_input": [[1.0, 2.0]]})  # wrong shape: server message inline
    pipes.infer_button.click()
    assert pipes.error and "Traceback" not in pipes.error

    pipes.copy_name.value = uniq("copy")
    pipes.copy_button.click()
    assert pipes.error == "" and len(state.pipelines) == 2
    pipes.table.select_where("name", name)
    pipes.undeploy_button.click()
    assert pipes.error == "" and pipes.message == f"Undeployed {name}"


def test_enablement_panel(session):
    panel = EnablementPanel(session)
    body = session.features.list()
    assert panel.error == "" and panel.features == body["features"]
    assert str(body["name"]) in panel.name.value


def test_connect_panel_password_flow_shows_identity_never_secrets(sandbox, session):
    email, password = f"{uniq('conn')}@example.com", f"Pw-{uuid.uuid4().hex}"
    session.users.invite(email, password)
    panel = ConnectPanel()
    panel.url.value = sandbox.url
    panel.method.value = "password"
    panel.username.value = email
    panel.password.value = "wrong-password"
    panel.client_secret.value = sandbox.client_secret
    panel.connect_button.click()
    assert panel.error.startswith("Not authenticated") and panel.state.session is None
    panel.password.value = password
    panel.client_secret.value = sandbox.client_secret
    panel.connect_button.click()
    assert panel.error == "", panel.error
    sess = panel.state.session
    assert sess is not None and "token expires at" in panel.who.value
    assert f"as {email}" in panel.who.value and sess.identity()["email"] == email
    assert panel.password.value == "" and panel.client_secret.value == ""
    text = rendered_text(panel)
    for secret in [*secrets_of(sess), password, sandbox.client_secret]:
        assert secret not in text

    token_panel = ConnectPanel()
    token_panel.url.value = sandbox.url
    token_panel.method.value = "token"
    token = sess.provider.access_token()
    token_panel.token.value = token
    token_panel.connect_button.click()
    assert token_panel.error == "" and token_panel.token.value == ""
    assert token not in rendered_text(token_panel)


def test_console_loads_every_tab_and_renders_no_secret(session):
    con = console(session)
    errors_shown = {t: p.error for t, p in con.panels.items() if p.error}
    assert errors_shown == {}
    ws = con.panel("Workspaces")
    assert len(ws.table.df) >= 1
    ws.table.select(0)
    assert con.state.workspace["id"] == ws.table.df["id"].iloc[0]
    for p in con.panels.values():
        p.show_code.value = True
    text = rendered_text(con)
    for secret in secrets_of(session):
        assert secret not in text


def test_deploy_in_the_background_can_be_cancelled(session):
    state = ConsoleState(session=session)
    wid = session.workspaces.create(uniq("cancel"))["workspace_id"]
    state.workspace = {"id": wid, "name": "cancel"}
    pipes = PipelinesPanel(state=state)
    pipes.name.value = uniq("slow")
    pipes.create_button.click()
    assert pipes.error == ""
    pipes.deploy_button.click()  # runs in a thread (panel.background is True by default)
    assert pipes.busy and pipes.deploy_button.disabled and not pipes.cancel_button.disabled
    pipes.cancel()
    pipes.wait(30)
    assert not pipes.busy and pipes.error == "Cancelled" and pipes.progress.bar_style == "danger"
    assert not pipes.deploy_button.disabled and pipes.cancel_button.disabled


def test_a_failed_deployment_is_shown_inline_with_the_server_reason(session, tmp_path):
    """A model the engine cannot load: the deploy ends in Error, shown inline (no traceback), table says Error."""
    state = ConsoleState(session=session)
    wid = session.workspaces.create(uniq("fail"))["workspace_id"]
    blob = tmp_path / "model.h5"
    blob.write_bytes(b"not a keras model")
    up = session.models.upload_and_convert(uniq("keras"), wid, blob, framework="keras")
    model = session.models.get_by_id(up["id"])
    ver = session.models.list_versions(model["name"], up["id"])[-1]
    pipes = PipelinesPanel(state=state)
    pipes.background = False
    state.workspace = {"id": wid, "name": "fail"}
    pipes.step_models.value = tuple(o[1] for o in pipes.step_models.options if ver["sha"] in o[1])
    name = uniq("pipe")
    pipes.name.value = name
    pipes.create_button.click()
    assert pipes.error == "", pipes.error
    pipes.deploy_button.click()
    assert "failed" in pipes.error and "cannot be loaded by onnxruntime" in pipes.error
    assert "Traceback" not in pipes.error and pipes.progress.bar_style == "danger"
    assert state.pipeline["name"] == name
    assert pipes.table.df.set_index("name").loc[name, "status"] == "Error"
    assert not pipes.busy and not pipes.deploy_button.disabled
