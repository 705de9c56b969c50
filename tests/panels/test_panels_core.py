"""Panel core behaviour: "Show code" shows each action's own call, reloads queued while busy, standalone panels
with ``workspace=`` and the workspace menu, secret masking that keeps ordinary text intact, the Users panel's
temporary password, readable file errors, honest connect/upload status."""

from __future__ import annotations

import logging
import threading

import pandas as pd
import pytest
from testkit import uniq

from wallaroo_widgets import Session, secrets
from wallaroo_widgets.panels import (
    ConnectPanel,
    ConsoleState,
    InputError,
    ModelsPanel,
    UsersPanel,
    WorkspacesPanel,
    console,
)
from wallaroo_widgets.panels import validate as v
from wallaroo_widgets.panels.base import is_read_call, main_call
from wallaroo_widgets.panels.connect import identity_line

from .helpers import walk

FAKE_TOKEN = ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSIsImV4cCI6NDEwMjQ0NDgwMCwiZW1haWwiOiJhQGIuY28ifQ."
              "c2lnbmF0dXJlLXNlY3JldA")


def widget_states(panel) -> str:
    """Every synced trait of every widget (what a saved notebook would keep)."""
    return str([w.get_state() for w in walk(panel)])


def endpoint(panel) -> str:
    return panel.last_record.url.rsplit("/v1/api/", 1)[-1]


# -- 1. show code ---------------------------------------------------------------------------------------------
def test_main_call_is_the_first_write_else_the_first_call():
    from wallaroo_widgets.codegen import CallRecord

    query = CallRecord("POST", "http://h/v1/api/users/query")
    invite = CallRecord("POST", "http://h/v1/api/users/invite")
    infer = CallRecord("POST", "http://h/v1/api/pipelines/p/infer")
    assert is_read_call(query) and not is_read_call(invite) and not is_read_call(infer)
    assert main_call([query, invite, query]) is invite and main_call([query]) is query and main_call([]) is None
    # the method's own declaration wins over the endpoint's verb (assays/run_interactive_baseline reads)
    declared = CallRecord("POST", "http://h/v1/api/things/create_preview", read=True)
    assert is_read_call(declared) and not is_read_call(CallRecord("POST", "http://h/v1/api/x/list", read=False))


def test_show_code_names_each_actions_own_endpoint(session):
    con = console(session)
    users, spaces, pipes = con.panel("Users"), con.panel("Workspaces"), con.panel("Pipelines")
    email = f"{uniq('code')}@example.com"
    users.email.value = email
    users.invite_button.click()
    assert users.error == "" and endpoint(users) == "users/invite"  # not the reload's users/query
    python = users.code_snippet("python")
    assert f"users.invite({email!r})" in python and "# then: users.query()" in python

    name = uniq("codews")
    spaces.name.value = name
    spaces.create_button.click()  # also reloads, selects, loads members and drives every other tab
    assert spaces.error == "" and endpoint(spaces) == "workspaces/create"
    spaces.member_email.value = email
    spaces.add_button.click()
    assert spaces.error == "" and endpoint(spaces) == "workspaces/add_user"
    assert "/v1/api/workspaces/add_user" in spaces.code_snippet("curl")
    assert endpoint(con.panel("Models")) == "models/list"  # its own reload, not the Workspaces calls

    pipes.name.value = uniq("codepipe")
    pipes.create_button.click()  # selecting the new pipeline makes the Assays tab reload
    assert pipes.error == "", pipes.error
    assert endpoint(pipes) == "pipelines/create" and "pipelines.create(" in pipes.code_snippet("python")


def test_connect_shows_the_login_with_secrets_masked(sandbox):
    panel = ConnectPanel()
    panel.url.value, panel.username.value = sandbox.url, sandbox.admin_email
    panel.password.value, panel.client_secret.value = sandbox.admin_password, sandbox.client_secret
    panel.connect_button.click()
    assert panel.error == "", panel.error
    curl, req, py = (panel.code_snippet(lang) for lang in ("curl", "requests", "python"))
    assert "openid-connect/token" in curl and "grant_type=password" in curl and "password=***" in curl
    assert "'password': '***'" in req and "features" not in curl
    assert "Session.password(" in py and "os.environ['WALLAROO_PASSWORD']" in py
    for text in (curl, req, py):
        assert sandbox.client_secret not in text and f"password={sandbox.admin_password}" not in text
        assert sandbox.admin_email in text or "Session.password" not in text  # the user name stays readable


# -- 2. reloads while busy ------------------------------------------------------------------------------------
def _block(panel):
    """Start a background action on ``panel`` that runs until the returned event is set."""
    release = threading.Event()
    panel.run_action(lambda: release.wait(10), background=True)
    assert panel.busy
    return release


def test_a_selection_while_busy_is_queued_and_its_error_shown_inline(session):
    panel = WorkspacesPanel(session)
    release = _block(panel)
    calls = len(session.history)
    panel.table.set_df(pd.DataFrame([{"id": 987654321, "name": "ghost"}]))
    panel.table.select(0)  # the observer must neither call the API now nor raise into the notebook
    assert len(session.history) == calls and panel.state.workspace["id"] == 987654321
    release.set()
    panel.wait()
    assert not panel.busy and panel.error.startswith("Not found (HTTP 404)"), panel.error
    assert endpoint(panel) == "workspaces/list_users" and "Traceback" not in panel.status.value


def test_workspace_changes_while_models_is_busy_reload_after_it(session):
    wid = session.workspaces.create(uniq("busyws"))["workspace_id"]
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    session.models.upload(uniq("m"), wid, ccfraud_onnx(), filename="m.onnx")
    state = ConsoleState(session=session)
    models = ModelsPanel(state=state)
    release = _block(models)
    state.workspace = {"id": wid, "name": "x"}
    state.workspace = {"id": wid, "name": "x2"}  # queued reloads coalesce
    assert len(models.table.df) == 0
    release.set()
    models.wait()
    assert models.error == "" and len(models.table.df) == 1
    assert sum(1 for r in session.history if r.url.endswith("/models/list")) >= 1


# -- 3. standalone panels -------------------------------------------------------------------------------------
def test_standalone_models_panel_takes_workspace_and_offers_a_menu(session):
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    name = uniq("alone")
    wid = session.workspaces.create(name)["workspace_id"]
    session.models.upload("lonely", wid, ccfraud_onnx(), filename="m.onnx")
    for ref in (name, wid, str(wid), {"id": wid}, {"name": name}):
        panel = ModelsPanel(session, workspace=ref)
        assert panel.error == "", (ref, panel.error)
        assert panel.state.workspace["id"] == wid and panel.state.workspace["name"] == name
        assert panel.table.df["name"].tolist() == ["lonely"]
        assert panel.picker.layout.display == "flex" and panel.picker.dropdown.value == wid

    missing = ModelsPanel(session, workspace="no-such-workspace")
    assert missing.error == "No workspace with name 'no-such-workspace' is visible to this user"

    bare = ModelsPanel(session)
    bare.name.value = "m2"
    bare.upload_button.click()
    bare.wait()
    assert bare.error == "Choose a workspace in the Workspace menu above (or pass workspace=...)"
    assert wid in [value for _label, value in bare.picker.dropdown.options]
    bare.picker.dropdown.value = wid  # choosing in the menu loads the models
    assert bare.error == "" and bare.state.workspace["name"] == name and len(bare.table.df) == 1
    assert " tab" not in bare.status.value  # no tab to point at outside a console

    con = console(session)
    inside = con.panel("Models")
    assert inside.picker.layout.display == "none"
    inside.upload_button.click()
    inside.wait()
    assert inside.error == "Select a workspace in the Workspaces tab first"


def test_workspace_argument_waits_for_a_session(session):
    name = uniq("later")
    wid = session.workspaces.create(name)["workspace_id"]
    panel = ModelsPanel(workspace=name)
    panel.refresh_button.click()
    assert panel.error.startswith("Not connected: pass a session, e.g. ModelsPanel(Session.from_env())")
    panel.state.session = session
    assert panel.error == "" and panel.state.workspace["id"] == wid


# -- 4. masking -----------------------------------------------------------------------------------------------
def test_scrub_masks_short_secrets_only_as_values_and_long_ones_everywhere():
    short, long_ = "admin", "s3cret-Client-9"
    cases = {
        "a user with email 'admin@wallaroo.local' already exists": "a user with email 'admin@wallaroo.local' "
                                                                   "already exists",
        "users.invite('admin@wallaroo.local', password='admin')": "users.invite('admin@wallaroo.local', "
                                                                  "password='***')",
        "Invalid password 'admin' for admin@x.io": "Invalid password '***' for admin@x.io",
        '{"password": "admin", "username": "admin"}': '{"password": "***", "username": "admin"}',
        "grant_type=password&password=admin&username=admin": "grant_type=password&password=***&username=admin",
        f"secret {long_} leaked in a sentence": "secret *** leaked in a sentence",
        "Password is required": "Password is required",
        "client_secret=None": "client_secret=None",
    }
    for text, expected in cases.items():
        assert secrets.scrub(text, [short, long_]) == expected
    # an unknown value under a secret field is masked too
    assert secrets.scrub("password: hunter", []) == "password: ***"
    assert FAKE_TOKEN not in secrets.scrub(f"boom {FAKE_TOKEN}", [])


def test_a_short_admin_password_never_shows_and_never_corrupts_emails(session, sandbox):
    assert len(sandbox.admin_password) < secrets.SUBSTRING_MIN  # "admin", inside admin@wallaroo.local
    panel = UsersPanel(session)
    panel.email.value = sandbox.admin_email
    panel.password.value = sandbox.admin_password
    panel.invite_button.click()  # duplicate: the server's message, emails intact
    assert "already exists" in panel.error and sandbox.admin_email in panel.error and "***@" not in panel.error
    assert panel.password.value == ""  # cleared after a failed invite too
    python = panel.code_snippet("python")
    assert f"users.invite({sandbox.admin_email!r}, password='***')" in python
    assert f"password={sandbox.admin_password!r}" not in python and f"'{sandbox.admin_password}'" not in python
    panel.email.value = f"{uniq('typed')}@example.com"
    panel.password.value = "Typed-pw-123"
    panel.invite_button.click()
    assert panel.error == "" and panel.password.value == "" and "Typed-pw-123" not in widget_states(panel)


# -- 5. temporary password ------------------------------------------------------------------------------------
def test_invite_offers_the_generated_password_once(session, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    panel = UsersPanel(session)
    email = f"{uniq('temp')}@example.com"
    panel.email.value = email
    panel.invite_button.click()
    assert panel.error == "" and "temporary password above" in panel.message
    temp = panel.temp_password
    assert temp and repr(temp) == "***" and panel.temp_box.layout.display == "flex"
    assert str(temp) not in widget_states(panel)  # masked until revealed
    panel.reveal.value = True
    assert str(temp) in panel.temp_value.value
    # it is the real password: the invited user can log in with it
    who = Session.password(sandbox.url, email, str(temp), client_secret=sandbox.client_secret).identity()
    assert who["email"] == email
    panel.refresh_button.click()  # the next action forgets it
    assert panel.temp_password is None and panel.temp_box.layout.display == "none"
    assert str(temp) not in widget_states(panel) and str(temp) not in caplog.text


# -- 6. readable file / SDK errors ----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "content", "message"), [
    ("rows.arrow", b"not arrow at all", "Inference file 'rows.arrow' is not an Arrow IPC file or stream"),
    ("rows.json", b'{"a": 1}', "Inference file 'rows.json': a column dict needs a list of values per column"),
    ("rows.json", b'{"a": [1], "b": [1, 2]}', "every column list must have the same length"),
    ("rows.json", b"\xff\x00garbage", "Inference file 'rows.json' is not valid JSON"),
    ("rows.json", b"[1, 2]", "must hold a list of row objects"),
])
def test_table_file_errors_name_the_field(name, content, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        v.table_file(name, content)
    assert v.table_file("rows.json", b'{"a": [1, 2]}')["a"].tolist() == [1, 2]


def test_a_bad_sdk_object_is_a_readable_input_error():
    panel = ConnectPanel()
    panel.method.value = "sdk"
    panel.sdk_client = object()
    panel.connect_button.click()
    assert panel.error.startswith("SDK client 'object' is not a connected wallaroo.Client")
    assert "ValueError" not in panel.error


# -- 7. honest connect status ---------------------------------------------------------------------------------
def test_static_tokens_are_not_said_to_refresh(session):
    static = Session.token("http://127.0.0.1:9", FAKE_TOKEN)
    line = identity_line(static)
    assert "reconnect with a new token then" in line and "refreshed automatically" not in line
    assert "refreshed automatically" in identity_line(session)


def test_the_not_connected_notice_goes_away_after_connect(sandbox, monkeypatch):
    for name in ("WALLAROO_URL", "WALLAROO_TOKEN", "WALLAROO_USER", "WALLAROO_PASSWORD", "WALLAROO_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    con = console()
    assert "Not connected" in con.notice.value
    connect = con.panel("Connect")
    connect.url.value, connect.username.value = sandbox.url, sandbox.admin_email
    connect.password.value, connect.client_secret.value = sandbox.admin_password, sandbox.client_secret
    connect.connect_button.click()
    assert connect.error == "" and con.notice.value == "" and connect.message == "Connected"


# -- 8. upload progress ---------------------------------------------------------------------------------------
def test_upload_progress_follows_bytes_only_for_streams(session, tmp_path):
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    wid = session.workspaces.create(uniq("prog"))["workspace_id"]
    path = tmp_path / "m.onnx"
    path.write_bytes(ccfraud_onnx())
    panel = ModelsPanel(session, workspace=wid)
    notes, values, cancel = [], [], []
    panel.upload_note.observe(lambda c: notes.append(c["new"]), "value")
    panel.progress.observe(lambda c: values.append(c["new"]), "value")
    panel.cancel_button.observe(lambda c: cancel.append(c["new"]), "disabled")
    panel.name.value, panel.path.value, panel.mode.value = "plainup", str(path), "plain"
    panel.upload_button.click()
    panel.wait()
    assert panel.error == "", panel.error
    assert any("<progress" in n and "no byte progress" in n for n in notes) and notes[-1] == ""
    assert values == [] and panel.progress.layout.visibility == "hidden"  # no fake 0 -> 100 %
    assert False not in cancel  # Cancel never offered for a multipart request
    notes.clear()
    panel.name.value, panel.mode.value = "streamup", "stream"
    panel.upload_button.click()
    panel.wait()
    assert panel.error == "" and values[-1] == 1.0 and panel.progress.bar_style == "success"
    assert notes == [] or all("<progress" not in n for n in notes)
    assert False in cancel and panel.cancel_button.disabled  # offered while streaming, off afterwards


def test_queued_runs_keep_the_actions_report_and_show_a_failure_once():
    offline = Session.token("http://127.0.0.1:9", FAKE_TOKEN, retries=0)
    panel = WorkspacesPanel()
    ran = []

    def action():
        panel.run_when_idle("quiet", lambda: ran.append("quiet"))
        panel.run_when_idle("quiet", lambda: ran.append("quiet again"))  # same label: only the last runs
        panel.message = "Done"

    panel.run_action(action)
    assert ran == ["quiet again"] and panel.message == "Done" and panel.error == ""
    panel.state.session = offline  # the session load fails (nothing listens on the port)
    first = panel.error
    assert first.startswith("Connection failed")

    def failing():
        for label in ("a", "b"):  # two different reloads failing the same way
            panel.run_when_idle(label, panel._load)
    panel.run_action(failing)
    assert panel.error == first and not panel.busy  # reported once
