"""Secrets never show in repr/str, exceptions, logs or "show code"; snippets are runnable and equivalent."""

from __future__ import annotations

import json
import logging
import shlex
import subprocess

import pytest

from wallaroo_widgets import Session, errors, secrets
from wallaroo_widgets.codegen import CallRecord

from .loopback import make_jwt


def test_secret_helpers():
    assert repr(secrets.Secret("hunter22")) == "***" and secrets.Secret("hunter22") == "hunter22"
    assert repr({"password": secrets.Secret("hunter22")}) == "{'password': ***}"
    assert secrets.redact({"a": 1, "Password": "x", "nested": [{"client_secret": "y"}]}) == {
        "a": 1, "Password": "***", "nested": [{"client_secret": "***"}]}
    assert secrets.redact_headers({"Authorization": "Bearer abc", "X": "1"}) == {
        "Authorization": "Bearer <token>", "X": "1"}
    assert secrets.redact_headers({"authorization": "Basic dXNlcjpwYXNz"})["authorization"] == "Basic ***"
    jwt = make_jwt({"sub": "x"})
    text = f"failed with Bearer {jwt} and pw hunter22 and raw {jwt}"
    out = secrets.scrub(text, ["hunter22"])
    assert jwt not in out and "hunter22" not in out and "<token>" in out


@pytest.fixture
def logged_in(keycloak, clock, loopback):
    def handler(seen):
        if seen.path.endswith("/workspaces/list"):
            return 200, {"workspaces": []}
        if seen.path.endswith("/users/invite"):
            return 200, {"id": "u-2", "password": "tmp-Returned-9"}
        # a server that (badly) echoes the caller's header in its message
        return 400, {"msg": f"bad request from {seen.headers.get('Authorization')}", "code": 400}

    srv = loopback(handler)
    s = Session.password(srv.url, "me@example.com", keycloak.password, client_secret=keycloak.secret,
                         token_url=keycloak.url, clock=clock)
    return s, keycloak


def _secret_values(s, keycloak):
    return [s.provider.access_token(), keycloak.password, keycloak.secret, str(s.provider._refresh_token)]


def test_repr_and_str_mask_everything(logged_in):
    s, kc = logged_in
    s.workspaces.list()
    for text in (repr(s), str(s), repr(s.provider), str(s.provider)):
        for value in _secret_values(s, kc):
            assert value not in text
    assert "password=***" in repr(s.provider) and "client_secret=***" in repr(s)
    assert "me@example.com" in repr(s)  # the username is not a secret
    assert repr(Session.token("http://h", make_jwt({"a": 1}))) == (
        "Session(url='http://h', auth=StaticTokenProvider(token=<token>))")


def test_exception_messages_are_scrubbed(logged_in):
    s, kc = logged_in
    with pytest.raises(errors.ValidationError) as ei:
        s.workspaces.create("w")
    for value in _secret_values(s, kc):
        assert value not in str(ei.value) and value not in repr(ei.value) and value not in ei.value.msg
    assert "Bearer <token>" in ei.value.msg


def test_auth_failure_message_has_no_password(keycloak, clock):
    s = Session.password("http://127.0.0.1:1", "me@example.com", "wrong-secret-pw", client_secret="bad-secret-x",
                         token_url=keycloak.url, clock=clock)
    with pytest.raises(errors.AuthenticationError) as ei:
        s.workspaces.list()
    assert "wrong-secret-pw" not in str(ei.value) and "bad-secret-x" not in str(ei.value)


def test_logs_never_contain_secrets(logged_in, caplog):
    s, kc = logged_in
    caplog.set_level(logging.DEBUG)
    s.workspaces.list()
    with pytest.raises(errors.ValidationError):
        s.workspaces.create("w")
    assert "/v1/api/workspaces/list" in caplog.text  # something was logged
    for value in _secret_values(s, kc):
        assert value not in caplog.text


def test_codegen_json_call_masks_token_and_runs(logged_in, loopback):
    s, kc = logged_in
    out = s.users.invite("new@x.io", password="temp-Pa55!")
    assert out["password"] == "tmp-Returned-9" and "tmp-Returned-9" not in repr(out)
    rec = s.last_call
    snippets = rec.snippets()
    for text in snippets.values():
        for value in [*_secret_values(s, kc), "temp-Pa55!"]:
            assert value not in text
    assert "users.invite('new@x.io', password='***')" in snippets["python"]
    curl = snippets["curl"]
    assert "-H 'Authorization: Bearer <token>'" in curl
    assert shlex.split(curl.replace("\\\n", " "))[:4] == ["curl", "-X", "POST", s.url + "/v1/api/users/invite"]
    assert '"password": "***"' in curl
    # the requests snippet is valid Python and sends the same request once given a real token
    got = []
    srv = loopback(lambda seen: (got.append(seen) or (200, {"ok": True})))
    code = snippets["requests"].replace("<token>", "real-token").replace(s.url, srv.url)
    exec(compile(code, "snippet", "exec"), {"print": lambda *a: None})
    assert got[0].json() == {"email": "new@x.io", "password": "***"}
    assert got[0].headers["Authorization"] == "Bearer real-token"


def test_codegen_multipart_stream_and_inference():
    multipart = CallRecord("POST", "http://h/v1/api/models/upload",
                           headers={"Authorization": "Bearer SECRETJWT"},
                           form={"name": "m", "visibility": "public", "workspace_id": "3"},
                           files={"file": ("ccfraud.onnx", "application/octet-stream")})
    curl = multipart.to_curl()
    assert "-F 'file=@ccfraud.onnx;type=application/octet-stream'" in curl and "-F name=m" in curl
    assert "SECRETJWT" not in curl and "SECRETJWT" not in multipart.to_requests()
    compile(multipart.to_requests(), "s", "exec")
    meta = CallRecord("POST", "http://h/v1/api/models/upload_and_convert", json={"metadata": {"name": "m"}},
                      files={"metadata": (None, "application/json"), "file": ("m.onnx", "application/octet-stream")})
    assert """-F 'metadata={"name": "m"};type=application/json'""" in meta.to_curl()
    compile(meta.to_requests(), "s", "exec")
    stream = CallRecord("POST", "http://h/v1/api/models/upload_stream", content_type="application/octet-stream",
                        headers={"Content-Type": "application/octet-stream"},
                        query={"name": "m", "filename": "m.onnx", "workspace_id": 3}, data_file="m.onnx")
    curl = stream.to_curl()
    assert "'http://h/v1/api/models/upload_stream?name=m&filename=m.onnx&workspace_id=3'" in curl
    assert "--data-binary @m.onnx" in curl
    compile(stream.to_requests(), "s", "exec")


def test_token_snippets_mask_password_and_secret(logged_in):
    from wallaroo_widgets.codegen import token_snippets

    s, kc = logged_in
    s.workspaces.list()
    snips = token_snippets(s.provider)
    for text in snips.values():
        for value in _secret_values(s, kc):
            assert value not in text
    assert "--user 'api-client:***'" in snips["curl"] and "grant_type=password" in snips["curl"]
    assert "username=me@example.com" in snips["curl"]
    compile(snips["requests"], "s", "exec")
    assert token_snippets(Session.token("http://h", make_jwt({"a": 1})).provider) is None


def _big(n=800):
    return {"name": "a", "password": "Hunter-22", "baseline": {"vector": [0.123456789 + i for i in range(n)]}}


@pytest.mark.parametrize("body", [_big(), {"name": "small", "password": "Hunter-22"}, {}])
@pytest.mark.parametrize("api_call", [None, "assays.create(...)"])
def test_every_snippet_compiles_for_large_and_small_bodies(body, api_call):
    rec = CallRecord("POST", "http://h/v1/api/assays/create", headers={"Authorization": "Bearer SECRETJWT",
                     "Content-Type": "application/json"}, json=body, content_type="application/json",
                     api_call=api_call and f"assays.create({secrets.redact(body)!r})")
    snips = rec.snippets()
    compile(snips["python"], "python", "exec")
    compile(snips["requests"], "requests", "exec")
    shlex.split(snips["curl"].replace("\\\n", " "), comments=True)
    large = len(str(body)) > 4000
    assert rec.body_in_file is large
    assert ("body.json" in snips["curl"]) is large and ("write_body" in snips["requests"]) is large
    if large:
        assert "import json" in snips["requests"] and "import json" in snips["python"]
        assert "--data-binary @body.json" in snips["curl"] and "write_body('body.json')" in snips["curl"]
    for text in snips.values():
        assert "SECRETJWT" not in text and "Hunter-22" not in text


def test_api_call_text_masks_secrets_inside_dict_arguments(loopback):
    srv = loopback(lambda seen: (200, {"assay_id": 1}))
    s = Session.token(srv.url, make_jwt({"exp": 4_000_000_000}))
    s.assays.create({"name": "a", "password": "Hunter-22"})
    assert "Hunter-22" not in s.last_call.to_python() and "'password': '***'" in s.last_call.to_python()


def test_large_body_snippets_run_with_the_written_body_json(loopback, tmp_path, monkeypatch):
    got = []
    srv = loopback(lambda seen: (got.append(seen) or (200, {"ok": True})))
    s = Session.token(srv.url, make_jwt({"exp": 4_000_000_000}))
    body = _big()
    s.post("/v1/api/assays/run_interactive", body, read=True)
    rec = s.last_call
    monkeypatch.chdir(tmp_path)
    assert rec.write_body() == "body.json"
    sent = got[0].json()
    assert json.loads((tmp_path / "body.json").read_text()) == {**sent, "password": "***"}
    code = rec.to_requests().replace("<token>", "real-token")
    exec(compile(code, "snippet", "exec"), {"print": lambda *a: None})
    assert got[1].json() == {**sent, "password": "***"} and got[1].headers["Authorization"] == "Bearer real-token"
    cmd = rec.to_curl().replace("<token>", "real-token")
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert got[2].json() == got[1].json() and got[2].headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError, match="no JSON body"):
        CallRecord("POST", "http://h/v1/api/models/upload_stream", data_file="m.onnx").write_body(tmp_path / "x")
    huge = CallRecord("POST", "http://h/x", json={"...": "2000000 bytes of JSON"}, omitted_bytes=2_000_000)
    with pytest.raises(ValueError, match="too large to keep"):
        huge.write_body(tmp_path / "y")


def test_a_password_in_a_url_is_masked_or_refused():
    pw = "Pw-9c1e2b-xyz"
    assert secrets.scrub(f"GET https://kc:{pw}@k.example/token failed") == "GET https://kc:***@k.example/token failed"
    assert secrets.scrub("at 10:20:30@x, http://host:8080/a, me@example.com") == (
        "at 10:20:30@x, http://host:8080/a, me@example.com")  # no userinfo, nothing masked
    s = Session.password("http://h.example", "u", "p", client_secret="c", token_url=f"https://kc:{pw}@k.example/t")
    assert pw not in repr(s) and "https://kc:***@k.example/t" in repr(s)
    with pytest.raises(ValueError) as err:
        Session.token(f"https://me:{pw}@h.example", make_jwt({"a": 1}))
    assert pw not in str(err.value)


def test_a_token_endpoint_error_masks_a_password_in_the_token_url(keycloak, clock):
    pw = "Pw-4d2a7e-xyz"
    url = keycloak.url.replace("http://", f"http://kc:{pw}@")
    s = Session.password("http://127.0.0.1:1", "me@example.com", "wrong-pw", client_secret="c", token_url=url,
                         clock=clock)
    with pytest.raises(errors.AuthenticationError) as ei:
        s.workspaces.list()
    assert pw not in f"{ei.value}|{ei.value!r}|{ei.value.endpoint}" and "kc:***@" in str(ei.value)
