"""Every Session constructor against the real sandbox: client_credentials (inference only), refresh_token,
static token, from_env, from_sdk (a duck-typed client)."""

from __future__ import annotations

import pandas as pd
import pytest
from testkit import SdkLikeClient

from wallaroo_widgets import Session, errors
from wallaroo_widgets.auth import decode_jwt

from .test_e2e_models_pipelines import cc_rows, deployed, model_file  # noqa: F401  (module fixtures)


def test_client_credentials_token_can_only_infer(sandbox, deployed, cc_rows):  # noqa: F811
    s = deployed["s"]
    url = s.pipelines.external_url(deployed["wid"], deployed["name"])
    cc = Session.client_credentials(sandbox.url, client_secret=sandbox.client_secret)
    df = cc.pipelines.infer(url, cc_rows.head(5))
    assert len(df) == 5 and "out.dense_1" in df
    assert decode_jwt(cc.provider.access_token())["preferred_username"] == "service-account-api-client"
    with pytest.raises(errors.PermissionDeniedError) as ei:
        cc.workspaces.list()
    assert "inference" in ei.value.msg
    with pytest.raises(errors.AuthenticationError):
        Session.client_credentials(sandbox.url, client_secret="wrong").workspaces.list()


def test_refresh_token_and_static_token_sessions(sandbox, session):
    session.workspaces.list()
    refresh = str(session.provider._refresh_token)
    rs = Session.refresh_token(sandbox.url, refresh, client_secret=sandbox.client_secret)
    assert isinstance(rs.workspaces.list(), list)
    ident = rs.identity()
    assert ident["email"] == sandbox.admin_email and ident["username"] == sandbox.admin_email
    assert ident["sub"] == session.identity()["sub"] and rs.provider.refresh_count == 1
    st = Session.token(sandbox.url, session.provider.access_token())
    assert isinstance(st.features.list()["features"], dict)


def test_from_env_and_from_sdk(sandbox, session):
    env = {"WALLAROO_URL": sandbox.url, "WALLAROO_USER": sandbox.admin_email,
           "WALLAROO_PASSWORD": sandbox.admin_password, "WALLAROO_CLIENT_SECRET": sandbox.client_secret}
    s = Session.from_env(env)
    assert isinstance(s.workspaces.list().df, pd.DataFrame)
    assert s.identity()["roles"] and s.identity()["expires_at"] is not None

    wl = SdkLikeClient(sandbox.url, lambda n: session.provider.access_token())
    sdk = Session.from_sdk(wl)
    sdk.workspaces.list()
    sdk.users.query()
    assert wl.calls == 2
