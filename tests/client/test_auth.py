"""Token providers: JWT decoding, URL layouts, refresh timing, fallback to the password grant, thread safety."""

from __future__ import annotations

import threading

import pytest
from testkit import SdkLikeClient

from wallaroo_widgets import Session, auth
from wallaroo_widgets.errors import AuthenticationError, ConnectionFailed, ServerError

from .loopback import make_jwt


def test_decode_jwt_reads_claims_without_verifying():
    tok = make_jwt({"exp": 123, "sub": "abc", "https://hasura.io/jwt/claims": {"x-hasura-user-groups": "{}"}})
    assert auth.decode_jwt(tok)["exp"] == 123
    assert auth.decode_jwt(tok)["sub"] == "abc"
    assert auth.decode_jwt("not-a-jwt") == {}
    assert auth.decode_jwt("a.!!!.c") == {}


def test_token_url_layouts():
    assert auth.token_url_for("https://x.example.com/") == (
        "https://x.example.com/auth/realms/master/protocol/openid-connect/token")
    assert auth.keycloak_token_url("https://doc-test.api.example.com") == (
        "https://doc-test.keycloak.example.com/auth/realms/master/protocol/openid-connect/token")
    with pytest.raises(ValueError, match="no '.api.'"):
        auth.keycloak_token_url("https://wallaroo.example.com")


def _password(keycloak, clock, **kw):
    p = auth.PasswordProvider(keycloak.url, "me@example.com", keycloak.password,
                              client_secret=keycloak.secret, clock=clock, **kw)
    return p


def test_password_grant_then_refresh_ahead_of_expiry(keycloak, clock):
    keycloak.refresh_lifetime = 7200
    p = _password(keycloak, clock)
    first = p.access_token()
    assert keycloak.grants == ["password"]
    assert p.expires_at() == clock.now + 3600
    clock.now += 3600 - 31  # outside the 30 s margin: reuse
    assert p.access_token() == first
    assert keycloak.grants == ["password"]
    clock.now += 2  # 29 s before exp: refreshed with the refresh token, not the password
    second = p.access_token()
    assert second != first
    assert keycloak.grants == ["password", "refresh_token"]
    assert auth.decode_jwt(second)["n"] == 2


def test_expired_refresh_token_falls_back_to_password(keycloak, clock):
    p = _password(keycloak, clock)
    p.access_token()
    clock.now += 3600  # access expired, refresh token (1800 s) too
    p.access_token()
    assert keycloak.grants == ["password", "password"]


def test_rejected_refresh_token_falls_back_to_password(keycloak, clock):
    keycloak.refresh_lifetime = 7200
    p = _password(keycloak, clock)
    p.access_token()
    keycloak.revoked_refresh = True
    clock.now += 3590
    p.access_token()
    assert keycloak.grants == ["password", "refresh_token", "password"]


def test_short_lifetime_uses_a_quarter_margin(keycloak, clock):
    keycloak.lifetime = 2
    p = _password(keycloak, clock)
    p.access_token()
    assert p.refresh_margin() == 0.5
    clock.now += 1.4
    p.access_token()
    assert keycloak.grants == ["password"]
    clock.now += 0.2  # 0.4 s left < 0.5 s margin
    p.access_token()
    assert keycloak.grants == ["password", "refresh_token"]


def test_refresh_token_provider_cannot_log_in(keycloak, clock):
    keycloak.refresh_lifetime = 7200
    p = auth.RefreshTokenProvider(keycloak.url, "r-seed", client_secret=keycloak.secret, clock=clock)
    p.access_token()
    assert keycloak.grants == ["refresh_token"]
    keycloak.revoked_refresh = True
    clock.now += 3600
    with pytest.raises(AuthenticationError, match="Token is not active") as ei:
        p.access_token()
    assert ei.value.status == 400


def test_refresh_token_known_expired_gives_clear_error(keycloak, clock):
    p = auth.RefreshTokenProvider(keycloak.url, "r-seed", client_secret=keycloak.secret, clock=clock)
    p.access_token()
    clock.now += 3600  # the new refresh token (1800 s) has expired as well
    with pytest.raises(AuthenticationError, match="refresh token has expired"):
        p.access_token()
    assert keycloak.grants == ["refresh_token"]


def test_client_credentials_regrants_without_refresh_token(keycloak, clock):
    p = auth.ClientCredentialsProvider(keycloak.url, client_secret=keycloak.secret, clock=clock)
    p.access_token()
    clock.now += 3599
    p.access_token()
    assert keycloak.grants == ["client_credentials", "client_credentials"]


def test_bad_credentials_raise_authentication_error_with_oauth_message(keycloak, clock):
    p = auth.PasswordProvider(keycloak.url, "me@example.com", "wrong-pass", client_secret=keycloak.secret,
                              clock=clock)
    with pytest.raises(AuthenticationError) as ei:
        p.access_token()
    assert "invalid_grant: Invalid user credentials" in ei.value.msg
    assert ei.value.status == 401 and ei.value.endpoint == keycloak.url
    bad = auth.PasswordProvider(keycloak.url, "me@example.com", keycloak.password, client_secret="nope",
                                clock=clock)
    with pytest.raises(AuthenticationError, match="Invalid client secret"):
        bad.access_token()


def test_unreachable_token_endpoint_is_retried_then_connection_failed(clock):
    p = auth.PasswordProvider("http://127.0.0.1:9/token", "u", "p", client_secret="s", clock=clock)
    delays: list[float] = []
    p.sleep = delays.append
    with pytest.raises(ConnectionFailed, match="token endpoint"):
        p.access_token()
    assert delays == [0.5, 1.0, 2.0]  # bounded backoff, as read calls


def test_concurrent_callers_refresh_once(keycloak, clock):
    keycloak.refresh_lifetime = 7200
    p = _password(keycloak, clock)
    p.access_token()
    clock.now += 3595
    tokens: list[str] = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        tokens.append(p.access_token())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert keycloak.grants == ["password", "refresh_token"]
    assert len(set(tokens)) == 1


def test_force_refresh_skips_when_another_thread_already_refreshed(keycloak, clock):
    p = _password(keycloak, clock)
    old = p.access_token()
    assert p.force_refresh(old) is True
    new = p.access_token()
    assert p.force_refresh(old) is True  # stale token already replaced: no second grant
    assert keycloak.grants == ["password", "refresh_token"]
    assert new != old


def test_static_token_is_never_refreshed(clock):
    tok = make_jwt({"exp": clock.now - 10})
    p = auth.StaticTokenProvider("Bearer " + tok, clock=clock)
    assert p.access_token() == tok
    assert p.force_refresh(tok) is False
    with pytest.raises(ValueError):
        auth.StaticTokenProvider("")


def test_sdk_provider_asks_the_sdk_every_time():
    wl = SdkLikeClient("https://x.api.example.com", lambda n: make_jwt({"exp": 2_000_000_000, "n": n}))
    p = auth.SdkProvider(wl)
    p.auth_header()
    p.auth_header()
    assert wl.auth.calls == 2
    with pytest.raises(ValueError, match="auth_header"):
        auth.SdkProvider(object())


def _quiet(p):
    delays: list[float] = []
    p.sleep = delays.append
    return delays


def test_login_retried_through_a_503_outage(keycloak, clock):
    p = _password(keycloak, clock)
    delays = _quiet(p)
    keycloak.outage = [503, 502]
    assert auth.decode_jwt(p.access_token())["n"] == 1
    assert keycloak.hits == 3 and keycloak.grants == ["password"] and delays == [0.5, 1.0]


def test_token_endpoint_down_is_server_error_not_authentication_error(keycloak, clock):
    p = _password(keycloak, clock)
    delays = _quiet(p)
    keycloak.down = 503
    with pytest.raises(ServerError) as ei:
        p.access_token()
    assert not isinstance(ei.value, AuthenticationError)
    assert ei.value.status == 503 and ei.value.endpoint == keycloak.url and "token endpoint" in ei.value.msg
    assert keycloak.hits == 4 and delays == [0.5, 1.0, 2.0]
    keycloak.down = 500  # 500 is not retried
    with pytest.raises(ServerError):
        p.access_token()
    assert keycloak.hits == 5


def test_early_refresh_failure_keeps_the_valid_token(keycloak, clock, caplog):
    keycloak.refresh_lifetime = 7200
    p = _password(keycloak, clock)
    delays = _quiet(p)
    first = p.access_token()
    refresh = str(p._refresh_token)
    clock.now += 3600 - 20  # inside the 30 s margin, still valid for 20 s
    keycloak.down = 503
    caplog.set_level("WARNING", logger="wallaroo_widgets.auth")
    assert p.access_token() == first
    assert keycloak.hits == 2 and delays == []  # one early attempt, no backoff while the token works
    assert "early token refresh failed" in caplog.text and "valid 20 s more" in caplog.text
    for secret in (first, refresh, keycloak.password, keycloak.secret):
        assert secret not in caplog.text
    clock.now += 2
    assert p.access_token() == first and keycloak.hits == 2  # cool-down: no request for 5 s
    clock.now += 4
    assert p.access_token() == first and keycloak.hits == 3  # tried again after the cool-down
    clock.now += 20  # now really expired: the refresh must succeed or raise
    with pytest.raises(ServerError):
        p.access_token()
    assert str(p._refresh_token) == refresh  # a 5xx never drops the refresh token
    keycloak.down = None
    second = p.access_token()
    assert second != first and keycloak.grants == ["password", "refresh_token"]  # no password fallback


def test_refresh_token_kept_on_5xx_dropped_on_invalid_grant(keycloak, clock):
    keycloak.refresh_lifetime = 7200
    p = auth.RefreshTokenProvider(keycloak.url, "r-seed", client_secret=keycloak.secret, clock=clock)
    _quiet(p)
    p.access_token()
    clock.now += 3600
    keycloak.outage = [500]
    with pytest.raises(ServerError):
        p.access_token()
    assert p._refresh_token is not None
    keycloak.revoked_refresh = True
    with pytest.raises(AuthenticationError, match="Token is not active") as ei:
        p.access_token()
    assert ei.value.status == 400 and ei.value.code == "invalid_grant" and p._refresh_token is None


def test_session_call_during_token_outage_raises_server_error(keycloak, clock, loopback):
    srv = loopback(lambda seen: (200, {"workspaces": []}))
    s = Session.password(srv.url, "me@example.com", keycloak.password, client_secret=keycloak.secret,
                         token_url=keycloak.url, clock=clock, backoff=0.01)
    delays: list[float] = []
    s._sleep = delays.append
    keycloak.down = 504
    with pytest.raises(ServerError) as ei:
        s.workspaces.list()
    assert ei.value.status == 504 and delays == [0.01, 0.02, 0.04] and srv.requests == []
    keycloak.down = None
    assert s.workspaces.list() == []
