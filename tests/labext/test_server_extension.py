"""The server extension over HTTP (pytest-jupyter ``jp_fetch``) against a real demo sandbox: status, tree,
the allowlisted proxy, credentials staying server-side, and Jupyter auth on every route."""

from __future__ import annotations

import json

import pytest
import tornado.httpclient

from wallaroo_widgets import __version__

from .conftest import RECORDER_ANSWERS, Recorder

pytestmark = pytest.mark.timeout(120)


def backend(jp_serverapp):
    return jp_serverapp.web_app.settings["wallaroo_backend"]


def secrets_of(jp_serverapp, demo) -> list[str]:
    """The password, client secret and the current access/refresh tokens of the server's upstream session."""
    sess = backend(jp_serverapp).session()
    return [demo.admin_password, demo.client_secret, *sess.provider.secret_values()]


async def get_json(jp_fetch, *path, **kw):
    resp = await jp_fetch("wallaroo-widgets", *path, **kw)
    assert resp.headers["Content-Type"].startswith("application/json")
    return resp, json.loads(resp.body)


async def test_status_connected_without_secrets(jp_fetch, jp_serverapp, demo):
    resp, body = await get_json(jp_fetch, "status", params={"refresh": "1"})
    assert body["connected"] is True, body
    assert body["user"] == demo.admin_email
    assert body["api_url"] == demo.url
    assert body["auth_type"] == "password"
    assert body["instance"] == "Wallaroo Sandbox"
    assert body["server_version"] == __version__
    assert body["error"] is None
    text = resp.body.decode()
    secrets = secrets_of(jp_serverapp, demo)
    assert len(secrets) >= 3 and all(len(s) >= 5 for s in secrets)
    assert not [s for s in secrets if s in text]


async def test_tree_has_the_demo(jp_fetch, jp_serverapp, demo):
    resp, body = await get_json(jp_fetch, "tree")
    by_name = {w["name"]: w for w in body["workspaces"]}
    assert {"housepricesaga", "ccfraud-demo"} <= set(by_name)
    hp = by_name["housepricesaga"]
    assert [(p["name"], p["status"], p["deployment"]) for p in hp["pipelines"]] == [
        ("housepricepipe", "Running", "housepricepipe-1")]
    assert [(m["name"], len(m["versions"]), m["versions"][0]["deployed"]) for m in hp["models"]] == [
        ("housepricemodel", 1, True)]
    (assay,) = [a for a in hp["assays"] if a["api"] == "v1"]
    # the demo month ends with calm days: the latest window (a day before the last full hour) is Ok
    assert (assay["name"], assay["active"], assay["pipeline_name"], assay["last_status"]) == (
        "house price drift", True, "housepricepipe", "Ok")
    fraud = by_name["ccfraud-demo"]
    assert [(p["name"], p["status"], p["deployment"]) for p in fraud["pipelines"]] == [
        ("ccfraudpipe", "Undeployed", None)]
    assert [m["name"] for m in fraud["models"]] == ["ccfraud"]
    assert fraud["assays"] == []
    text = resp.body.decode()
    assert not [s for s in secrets_of(jp_serverapp, demo) if s in text]


async def test_tree_and_proxy_have_the_v2_assay(jp_fetch):
    _, tree = await get_json(jp_fetch, "tree")
    assert tree["v2"] is True
    hp = next(w for w in tree["workspaces"] if w["name"] == "housepricesaga")
    (v2,) = [a for a in hp["assays"] if a["api"] == "v2"]
    assert (v2["name"], v2["active"], v2["pipeline_name"], v2["last_status"]) == (
        "house price drift v2", True, "housepricepipe", "Ok")
    resp = await jp_fetch("wallaroo-widgets", "api", "v2", "api", "assays", "get_results", method="POST",
                          body=json.dumps({"id": v2["id"]}))
    results = json.loads(resp.body)
    assert len(results) == 29 and {r["assay_id"] for r in results} == {v2["id"]}


async def test_proxy_allows_reads(jp_fetch, demo):
    _, tree = await get_json(jp_fetch, "tree")
    wid = next(w["id"] for w in tree["workspaces"] if w["name"] == "housepricesaga")
    resp = await jp_fetch("wallaroo-widgets", "api", "v1", "api", "models", "list", method="POST",
                          body=json.dumps({"workspace_id": wid}))
    models = json.loads(resp.body)["models"]
    assert [m["name"] for m in models] == ["housepricemodel"]
    resp = await jp_fetch("wallaroo-widgets", "api", "v1", "api", "status", "get_deployment", method="POST",
                          body=json.dumps({"name": "housepricepipe-1"}))
    assert json.loads(resp.body)["status"] == "Running"


class TestAgainstARecordingUpstream:
    """A fake Wallaroo that records every request (static token: no Keycloak call)."""

    @pytest.fixture
    def wallaroo_config(self, recorder):
        return {"api_url": recorder.url, "token": "static-upstream-token"}

    async def test_proxy_denies_everything_else_before_upstream(self, jp_fetch, recorder):
        for path in ("v1/api/pipelines/deploy", "v1/api/pipelines/undeploy", "v1/api/users/query",
                     "v1/api/assays/create", "v2/api/assays/set_active", "v1/api/models/list/../../pipelines/deploy",
                     "v1/api/models/list?x=1", "auth/realms/master/protocol/openid-connect/token",
                     "v1/api/workspaces/list.json", "v1/api/workspaces", "v1/api/pipelines/get_logs"):
            with pytest.raises(tornado.httpclient.HTTPClientError) as err:
                await jp_fetch("wallaroo-widgets", "api", *path.split("/"), method="POST", body="{}")
            assert err.value.code == 403, path
            assert "not a read endpoint" in json.loads(err.value.response.body)["message"], path
        assert recorder.requests == []

    async def test_proxy_forwards_no_browser_header(self, jp_fetch, recorder):
        resp = await jp_fetch("wallaroo-widgets", "api", "v1", "api", "workspaces", "list", method="POST",
                              body=json.dumps({}),
                              headers={"Cookie": "_xsrf=abc; jupyter-session=browser-cookie", "X-XSRFToken": "abc",
                                       "X-Browser-Secret": "browser-secret", "Referer": "http://evil.example/",
                                       "Origin": "http://x"})
        assert [w["name"] for w in json.loads(resp.body)["workspaces"]] == ["old-ws"]
        assert "upstream-session" not in resp.headers.get("Set-Cookie", "")
        ((path, headers),) = recorder.requests
        assert path == "/v1/api/workspaces/list"
        assert headers["authorization"] == "Bearer static-upstream-token"
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"] == f"wallaroo-widgets/{__version__}"
        # nothing of the browser's request: no cookie, XSRF, custom header, referer, origin or Jupyter token
        assert set(headers) <= {"host", "authorization", "content-type", "user-agent", "accept",
                                "accept-encoding", "connection", "content-length"}, headers
        assert "browser" not in json.dumps(headers) and "abc" not in json.dumps(headers)

    async def test_a_2023_instance_tree_names_pipelines_from_assays_and_remembers_404s(self, jp_fetch, recorder):
        _, tree = await get_json(jp_fetch, "tree")
        assert tree["v2"] is False
        (ws,) = tree["workspaces"]
        assert (ws["name"], ws["models"], ws["error"]) == ("old-ws", [], None)
        # pipeline 3 is named by its assay (and not deployed: the external URL is a 404); 9 is an id only
        assert [(p["id"], p["name"], p["status"]) for p in ws["pipelines"]] == [
            (3, "oldpipe", "Undeployed"), (9, None, None)]
        assert [(a["name"], a["api"], a["active"], a["last_status"]) for a in ws["assays"]] == [
            ("old assay", "v1", False, None)]
        _, again = await get_json(jp_fetch, "tree", params={"refresh": "1"})
        assert again["workspaces"] == tree["workspaces"]
        paths = [p for p, _ in recorder.requests]
        # each 404 is remembered: asked once, not per refresh
        assert paths.count("/v2/api/assays/get") == 1 and paths.count("/v1/api/pipelines/list_pipelines") == 1
        assert paths.count("/v1/api/workspaces/list") == 2

    async def test_every_route_requires_jupyter_auth(self, jp_fetch, recorder):
        for method, path in (("GET", "status"), ("GET", "tree"), ("POST", "api/v1/api/workspaces/list"),
                             ("POST", "api/v1/api/nope")):
            with pytest.raises(tornado.httpclient.HTTPClientError) as err:
                await jp_fetch("wallaroo-widgets", *path.split("/"), method=method,
                               body="{}" if method == "POST" else None, headers={"Authorization": ""})
            assert err.value.code == 403, (method, path)
        assert recorder.requests == []


class TestA2023InstanceWithADeploymentInError:
    """The pre-list_pipelines path: an assay names pipeline 3, its inference URL names the deployment, and the
    instance's ``status/get_deployment`` says Error (a recording upstream: the sandbox has list_pipelines)."""

    @pytest.fixture
    def recorder(self):
        rec = Recorder({**RECORDER_ANSWERS,
                        "/v1/api/admin/get_pipeline_external_url": {
                            "url": "https://old.example/v1/api/pipelines/infer/oldpipe-5/oldpipe"},
                        "/v1/api/status/get_deployment": {"status": "Error", "details": ["engine crashed"],
                                                          "engines": [], "engine_lbs": [], "sidekicks": []}})
        yield rec
        rec.close()

    @pytest.fixture
    def wallaroo_config(self, recorder):
        return {"api_url": recorder.url, "token": "static-upstream-token"}

    async def test_the_error_badge_comes_from_the_deployment_status(self, jp_fetch, recorder):
        _, tree = await get_json(jp_fetch, "tree")
        (ws,) = tree["workspaces"]
        assert [(p["id"], p["name"], p["status"], p["deployment"]) for p in ws["pipelines"]] == [
            (3, "oldpipe", "Error", "oldpipe-5"), (9, None, None, None)]
        asked = [(path, body) for path, body in recorder.bodies if "get_pipeline_external_url" in path
                 or "get_deployment" in path]
        assert asked == [("/v1/api/admin/get_pipeline_external_url", {"workspace_id": 7, "pipeline_name": "oldpipe"}),
                         ("/v1/api/status/get_deployment", {"name": "oldpipe-5"})]


class TestNotConfigured:
    @pytest.fixture
    def wallaroo_config(self):
        return {}

    async def test_status_and_tree_say_what_to_set(self, jp_fetch):
        _, status = await get_json(jp_fetch, "status")
        assert status["connected"] is False
        assert status["api_url"] is None and status["user"] is None
        assert "WALLAROO_URL" in status["error"]
        with pytest.raises(tornado.httpclient.HTTPClientError) as err:
            await jp_fetch("wallaroo-widgets", "tree")
        assert err.value.code == 503
        assert "WALLAROO_URL" in json.loads(err.value.response.body)["message"]


class TestCredentialsFromTheEnvironment:
    @pytest.fixture
    def wallaroo_config(self, demo, monkeypatch):
        """No server config: the WALLAROO_* environment, as `make lab` exports it for the kernels."""
        monkeypatch.setenv("WALLAROO_URL", demo.url)
        monkeypatch.setenv("WALLAROO_USER", demo.admin_email)
        monkeypatch.setenv("WALLAROO_PASSWORD", demo.admin_password)
        monkeypatch.setenv("WALLAROO_CLIENT_SECRET", demo.client_secret)
        return {}

    async def test_connected_as_the_kernels_are(self, jp_fetch, demo):
        _, status = await get_json(jp_fetch, "status")
        assert (status["connected"], status["user"], status["api_url"]) == (True, demo.admin_email, demo.url)


class TestBadCredentials:
    @pytest.fixture
    def wallaroo_config(self, demo):
        return {"api_url": demo.url, "user": demo.admin_email, "password": "wrong-password-123",
                "client_secret": demo.client_secret}

    async def test_inline_error_without_the_password(self, jp_fetch, demo):
        resp, status = await get_json(jp_fetch, "status")
        assert status["connected"] is False and status["user"] is None
        assert status["error"]
        with pytest.raises(tornado.httpclient.HTTPClientError) as err:
            await jp_fetch("wallaroo-widgets", "tree")
        assert err.value.code == 502
        assert "credentials" in json.loads(err.value.response.body)["message"]
        for text in (resp.body.decode(), err.value.response.body.decode()):
            assert "wrong-password-123" not in text and demo.client_secret not in text


async def test_tree_cache_and_refresh_follow_an_undeploy(jp_fetch, demo):
    """Last in this module: it undeploys the demo pipeline of the module's sandbox."""
    from wallaroo_widgets import Session

    _, before = await get_json(jp_fetch, "tree", params={"refresh": "1"})
    sess = Session.password(demo.url, demo.admin_email, demo.admin_password, client_secret=demo.client_secret)
    sess.pipelines.undeploy(pipeline_id=1, deployment_id=1)

    def state(tree):
        ws = next(w for w in tree["workspaces"] if w["name"] == "housepricesaga")
        return ws["pipelines"][0]["status"]

    assert state(before) == "Running"
    _, cached = await get_json(jp_fetch, "tree")
    assert state(cached) == "Running"  # within cache_ttl: the cached answer
    _, fresh = await get_json(jp_fetch, "tree", params={"refresh": "1"})
    assert state(fresh) == "Undeployed"
