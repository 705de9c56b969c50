"""Users and workspaces endpoints over real HTTP, with the reference shapes."""

from __future__ import annotations

from sandbox_http import Client, new_user, token, uniq

USER_KEYS = {"id", "username", "enabled", "emailVerified", "createdTimestamp", "notBefore", "requiredActions",
             "disableableCredentialTypes", "access", "email"}
WS_KEYS = {"id", "name", "created_at", "created_by", "archived", "models", "pipelines"}


def test_users_query_all_by_id_and_unknown(sandbox):
    admin = Client(sandbox)
    uid, email, _ = new_user(admin)
    users = admin.ok("users/query", {})["users"]
    assert isinstance(users, dict) and uid in users
    assert USER_KEYS <= set(users[uid]) and users[uid]["email"] == users[uid]["username"] == email
    assert users[uid]["enabled"] is True and isinstance(users[uid]["createdTimestamp"], int)
    assert uid in admin.ok("users/query")["users"]  # no body at all = {}
    one = admin.ok("users/query", {"user_ids": [uid, "00000000-0000-0000-0000-000000000000"]})["users"]
    assert one[uid]["id"] == uid and one["00000000-0000-0000-0000-000000000000"] is None


def test_invite_generates_password_and_rejects_duplicates_and_bad_email(sandbox):
    admin = Client(sandbox)
    email = f"{uniq('inv')}@example.com"
    body = admin.ok("users/invite", {"email": email})
    assert set(body) == {"id", "password"} and len(body["password"]) >= 12
    assert token(sandbox, email, body["password"])["access_token"]
    r = admin.post("users/invite", {"email": email, "password": "x"})
    assert r.status_code == 400 and "already exists" in r.json()["msg"] and r.json()["code"] == 400
    r = admin.post("users/invite", {"email": "not-an-email"})
    assert r.status_code == 400 and "email" in r.json()["msg"]
    r = admin.post("users/invite", {})
    assert r.status_code == 400 and r.json()["msg"] == "missing field 'email'"


def test_activate_deactivate_shapes_and_unknown_email(sandbox):
    admin = Client(sandbox)
    uid, email, _ = new_user(admin)
    assert admin.ok("users/deactivate", {"email": email}) == {}
    assert admin.ok("users/query", {"user_ids": [uid]})["users"][uid]["enabled"] is False
    assert admin.ok("users/activate", {"email": email}) == {}
    assert admin.ok("users/query", {"user_ids": [uid]})["users"][uid]["enabled"] is True
    r = admin.post("users/deactivate", {"email": "ghost@example.com"})
    assert r.status_code == 404 and "ghost@example.com" in r.json()["msg"]
    r = admin.post("users/deactivate", {"email": sandbox.admin_email})
    assert r.status_code == 400


def test_non_admin_cannot_manage_users(sandbox):
    admin = Client(sandbox)
    _, email, password = new_user(admin)
    user = Client(sandbox, email, password)
    for path, body in (("users/invite", {"email": "x@y.z"}), ("users/deactivate", {"email": sandbox.admin_email}),
                       ("users/activate", {"email": email})):
        r = user.post(path, body)
        assert r.status_code == 403 and r.json()["code"] == 403


def test_default_workspace_create_list_and_duplicate(sandbox):
    admin = Client(sandbox)
    uid, email, password = new_user(admin)
    user = Client(sandbox, email, password)
    listed = user.ok("workspaces/list", {})["workspaces"]
    assert [w["name"] for w in listed] == [f"{email} - Default Workspace"]
    assert set(listed[0]) == WS_KEYS and listed[0]["created_by"] == uid and listed[0]["archived"] is False
    name = uniq("ws")
    wid = user.ok("workspaces/create", {"workspace_name": name})["workspace_id"]
    assert isinstance(wid, int)
    mine = {w["id"]: w for w in user.ok("workspaces/list")["workspaces"]}
    assert mine[wid]["name"] == name and mine[wid]["models"] == [] and mine[wid]["pipelines"] == []
    r = user.post("workspaces/create", {"workspace_name": name})
    assert r.status_code == 400 and "already exists" in r.json()["msg"]
    r = user.post("workspaces/create", {"workspace_name": 12})
    assert r.status_code == 400 and "workspace_name" in r.json()["msg"]
    # admins may list another user's workspaces, users may not
    assert wid in [w["id"] for w in admin.ok("workspaces/list", {"user_id": uid})["workspaces"]]
    admin_id = next(k for k, v in admin.ok("users/query", {})["users"].items() if v["email"] == sandbox.admin_email)
    r = user.post("workspaces/list", {"user_id": admin_id})
    assert r.status_code == 403


def test_add_list_remove_users(sandbox):
    admin = Client(sandbox)
    uid, email, _ = new_user(admin)
    wid = admin.ok("workspaces/create", {"workspace_name": uniq("team")})["workspace_id"]
    assert admin.ok("workspaces/add_user", {"workspace_id": wid, "email": email}) == {}
    users = admin.ok("workspaces/list_users", {"workspace_id": wid})["users"]
    types = {u["user_id"]: u["user_type"] for u in users}
    assert types[uid] == "COLLABORATOR" and "OWNER" in types.values()
    # the SDK's lower-case user_type and url extra
    admin.ok("workspaces/add_user", {"workspace_id": wid, "email": email, "user_type": "owner",
                                     "url": "http://localhost:3000"})
    types = {u["user_id"]: u["user_type"] for u in admin.ok("workspaces/list_users", {"workspace_id": wid})["users"]}
    assert types[uid] == "OWNER"
    r = admin.post("workspaces/add_user", {"workspace_id": wid, "email": email, "user_type": "boss"})
    assert r.status_code == 400 and "user_type" in r.json()["msg"]
    assert admin.ok("workspaces/remove_user", {"workspace_id": wid, "user_id": uid}) == {"affected_rows": 1}
    assert admin.ok("workspaces/remove_user", {"workspace_id": wid, "email": email}) == {"affected_rows": 0}
    r = admin.post("workspaces/add_user", {"workspace_id": wid, "email": "ghost@example.com"})
    assert r.status_code == 404
    r = admin.post("workspaces/add_user", {"workspace_id": 10**9, "email": email})
    assert r.status_code == 404 and r.json()["code"] == 404
    r = admin.post("workspaces/remove_user", {"workspace_id": wid})
    assert r.status_code == 400 and "email" in r.json()["msg"]
    admin_id = next(u["user_id"] for u in admin.ok("workspaces/list_users", {"workspace_id": wid})["users"])
    r = admin.post("workspaces/remove_user", {"workspace_id": wid, "user_id": admin_id})
    assert r.status_code == 400 and "last owner" in r.json()["msg"]


def test_features_list_with_and_without_body(sandbox):
    admin = Client(sandbox)
    for body in ({}, None):
        got = admin.ok("features/list", body)
        assert got["features"]["plateau"] == "true" and got["is_auth_enabled"] is True
        assert got["features"]["assays_v2"] == "true"  # the sandbox serves /v2/api/assays/*
        assert all(isinstance(v, str) for v in got["features"].values())


def test_keycloak_admin_rest_used_by_the_sdk(sandbox):
    import requests

    admin = Client(sandbox)
    uid, email, password = new_user(admin)
    base = f"{sandbox.url}/auth/admin/realms/master/users"
    got = requests.get(base, params={"email": email}, headers=admin.headers, timeout=30).json()
    assert [u["id"] for u in got] == [uid] and got[0]["enabled"] is True
    r = requests.put(f"{base}/{uid}", json={**got[0], "enabled": False}, headers=admin.headers, timeout=30)
    assert r.status_code == 204 and r.content == b""
    assert admin.ok("users/query", {"user_ids": [uid]})["users"][uid]["enabled"] is False
    requests.put(f"{base}/{uid}", json={"enabled": True, "firstName": "Ada"}, headers=admin.headers, timeout=30)
    rep = admin.ok("users/query", {"user_ids": [uid]})["users"][uid]
    assert rep["enabled"] is True and rep["firstName"] == "Ada"
    assert requests.get(base, params={"email": "none@x.y"}, headers=admin.headers, timeout=30).json() == []
    assert requests.put(f"{base}/nope", json={"enabled": True}, headers=admin.headers, timeout=30).status_code == 404
    user = Client(sandbox, email, password)
    assert requests.get(base, headers=user.headers, timeout=30).status_code == 403
    assert requests.get(base, timeout=30).status_code == 401
