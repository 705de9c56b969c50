"""A 401 through ``Session.from_sdk`` with a token another instance issued (the SDK's one-file token cache)."""

from __future__ import annotations

import pytest

from wallaroo_widgets import Session
from wallaroo_widgets.errors import AuthenticationError
from wallaroo_widgets.sdk_token import foreign_issuer, foreign_token_hint, sdk_token_cache

from .loopback import make_jwt


@pytest.mark.parametrize(("iss", "api", "foreign"), [
    ("http://127.0.0.1:8080/auth/realms/master", "http://127.0.0.1:8080", False),
    ("http://127.0.0.1:8080/auth/realms/master", "http://127.0.0.1:9090", True),
    ("http://localhost:8080/auth/realms/master", "http://127.0.0.1:8080", True),
    ("https://a.api.example.wallaroo.ai/auth/realms/master", "https://a.api.example.wallaroo.ai/", False),
    ("https://a.keycloak.example.wallaroo.ai/auth/realms/master", "https://a.api.example.wallaroo.ai", False),
    ("https://b.keycloak.example.wallaroo.ai/auth/realms/master", "https://a.api.example.wallaroo.ai", True),
    ("https://a.example.ai:443/auth/realms/master", "https://a.example.ai", False),
    ("http://a.example.ai/auth/realms/master", "https://a.example.ai", True),
])
def test_foreign_issuer(iss, api, foreign):
    assert foreign_issuer(make_jwt({"iss": iss, "sub": "u"}), api) == (iss if foreign else None)


def test_no_issuer_no_token_or_not_a_jwt_gives_no_hint():
    assert foreign_issuer(make_jwt({"sub": "u"}), "http://127.0.0.1:1") is None
    assert foreign_issuer("not-a-jwt", "http://127.0.0.1:1") is None
    assert foreign_token_hint(None, "http://127.0.0.1:1") is None


def test_cache_path_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert sdk_token_cache() == tmp_path / "wallaroo_sdk" / "auth" / "keycloak.json"


class _ClientWithToken:
    """Like a wallaroo.Client whose SDK hands out a fixed (cached) token: api_endpoint + auth.auth_header()."""

    def __init__(self, url: str, token: str) -> None:
        self.api_endpoint, self.auth, self._token = url, self, token

    def auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}


def test_token_of_another_sandbox_is_explained_with_the_token_masked(sandbox, session, tmp_path):
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(tmp_path / "other", port=0) as other:
        elsewhere = Session.password(other.url, other.admin_email, other.admin_password,
                                     client_secret=other.client_secret)
        token = elsewhere.provider.access_token()
        with pytest.raises(AuthenticationError) as err:
            Session.from_sdk(_ClientWithToken(sandbox.url, token)).workspaces.list()
        text = str(err.value)
        assert err.value.status == 401 and text.startswith("invalid token signature or claims — ")
        assert f"issued by {other.url}/auth/realms/master, not by this instance ({sandbox.url})" in text
        assert str(sdk_token_cache()) in text and "wallaroo.auth.logout()" in text
        assert token not in text and token.split(".")[1][:16] not in text
        # the same instance's own (valid) token: no 401; a static token of another instance: no SDK hint
        assert Session.from_sdk(_ClientWithToken(sandbox.url, session.provider.access_token())).workspaces.list()
        with pytest.raises(AuthenticationError) as plain:
            Session.token(sandbox.url, token).workspaces.list()
        assert "wallaroo_sdk" not in str(plain.value)
