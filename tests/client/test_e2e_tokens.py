"""A long-lived notebook keeps working: a sandbox whose access tokens live 2 seconds."""

from __future__ import annotations

import time

import pytest

from wallaroo_widgets import Session, errors
from wallaroo_widgets.auth import decode_jwt


@pytest.fixture(scope="module")
def short_sandbox(tmp_path_factory):
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(tmp_path_factory.mktemp("short-tokens"), port=0, access_token_lifetime=2) as srv:
        yield srv


def _login(srv, **kw) -> Session:
    return Session.password(srv.url, srv.admin_email, srv.admin_password, client_secret=srv.client_secret, **kw)


def test_two_second_tokens_are_refreshed_ahead(short_sandbox):
    s = _login(short_sandbox)
    s.workspaces.list()
    first = s.provider.access_token()
    claims = decode_jwt(first)
    assert claims["exp"] - claims["iat"] == 2
    tokens = {first}
    deadline = time.time() + 5.5  # well past two token lifetimes
    calls = 0
    while time.time() < deadline:
        s.workspaces.list()
        tokens.add(s.provider.access_token())
        calls += 1
        time.sleep(0.25)
    assert calls >= 15
    assert len(tokens) >= 3  # refreshed at least twice, every call succeeded
    assert s.provider.refresh_count >= 3


def test_401_from_an_expired_token_is_retried_once(short_sandbox):
    skew = {"s": 0.0}
    s = _login(short_sandbox, clock=lambda: time.time() - skew["s"])
    s.workspaces.list()
    skew["s"] = 10.0  # the client now believes its token is fresh; the server will say 401
    time.sleep(2.2)
    before = s.provider.refresh_count
    assert isinstance(s.workspaces.list(), list)
    assert s.provider.refresh_count == before + 1
    assert [r.status for r in list(s.history)[-2:]] == [401, 200]


def test_static_token_expires_with_a_clear_error(short_sandbox):
    token = _login(short_sandbox).provider.access_token()
    s = Session.token(short_sandbox.url, token)
    s.workspaces.list()
    time.sleep(2.5)
    with pytest.raises(errors.AuthenticationError) as ei:
        s.workspaces.list()
    assert ei.value.status == 401 and token not in str(ei.value)
