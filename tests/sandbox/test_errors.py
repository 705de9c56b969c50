"""Error bodies: 400 naming the field, 404, 405, 413; bad input never produces a 500 on any endpoint."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests
from sandbox_http import Client, deployed_pipeline, linear_onnx, uniq

JUNK_BODIES = [b"", b"{", b"[]", b"null", b"\"text\"", b"123", b"{\"workspace_id\": \"abc\"}",
               b"{\"id\": [1]}", b"{\"name\": {}}", b"{\"workspace_id\": 1e400}", b"\xff\xfe\x00garbage",
               json.dumps({"pipeline_id": None, "workspace_id": -1, "definition": [1], "model_id": {}}).encode(),
               json.dumps({k: 2**70 for k in ("id", "workspace_id", "models_pk_id", "model_id", "deployment_id",
                                              "pipeline_id", "model_version_id", "source_pipeline", "assay_id",
                                              "limit")} | {"name": f"a-{2**70}", "model_id": "x"}).encode(),
               json.dumps({k: 2**70 for k in ("id", "workspace_id", "model_id", "pipeline_id")}).encode(),
               # not JSON numbers / not Unicode / not ints: each must be a 4xx, never a 500
               b'{"workspace_id": NaN, "id": Infinity, "model_id": -Infinity, "limit": 1e400, "vector": [NaN]}',
               json.dumps({k: "\ud800" for k in ("name", "email", "user_ids", "pipeline_id", "pipeline_name",
                                                  "workspace_name", "deploy_id", "model_id", "firstName")}).encode(),
               b'{"user_ids": ["\\\\ud800", "\\ud800"], "\\udfff": 1}',
               json.dumps({k: True for k in ("id", "workspace_id", "model_id", "pipeline_id", "deployment_id",
                                             "models_pk_id", "assay_id", "source_pipeline")}).encode(),
               b'{"id": ' + b"9" * 5000 + b"}",
               b"[" * 100_000]
INFER_BODIES = [b'[{"dense_input": [NaN, 1.0]}]', b'[{"dense_input": [Infinity, -Infinity]}]',
                b'[{"dense_input": [1e400, 0.5]}]', b'[{"dense_input": ["\\ud800", 1.0]}]',
                b'[{"dense_input": [true, false]}]', b'[{"dense_input": [' + b"9" * 400 + b', 1]}]',
                b'{"dense_input": [[NaN, 1e400]]}', b'[{"\\udc00": [1.0, 2.0]}]', b"[{}]", b"[[]]"]


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
    wid = c.ok("workspaces/create", {"workspace_name": uniq("junk")})["workspace_id"]
    real = urlsplit(deployed_pipeline(c, wid, linear_onnx(2)[0])["url"]).path  # a live deployment too
    spec = requests.get(f"{sandbox.url}/v1/api/openapi.json", timeout=30).json()
    paths = [p.replace("{name}", f"x-{2**70}").replace("{pipeline_name}", "x") for p, ops in spec["paths"].items()
             if "post" in ops and not p.startswith("/auth/")] + [real]
    assert len(paths) >= 30
    for path in paths:
        for body in JUNK_BODIES:
            for ctype in ("application/json", "multipart/form-data; boundary=zz", "application/octet-stream"):
                r = requests.post(sandbox.url + path, data=body, timeout=30,
                                  headers={**c.headers, "Content-Type": ctype})
                assert r.status_code < 500, (path, body, ctype, r.status_code, r.text)
                if r.status_code >= 400:
                    assert {"msg", "code"} <= set(r.json()), (path, body, r.text)
    for body in INFER_BODIES:  # the deployed model must answer each with 200 (nulls) or a 4xx naming the problem
        r = requests.post(sandbox.url + real, data=body, timeout=30,
                          headers={**c.headers, "Content-Type": "application/json; format=pandas-records"})
        assert r.status_code < 500, (body, r.status_code, r.text)
        assert r.status_code == 200 or r.json()["code"] == r.status_code, (body, r.text)


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


@pytest.mark.parametrize("path, body, field", [
    ("users/query", {"user_ids": ["ok", "\ud800"]}, "user_ids.1"),
    ("workspaces/add_user", {"workspace_id": 1, "email": "\udfff@x.y"}, "email"),
    ("pipelines/create", {"pipeline_id": "p\ud800", "workspace_id": 1}, "pipeline_id"),
    ("status/get_deployment", {"name": "\ud800-1"}, "name"),
    ("admin/get_pipeline_external_url", {"workspace_id": 1, "pipeline_name": "\ud800"}, "pipeline_name"),
    ("assays/create", {"name": "a", "window": {"pipeline_name": "\ud800"}}, "window.pipeline_name"),
])
def test_lone_surrogates_are_400_naming_the_field(sandbox, path, body, field):
    r = Client(sandbox).post(path, data=json.dumps(body), headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"msg": f"field '{field}': not valid Unicode (a lone surrogate such as \\ud800)", "code": 400}


def test_keycloak_user_update_refuses_lone_surrogates(sandbox):
    c = Client(sandbox)
    me = next(iter(c.ok("users/query", {"user_ids": None})["users"]))
    r = requests.put(f"{sandbox.url}/auth/admin/realms/master/users/{me}", data=json.dumps({"firstName": "\ud800"}),
                     headers={**c.headers, "Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400 and "'firstName'" in r.json()["msg"]


def test_booleans_are_not_ids(sandbox):
    r = Client(sandbox).post("models/get_by_id", {"id": True})
    assert r.status_code == 400 and r.json()["msg"] == "field 'id': Input should be a valid integer, not a boolean"
