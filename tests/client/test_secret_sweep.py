"""Secrets against a real sandbox, across the surfaces added late: every route of the sandbox's OpenAPI (today's
pipeline/model calls, Assays V2, GraphQL) called with a bad token, the token endpoint with a bad password and
client secret, and the client's errors/reprs/DEBUG logs for today's calls, V2 assays and GraphQL. Distinctive
secrets (``Pw-<random>-xyz``, a forged JWT, the live token) must appear in no answer, header, error or log line."""

from __future__ import annotations

import base64
import json
import logging
import secrets as pysecrets

import pytest
import requests

from wallaroo_widgets import Session, errors

pytestmark = pytest.mark.timeout(120)


def _forged_jwt() -> str:
    """A JWT-shaped token this sandbox never issued (distinctive payload, bogus signature)."""
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part({'sub': 'x', 'n': pysecrets.token_hex(8)})}." \
           f"{pysecrets.token_hex(16)}"


def _texts(resp: requests.Response) -> str:
    return resp.text + "\n" + "\n".join(f"{k}: {v}" for k, v in resp.headers.items())


def test_every_route_with_a_bad_token_or_password_answers_and_logs_no_secret(sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    forged, password, client_secret = _forged_jwt(), f"Pw-{pysecrets.token_hex(5)}-xyz", \
        f"Cs-{pysecrets.token_hex(5)}-xyz"
    spec = requests.get(sandbox.url + "/v1/api/openapi.json", timeout=30).json()
    seen: list[tuple[str, int, str]] = []
    http = requests.Session()
    for path, item in spec["paths"].items():
        for method in item:
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            url = sandbox.url + path.replace("{", "").replace("}", "")
            for auth in (f"Bearer {forged}", f"Bearer {password}", f"Basic {forged}"):
                r = http.request(method, url, json={"token": forged, "password": password}, timeout=30,
                                 headers={"Authorization": auth})
                seen.append((f"{method} {path}", r.status_code, _texts(r)))
    token_url = sandbox.url + "/auth/realms/master/protocol/openid-connect/token"
    for form, basic in (({"grant_type": "password", "username": sandbox.admin_email, "password": password},
                         ("api-client", sandbox.client_secret)),
                        ({"grant_type": "password", "username": sandbox.admin_email,
                          "password": sandbox.admin_password}, ("api-client", client_secret)),
                        ({"grant_type": "refresh_token", "refresh_token": forged}, ("api-client", client_secret)),
                        ({"grant_type": "client_credentials", "client_secret": client_secret}, None)):
        r = http.post(token_url, data=form, auth=basic, timeout=30)
        seen.append(("token " + form["grant_type"], r.status_code, _texts(r)))
    assert len(seen) > 60 and not [s for s in seen if s[1] >= 500]
    assert any(code == 401 for _, code, _ in seen) and [c for w, c, _ in seen if w.startswith("token")] == [401] * 4
    for secret in (forged, password, client_secret):
        assert not [(what, code) for what, code, text in seen if secret in text]
        assert secret not in caplog.text


def test_client_errors_with_bad_credentials_hold_no_secret(sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    password, forged = f"Pw-{pysecrets.token_hex(5)}-xyz", _forged_jwt()
    bad_pw = Session.password(sandbox.url, sandbox.admin_email, password, client_secret=sandbox.client_secret,
                              retries=0)
    bad_secret = Session.password(sandbox.url, sandbox.admin_email, sandbox.admin_password,
                                  client_secret=password, retries=0)
    bad_token = Session.token(sandbox.url, forged, retries=0)
    calls = (lambda s: s.workspaces.list(), lambda s: s.pipelines.list_pipelines(1),
             lambda s: s.pipelines.get_logs(1, "nope"), lambda s: s.assays_v2.list(),
             lambda s: s.post("v1/graphql", {"query": "{ __typename }"}))
    raised = []
    for sess in (bad_pw, bad_secret, bad_token):
        for call in calls:
            with pytest.raises(errors.WallarooError) as ei:
                call(sess)
            raised.append(ei.value)
        assert password not in repr(sess) and forged not in repr(sess)
    assert {type(e) for e in raised} == {errors.AuthenticationError}
    texts = [f"{e}|{e!r}|{e.msg}|{e.args}|{getattr(e, 'body', '')}|{e.__cause__!r}|{e.__context__!r}"
             for e in raised]
    assert all("401" in t or "nauthori" in t or "invalid" in t.lower() for t in texts)
    for secret in (password, forged, sandbox.client_secret):
        assert not [t for t in texts if secret in t]
        assert secret not in caplog.text


def test_live_token_absent_from_todays_calls_v2_graphql_errors_reprs_and_logs(session, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    wid = session.workspaces.create(f"sweep-{pysecrets.token_hex(4)}")["workspace_id"]
    outputs: list[object] = [session.pipelines.list_pipelines(wid), session.assays_v2.list(workspace_id=wid),
                             session.post("v1/graphql", {"query": "{ __typename }"}), session]
    failures: list[BaseException] = []
    for call in (lambda: session.pipelines.get_logs(wid, "no-such-pipe"),
                 lambda: session.pipelines.get_pipeline_by_name(wid, "no-such-pipe"),
                 lambda: session.models.list_versions_for_model(wid, "no-such-model"),
                 lambda: session.assays_v2.get("00000000-0000-0000-0000-000000000000"),
                 lambda: session.post("v1/graphql", {"query": "{ noSuchField(token: \"x\") }"}),
                 lambda: session.post("v1/graphql", {"nope": 1})):
        try:
            outputs.append(call())
        except errors.WallarooError as exc:
            failures.append(exc)
    assert len(failures) >= 4
    live = [session.provider.access_token(), sandbox.admin_password, sandbox.client_secret,
            str(session.provider._refresh_token)]  # noqa: SLF001
    live = [v for v in live if len(v) >= 8]  # the shared sandbox's password "admin" is part of its admin's email
    assert len(live) >= 3
    texts = [repr(o) for o in outputs] + [f"{e}|{e!r}|{e.msg}|{e.args}" for e in failures]
    for secret in live:
        assert not [t for t in texts if secret in t]
        assert secret not in caplog.text
