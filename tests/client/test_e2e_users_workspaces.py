"""End to end against the real sandbox over HTTP: users, workspaces, features, codegen snippets."""

from __future__ import annotations

import json
import subprocess

import pytest
from testkit import uniq

from wallaroo_widgets import Session, errors


def _admin_id(session) -> str:
    return session.identity()["sub"]


def test_users_query_invite_activate_deactivate(sandbox, session):
    email = f"{uniq('user')}@example.com"
    invited = session.users.invite(email, password="Initial-pass-1")
    assert isinstance(invited, dict)
    everyone = session.users.query()
    by_email = {u.get("email"): u for u in everyone}
    assert email in by_email and by_email[email]["enabled"] is True
    assert isinstance(everyone.raw["users"], dict)  # the dict-keyed-by-id shape
    uid = by_email[email]["id"]
    assert invited["id"] == uid and "Initial-pass-1" not in repr(invited)
    one = session.users.query([uid])
    assert [u["id"] for u in one] == [uid]
    assert one.df.loc[0, "email"] == email and str(one.df["created_at"].dt.tz) == "UTC"
    mixed = session.users.query([uid, "00000000-no-such-user"])
    assert [u["id"] for u in mixed] == [uid]  # the unknown id's null is skipped ...
    assert mixed.raw["users"]["00000000-no-such-user"] is None  # ... and kept in .raw
    assert len(mixed.df) == 1

    Session.password(sandbox.url, email, "Initial-pass-1", client_secret=sandbox.client_secret).workspaces.list()
    session.users.deactivate(email)
    assert session.users.query([uid])[0]["enabled"] is False
    with pytest.raises(errors.AuthenticationError):
        Session.password(sandbox.url, email, "Initial-pass-1", client_secret=sandbox.client_secret).workspaces.list()
    session.users.activate(email)
    assert session.users.query([uid])[0]["enabled"] is True
    with pytest.raises(errors.ValidationError) as ei:
        session.users.invite(email)
    assert ei.value.msg and ei.value.status == 400


def test_workspaces_lifecycle(sandbox, session):
    name = uniq("ws")
    wid = session.workspaces.create(name)["workspace_id"]
    listed = session.workspaces.list()
    assert name in [w["name"] for w in listed]
    row = listed.df.set_index("id").loc[wid]
    assert row["name"] == name and row["num_models"] == 0 and str(listed.df["created_at"].dt.tz) == "UTC"
    assert wid in [w["id"] for w in session.workspaces.list(user_id=_admin_id(session))]
    with pytest.raises(errors.ValidationError) as ei:
        session.workspaces.create(name)
    assert ei.value.status == 400 and ei.value.endpoint.endswith("/v1/api/workspaces/create") and ei.value.msg

    email = f"{uniq('member')}@example.com"
    session.users.invite(email, password="Member-pass-1")
    uid = next(u["id"] for u in session.users.query() if u.get("email") == email)
    session.workspaces.add_user(wid, email, user_type="Collaborator")
    members = {m["user_id"]: m["user_type"] for m in session.workspaces.list_users(wid)}
    assert members[uid] == "COLLABORATOR" and members[_admin_id(session)] == "OWNER"
    assert wid in [w["id"] for w in session.workspaces.list(user_id=uid)]
    assert session.workspaces.remove_user(wid, email=email)["affected_rows"] == 1
    assert uid not in {m["user_id"] for m in session.workspaces.list_users(wid)}
    session.workspaces.add_user(wid, user_id=uid)
    assert session.workspaces.remove_user(wid, user_id=uid)["affected_rows"] == 1
    assert session.workspaces.remove_user(wid, user_id=uid)["affected_rows"] == 0


def test_features(session):
    feats = session.features.list()
    assert isinstance(feats["features"], dict)
    assert all(isinstance(v, str) for v in feats["features"].values())
    assert isinstance(feats["is_auth_enabled"], bool)


def test_bad_input_gets_typed_error_with_server_msg(session):
    with pytest.raises(errors.ValidationError) as ei:
        session.post("/v1/api/workspaces/create", {"workspace_name": 12})
    assert ei.value.msg and ei.value.status in (400, 422)
    with pytest.raises(errors.NotFoundError):
        session.pipelines.status(uniq("no-such-deploy") + "-999999")
    with pytest.raises(errors.AuthenticationError):
        Session.password(session.url, "admin@wallaroo.local", "definitely-wrong",
                         client_secret="sandbox-secret").workspaces.list()


def test_curl_and_requests_snippets_run_against_the_sandbox(session):
    name = uniq("snip")
    session.workspaces.create(name)
    session.workspaces.list()
    rec = session.last_call
    token = session.provider.access_token()
    assert token not in rec.to_curl() and token not in rec.to_requests()
    argv = ["bash", "-c", rec.to_curl().replace("<token>", token) + " --silent --fail"]
    out = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True, timeout=30).stdout)
    assert name in [w["name"] for w in out["workspaces"]]
    printed = []
    exec(compile(rec.to_requests().replace("<token>", token), "snippet", "exec"), {"print": printed.append})
    assert name in [w["name"] for w in printed[0]["workspaces"]]


def test_token_snippet_runs_against_the_sandbox(sandbox, session):
    from wallaroo_widgets.codegen import token_snippets

    curl = token_snippets(session.provider)["curl"]
    real = curl.replace("api-client:***", f"api-client:{sandbox.client_secret}").replace(
        "password=***", f"password={sandbox.admin_password}")
    out = subprocess.run(["bash", "-c", real + " --silent --fail"], capture_output=True, text=True, check=True,
                         timeout=30)
    token = json.loads(out.stdout)["access_token"]
    assert Session.token(sandbox.url, token).identity()["sub"] == session.identity()["sub"]
