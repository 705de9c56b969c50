"""Session: URL handling, from_env, retry policy, 401 refresh-and-retry-once, error mapping."""

from __future__ import annotations

import io
import time
import warnings

import numpy as np
import pytest

from wallaroo_widgets import Session, errors

from .loopback import make_jwt

TOKEN = make_jwt({"exp": 4_000_000_000, "sub": "u-1", "email": "a@b.c"})


def _session(url: str, **kw) -> Session:
    s = Session.token(url, TOKEN, backoff=0.01, **kw)
    s._sleep = lambda d: None
    return s


def test_normalize_url_and_errors():
    assert Session.token("https://x.api.example.com/v1/api/", TOKEN).url == "https://x.api.example.com"
    assert Session.token("http://127.0.0.1:8080/", TOKEN).url_for("v1/api/a/b") == "http://127.0.0.1:8080/v1/api/a/b"
    for bad in ("", "ftp://x", "x.api.example.com"):
        with pytest.raises(ValueError):
            Session.token(bad, TOKEN)


def test_from_env_variants_and_clear_errors():
    s = Session.from_env({"WALLAROO_URL": "https://x.example.com", "WALLAROO_TOKEN": TOKEN})
    assert type(s.provider).__name__ == "StaticTokenProvider"
    s = Session.from_env({"WALLAROO_URL": "https://x.example.com", "WALLAROO_USER": "u", "WALLAROO_PASSWORD": "p",
                          "WALLAROO_CLIENT_SECRET": "c", "WALLAROO_TOKEN_URL": "https://kc.example.com/t"})
    assert s.provider.token_url == "https://kc.example.com/t"
    with pytest.raises(ValueError, match="WALLAROO_URL"):
        Session.from_env({})
    with pytest.raises(ValueError, match="missing: WALLAROO_PASSWORD, WALLAROO_CLIENT_SECRET"):
        Session.from_env({"WALLAROO_URL": "https://x.example.com", "WALLAROO_USER": "u"})


def test_every_call_is_a_json_post_with_bearer(loopback):
    srv = loopback(lambda seen: (200, {"workspaces": []}))
    s = _session(srv.url)
    assert s.workspaces.list() == []
    seen = srv.requests[0]
    assert seen.method == "POST" and seen.path == "/v1/api/workspaces/list"
    assert seen.json() == {}
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["Content-Type"] == "application/json"


def _flaky(statuses):
    queue = list(statuses)

    def handler(seen):
        status = queue.pop(0) if queue else 200
        return (status, {"msg": "upstream unavailable", "code": status}) if status != 200 else (200, {"workspaces": []})

    return handler


def test_read_call_retried_on_503_then_succeeds(loopback):
    srv = loopback(_flaky([503, 502, 504]))
    s = _session(srv.url)
    delays = []
    s._sleep = delays.append
    assert s.workspaces.list() == []
    assert len(srv.requests) == 4
    assert delays == [0.01, 0.02, 0.04]  # exponential backoff


def test_read_call_gives_up_after_retries(loopback):
    srv = loopback(_flaky([503] * 10))
    s = _session(srv.url, retries=2)
    with pytest.raises(errors.ServerError) as ei:
        s.workspaces.list()
    assert len(srv.requests) == 3
    assert ei.value.status == 503 and ei.value.msg == "upstream unavailable"


WRITES = {
    "workspaces.create": lambda s: s.workspaces.create("ws"),
    "workspaces.add_user": lambda s: s.workspaces.add_user(1, "x@y.z"),
    "workspaces.remove_user": lambda s: s.workspaces.remove_user(1, "x@y.z"),
    "users.invite": lambda s: s.users.invite("x@y.z"),
    "users.activate": lambda s: s.users.activate("x@y.z"),
    "users.deactivate": lambda s: s.users.deactivate("x@y.z"),
    "models.upload": lambda s: s.models.upload("m", 1, b"bytes"),
    "models.upload_stream": lambda s: s.models.upload_stream("m", 1, b"bytes"),
    "models.upload_and_convert": lambda s: s.models.upload_and_convert("m", 1, b"bytes"),
    "pipelines.create": lambda s: s.pipelines.create("p", 1),
    "pipelines.deploy": lambda s: s.pipelines.deploy("p", 1, 1),
    "pipelines.undeploy": lambda s: s.pipelines.undeploy(1, 2),
    "pipelines.copy": lambda s: s.pipelines.copy("c", 1, 2),
    "pipelines.infer": lambda s: s.pipelines.infer("/v1/api/pipelines/infer/p-1/p", [{"tensor": [1.0]}]),
    "assays.create": lambda s: s.assays.create({"name": "a"}),
    "assays.set_active": lambda s: s.assays.set_active(1, False),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_writes_are_never_retried(loopback, name):
    srv = loopback(_flaky([503, 503]))
    with pytest.raises(errors.ServerError):
        WRITES[name](_session(srv.url))
    assert len(srv.requests) == 1
    assert srv.requests[0].path.endswith(name.split(".")[1]) or name == "pipelines.infer"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_writes_are_not_retried_after_a_connection_error(name):
    s = _session("http://127.0.0.1:9", retries=3)
    delays = []
    s._sleep = delays.append
    with pytest.raises(errors.ConnectionFailed, match="cannot reach 127.0.0.1:9"):
        WRITES[name](s)
    assert delays == []


def test_500_is_not_retried(loopback):
    srv = loopback(_flaky([500]))
    with pytest.raises(errors.ServerError):
        _session(srv.url).workspaces.list()
    assert len(srv.requests) == 1


def test_connection_error_retried_for_reads_only(loopback):
    srv = loopback(lambda seen: (200, {}))
    url = srv.url
    srv.close()  # nothing listens there any more
    s = _session(url, retries=2)
    delays = []
    s._sleep = delays.append
    with pytest.raises(errors.ConnectionFailed, match="cannot reach 127.0.0.1"):
        s.workspaces.list()
    assert len(delays) == 2
    delays.clear()
    with pytest.raises(errors.ConnectionFailed):
        s.workspaces.create("x")
    assert delays == []


def test_401_refreshes_once_and_retries_once(loopback, keycloak, clock):
    def handler(seen):
        n = len(srv.requests)
        return (401, {"msg": "token expired", "code": 401}) if n == 1 else (200, {"workspace_id": 5})

    srv = loopback(handler)
    s = Session.password(srv.url, "me@example.com", keycloak.password, client_secret=keycloak.secret,
                         token_url=keycloak.url, clock=clock)
    assert s.workspaces.create("w") == {"workspace_id": 5}  # a write is resent after a 401 (it was rejected)
    assert keycloak.grants == ["password", "refresh_token"]
    first, second = (r.headers["Authorization"] for r in srv.requests)
    assert first != second


def test_second_401_raises_authentication_error(loopback, keycloak, clock):
    srv = loopback(lambda seen: (401, {"msg": "Jwt is expired", "code": 401}))
    s = Session.password(srv.url, "me@example.com", keycloak.password, client_secret=keycloak.secret,
                         token_url=keycloak.url, clock=clock)
    with pytest.raises(errors.AuthenticationError, match="Jwt is expired") as ei:
        s.workspaces.list()
    assert len(srv.requests) == 2 and ei.value.status == 401


def test_static_token_401_not_retried(loopback):
    srv = loopback(lambda seen: (401, {"msg": "Jwt is expired", "code": 401}))
    with pytest.raises(errors.AuthenticationError):
        _session(srv.url).workspaces.list()
    assert len(srv.requests) == 1


@pytest.mark.parametrize("status,body,cls,msg", [
    (400, {"msg": "workspace name already exists", "code": 400}, errors.ValidationError,
     "workspace name already exists"),
    (422, {"detail": [{"loc": ["body", "x"], "msg": "field required"}]}, errors.ValidationError, "field required"),
    (403, {"msg": "user limit reached", "code": 403}, errors.PermissionDeniedError, "user limit reached"),
    (404, {"msg": "deployment not found", "code": 404}, errors.NotFoundError, "deployment not found"),
    (409, {"msg": "model is deployed", "code": 409}, errors.ConflictError, "model is deployed"),
    (500, {"code": 500, "status": "Error", "error": "tensor shape mismatch", "source": "engine"},
     errors.ServerError, "tensor shape mismatch (source: engine)"),
    (507, b"", errors.ServerError, "HTTP 507 with an empty body"),
    (400, "plain text failure", errors.ValidationError, "plain text failure"),
])
def test_error_mapping(loopback, status, body, cls, msg):
    srv = loopback(lambda seen: (status, body, {"Content-Type": "text/plain"}) if isinstance(body, str | bytes)
                   else (status, body))
    with pytest.raises(cls) as ei:
        _session(srv.url, retries=0).workspaces.create("w")
    assert msg in ei.value.msg
    assert ei.value.status == status
    assert ei.value.endpoint == srv.url + "/v1/api/workspaces/create"
    assert isinstance(ei.value, errors.WallarooError)


@pytest.mark.parametrize("body", [{}, {"workspaces": {"a": 1}}, [], "<html>oops</html>"])
def test_unexpected_body_is_a_clear_error_not_keyerror(loopback, body):
    srv = loopback(lambda seen: (200, body, {"Content-Type": "text/html"}) if isinstance(body, str) else (200, body))
    with pytest.raises(errors.UnexpectedResponse) as ei:
        _session(srv.url).workspaces.list()
    assert ei.value.endpoint.endswith("/v1/api/workspaces/list")


def test_upload_response_without_id_is_unexpected(loopback):
    srv = loopback(lambda seen: (200, {"insert_models": {"returning": []}}))
    with pytest.raises(errors.UnexpectedResponse, match="insert_models"):
        _session(srv.url).models.upload_stream("m", 1, b"x")


def test_identity_from_claims():
    s = Session.token("http://127.0.0.1:1", make_jwt({"exp": 1_900_000_000, "sub": "u-9", "email": "a@b.c",
                                                      "preferred_username": "a@b.c",
                                                      "realm_access": {"roles": ["admin"]}}))
    ident = s.identity()
    assert ident["email"] == "a@b.c" and ident["sub"] == "u-9" and ident["roles"] == ["admin"]
    assert ident["expires_at"].year == 2030
    assert "exp" not in ident and all("ey" not in str(v) for v in ident.values())


def _slow(delay):
    def handler(seen):
        time.sleep(delay)
        return 200, {"workspaces": [], "workspace_id": 1}
    return handler


def test_read_timeout_is_not_retried_and_says_so(loopback):
    srv = loopback(_slow(0.6))
    s = _session(srv.url, timeout=(2.0, 0.2))
    with pytest.raises(errors.RequestTimeout) as ei:
        s.workspaces.list()
    assert isinstance(ei.value, errors.ConnectionFailed) and isinstance(ei.value, TimeoutError)
    assert "no answer within 0.2 s" in ei.value.msg and "may have been applied" not in ei.value.msg
    assert len(srv.requests) == 1  # a slow read (run_interactive) is not sent 4 times
    with pytest.raises(errors.RequestTimeout, match="this write may have been applied") as ei:
        s.workspaces.create("w")
    assert "cannot reach" not in ei.value.msg and len(srv.requests) == 2


def test_connect_timeout_is_retried_for_reads():
    from .loopback import FullBacklog

    blocked = FullBacklog()
    try:
        s = _session(blocked.url, timeout=(0.1, 1.0), retries=2)
        delays = []
        s._sleep = delays.append
        with pytest.raises(errors.ConnectionFailed, match="ConnectTimeout") as ei:
            s.workspaces.list()
        assert not isinstance(ei.value, errors.RequestTimeout) and delays == [0.01, 0.02]
    finally:
        blocked.close()


@pytest.mark.parametrize("body,where", [
    ({"alert_threshold": float("nan")}, "body['alert_threshold']"),
    ({"baseline": {"vector": [0.1, float("inf")]}}, "body['baseline']['vector'][1]"),
    ({"v": np.array([1.0, -np.inf])}, "body['v'][1]"),
    ({"x": np.float64("nan")}, "body['x']"),
])
def test_non_finite_numbers_are_refused_before_sending(loopback, body, where):
    srv = loopback(lambda seen: (200, {}))
    s = _session(srv.url)
    with pytest.raises(ValueError, match="non-finite number") as ei:
        s.post("/v1/api/assays/run_interactive", body, read=True)
    assert where in str(ei.value)
    with pytest.raises(ValueError, match="non-finite"):
        s.assays.create({"name": "a", "alert_threshold": float("nan")})
    assert srv.requests == [] and s.last_call is None


class _Pipe(io.RawIOBase):
    """A non-seekable binary stream (like a socket or a pipe)."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        chunk = self._buf.read(len(b))
        b[:len(chunk)] = chunk
        return len(chunk)


def test_401_on_a_non_seekable_upload_is_a_typed_error(loopback, keycloak, clock):
    srv = loopback(lambda seen: (401, {"msg": "Jwt is expired", "code": 401}))
    s = Session.password(srv.url, "me@example.com", keycloak.password, client_secret=keycloak.secret,
                         token_url=keycloak.url, clock=clock)
    with pytest.raises(errors.StreamNotResendable) as ei:
        s.models.upload_stream("m", 1, _Pipe(b"model-bytes"), filename="m.onnx")
    assert ei.value.status == 401 and isinstance(ei.value, ValueError)
    assert "cannot be sent again" in ei.value.msg and "401" in ei.value.msg
    assert len(srv.requests) == 1 and keycloak.grants == ["password", "refresh_token"]


def test_absolute_urls_warn_once_for_other_hosts_and_refuse_plain_http(loopback):
    srv = loopback(lambda seen: (200, {"url": "https://infer.example.net/v1/api/pipelines/infer/p-1/p"}))
    s = _session(srv.url)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert s.url_for(srv.url + "/v1/x") == srv.url + "/v1/x"  # the API host itself: no warning
    with pytest.warns(UserWarning, match="bearer token to other.example.com, which is not the API host"):
        s.url_for("https://other.example.com/infer")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.url_for("https://other.example.com/again")  # once per host
        s.pipelines.external_url(1, "p")  # a host the server returned is trusted
        s.url_for("https://infer.example.net/v1/api/pipelines/infer/p-1/p")
    tls = Session.token("https://api.example.com", TOKEN)
    with pytest.raises(ValueError, match="plain http to evil.example.com"):
        tls.url_for("http://evil.example.com/infer")
    with pytest.raises(ValueError, match="plain http"):
        tls.pipelines.infer("http://api.example.com/v1/api/pipelines/infer/p-1/p", [{"x": 1}])
    with pytest.warns(UserWarning):
        assert tls.url_for("http://127.0.0.1:8080/infer") == "http://127.0.0.1:8080/infer"  # loopback: allowed
    with pytest.warns(UserWarning):
        Session.token("http://api.example.com", TOKEN).url_for("http://other.example.com/x")  # http session


def test_unexpected_response_carries_the_http_status(loopback):
    srv = loopback(lambda seen: (202, {"no": "workspaces"}))
    with pytest.raises(errors.UnexpectedResponse) as ei:
        _session(srv.url).workspaces.list()
    assert ei.value.status == 202
