"""Error bodies: 400 naming the field, 404, 405, 413; bad input never produces a 500 on any endpoint."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests
from sandbox_http import Client

JUNK_BODIES = [b"", b"{", b"[]", b"null", b"\"text\"", b"123", b"{\"workspace_id\": \"abc\"}",
               b"{\"id\": [1]}", b"{\"name\": {}}", b"{\"workspace_id\": 1e400}", b"\xff\xfe\x00garbage",
               json.dumps({"pipeline_id": None, "workspace_id": -1, "definition": [1], "model_id": {}}).encode(),
               json.dumps({k: 2**70 for k in ("id", "workspace_id", "models_pk_id", "model_id", "deployment_id",
                                              "pipeline_id", "model_version_id", "source_pipeline", "assay_id",
                                              "limit")} | {"name": f"a-{2**70}", "model_id": "x"}).encode(),
               json.dumps({k: 2**70 for k in ("id", "workspace_id", "model_id", "pipeline_id")}).encode()]


def test_missing_and_wrong_type_fields_are_400_naming_them(sandbox):
    c = Client(sandbox)
    r = c.post("workspaces/list_users", {})
    assert r.status_code == 400 and r.json() == {"msg": "missing field 'workspace_id'", "code": 400}
    r = c.post("workspaces/list_users", {"workspace_id": "thirteen"})
    assert r.status_code == 400 and r.json()["msg"].startswith("field 'workspace_id':")
    r = c.post("workspaces/list_users", data=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["msg"]


def test_unknown_endpoint_and_wrong_method(sandbox):
    c = Client(sandbox)
    r = c.post("workspaces/nothing", {})
    assert r.status_code == 404 and r.json()["code"] == 404 and "/v1/api/workspaces/nothing" in r.json()["msg"]
    r = requests.get(f"{sandbox.url}/v1/api/workspaces/list", headers=c.headers, timeout=30)
    assert r.status_code == 405 and "POST" in r.json()["msg"]


def test_docs_and_openapi_are_served(sandbox):
    assert "swagger" in requests.get(f"{sandbox.url}/v1/api/docs", timeout=30).text.lower()
    spec = requests.get(f"{sandbox.url}/v1/api/openapi.json", timeout=30).json()
    for path in ("/v1/api/workspaces/list", "/v1/api/models/upload_stream", "/v1/api/status/get_deployment",
                 "/v1/api/pipelines/infer/{name}/{pipeline_name}", "/v1/api/assays/run_interactive"):
        assert path in spec["paths"]


def test_no_500_for_junk_on_any_endpoint(sandbox):
    c = Client(sandbox)
    spec = requests.get(f"{sandbox.url}/v1/api/openapi.json", timeout=30).json()
    paths = [p.replace("{name}", f"x-{2**70}").replace("{pipeline_name}", "x") for p, ops in spec["paths"].items()
             if "post" in ops and not p.startswith("/auth/")]
    assert len(paths) >= 30
    for path in paths:
        for body in JUNK_BODIES:
            for ctype in ("application/json", "multipart/form-data; boundary=zz", "application/octet-stream"):
                r = requests.post(sandbox.url + path, data=body, timeout=30,
                                  headers={**c.headers, "Content-Type": ctype})
                assert r.status_code < 500, (path, body, ctype, r.status_code, r.text)
                if r.status_code >= 400:
                    assert {"msg", "code"} <= set(r.json()), (path, body, r.text)


def test_no_500_from_the_token_endpoint(sandbox):
    url = sandbox.url + "/auth/realms/master/protocol/openid-connect/token"
    for body in (b"", b"{}", b"grant_type=password&username=%ff", b"\xff\xfe", b"grant_type=refresh_token&refresh_token="
                 + b"a" * 5000):
        for ctype in ("application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=x"):
            r = requests.post(url, data=body, headers={"Content-Type": ctype}, timeout=30,
                              auth=("api-client", sandbox.client_secret))
            assert 400 <= r.status_code < 500 and r.json()["error"], (body, ctype, r.text)
    r = requests.post(url, data={"grant_type": "password"}, headers={"Authorization": "Basic %%%"}, timeout=30)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(tmp_path_factory.mktemp("small"), max_request_bytes=4096, deploy_delay=0) as srv:
        yield srv


def test_413_by_content_length_without_reading_the_body(sandbox):
    parts = urlsplit(sandbox.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.putrequest("POST", "/v1/api/models/upload_stream?name=x&workspace_id=1")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(10 * 1024**3))
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.status == 413
    assert json.loads(resp.read())["code"] == 413
    conn.close()


def test_413_for_large_and_streamed_bodies(small):
    c = Client(small)
    r = c.post("workspaces/create", data=b"x" * 5000, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "4096" in r.json()["msg"]

    def chunks():
        for _ in range(10):
            yield b"y" * 1000

    r = c.post("models/upload_stream", params={"name": "m", "workspace_id": 1}, data=chunks(),
               headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 413
    assert c.ok("workspaces/list", {})["workspaces"]  # still serving


def test_openapi_documents_the_non_json_bodies(sandbox):
    spec = requests.get(f"{sandbox.url}/v1/api/openapi.json", timeout=30).json()["paths"]
    assert "multipart/form-data" in spec["/v1/api/models/upload"]["post"]["requestBody"]["content"]
    stream = spec["/v1/api/models/upload_stream"]["post"]
    assert {p["name"] for p in stream["parameters"]} == {"name", "filename", "visibility", "workspace_id"}
    infer = spec["/v1/api/pipelines/infer/{name}/{pipeline_name}"]["post"]["requestBody"]["content"]
    assert "application/vnd.apache.arrow.file" in infer
    assert spec["/v1/api/workspaces/create"]["post"]["requestBody"]["required"] is True
