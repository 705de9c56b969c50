"""The real SDK (``wallaroo.Client``) against the sandbox, and ``Session.from_sdk`` on top of it."""

from __future__ import annotations

import time

import pytest

wallaroo = pytest.importorskip("wallaroo")

from wallaroo_widgets import Session  # noqa: E402
from wallaroo_widgets.errors import AuthenticationError  # noqa: E402

from .harness import SandboxProcess, sdk_client, token_cache  # noqa: E402


def test_sdk_lists_the_same_workspaces_as_the_api(wl, session):
    session.workspaces.create(f"sdk-seen-{time.time_ns()}")
    names = sorted(w.name() for w in wl.list_workspaces())
    assert names == sorted(w["name"] for w in session.workspaces.list()) and len(names) >= 2


def test_from_sdk_end_to_end(wl, sdk_sandbox, session):
    sdk = Session.from_sdk(wl)
    assert sdk.url == sdk_sandbox.url
    who = sdk.identity()
    assert who["email"] == sdk_sandbox.admin_email and who["expires_at"] is not None
    name = f"from-sdk-{time.time_ns()}"
    made = sdk.workspaces.create(name)  # a write through the SDK's token
    assert name in {w.name() for w in wl.list_workspaces()}  # ... seen by the SDK itself
    assert made["workspace_id"] in {w["id"] for w in session.workspaces.list()}
    token = wl.auth.auth_header()["Authorization"].split(" ", 1)[1]
    assert token not in repr(sdk) and token not in str(sdk.last_call)


def test_console_over_a_real_sdk_client(wl, sdk_sandbox):
    from wallaroo_widgets.panels import ConnectPanel, console

    con = console(Session.from_sdk(wl))
    assert {t: p.error for t, p in con.panels.items() if p.error} == {}
    listed = con.panel("Workspaces").table.df["name"].tolist()
    assert sorted(listed) == sorted(w.name() for w in wl.list_workspaces())
    panel = ConnectPanel()  # the Connect tab's "Existing Wallaroo SDK client" method with the real client
    panel.method.value = "sdk"
    panel.sdk_client = wl
    panel.connect_button.click()
    assert panel.error == "", panel.error
    assert panel.state.session.url == sdk_sandbox.url and sdk_sandbox.admin_email in panel.who.value


def test_sdk_without_credentials_fails_at_once_instead_of_prompting(sdk_sandbox, sdk_home):
    token_cache(sdk_home).unlink(missing_ok=True)
    t0 = time.monotonic()
    with pytest.raises(Exception, match="WALLAROO_SDK_CREDENTIALS"):
        wallaroo.Client(api_endpoint=sdk_sandbox.url, auth_type="user_password", interactive=False)
    assert time.monotonic() - t0 < 10


@pytest.fixture(scope="module")
def short_sandbox(sdk_home):
    """A second sandbox, whose access tokens live 12 s (the SDK refreshes them within 10 s of expiry)."""
    srv = SandboxProcess("--access-token-lifetime", "12")
    yield srv
    srv.stop()
    token_cache(sdk_home).unlink(missing_ok=True)  # later tests log in to sdk_sandbox afresh


def test_from_sdk_follows_the_sdks_token_refresh(short_sandbox, sdk_home):
    from wallaroo_widgets.auth import decode_jwt

    token_cache(sdk_home).unlink(missing_ok=True)
    wl_short = sdk_client(short_sandbox.url, short_sandbox.admin_email, short_sandbox.admin_password)
    sdk = Session.from_sdk(wl_short)
    assert sdk.workspaces.list()
    first = sdk.provider.access_token()
    time.sleep(3)  # 9 s left: inside the SDK's 10 s margin, so its next header carries a refreshed token
    assert sdk.workspaces.list()
    second = sdk.provider.access_token()
    assert second != first and decode_jwt(second)["iat"] >= decode_jwt(first)["iat"] + 3
    assert decode_jwt(second)["sub"] == decode_jwt(first)["sub"]


def test_cached_token_of_another_instance_is_explained(sdk_sandbox, short_sandbox, sdk_home):
    """The SDK caches one token for every URL: logged in to A, a client for B sends A's token (401 on
    every call); from_sdk says who issued the token and what to do, token masked."""
    other = short_sandbox
    try:
        token_cache(sdk_home).unlink(missing_ok=True)
        sdk_client(sdk_sandbox.url, sdk_sandbox.admin_email, sdk_sandbox.admin_password)  # logs in to A
        assert token_cache(sdk_home).exists()
        stale = sdk_client(other.url, other.admin_email, other.admin_password)
        token = stale.auth.auth_header()["Authorization"].split(" ", 1)[1]
        with pytest.raises(AuthenticationError) as err:
            Session.from_sdk(stale).workspaces.list()
        text = str(err.value)
        assert "invalid token signature or claims" in text  # the server's own message first
        assert f"issued by {sdk_sandbox.url}/auth/realms/master, not by this instance ({other.url})" in text
        assert str(token_cache(sdk_home)) in text and "wallaroo.auth.logout()" in text
        assert token not in text and token[:20] not in text
        # following the advice works
        token_cache(sdk_home).unlink()
        fresh = sdk_client(other.url, other.admin_email, other.admin_password)
        assert Session.from_sdk(fresh).identity()["email"] == other.admin_email
        assert [w.name() for w in fresh.list_workspaces()]
    finally:
        token_cache(sdk_home).unlink(missing_ok=True)  # later tests log in to sdk_sandbox afresh
