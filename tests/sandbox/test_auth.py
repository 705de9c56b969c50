"""Keycloak-style realm over real HTTP: grants, claims, JWKS, expiry, forged/tampered/alg-none tokens."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from sandbox_http import TOKEN_PATH, Client, new_user, token

from wallaroo_widgets.sandbox.tokens import unverified_claims


def b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def call(srv, tok: str, path: str = "workspaces/list") -> requests.Response:
    return requests.post(f"{srv.url}/v1/api/{path}", json={}, headers={"Authorization": f"Bearer {tok}"}, timeout=30)


def test_password_grant_basic_auth_fields_and_claims(sandbox):
    body = token(sandbox)
    assert {"access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type", "not-before-policy",
            "session_state", "scope"} <= set(body)
    assert (body["expires_in"], body["refresh_expires_in"], body["token_type"]) == (3600, 1800, "Bearer")
    c = unverified_claims(body["access_token"])
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "RS256"
    assert c["email"] == c["preferred_username"] == sandbox.admin_email
    assert c["azp"] == "api-client" and c["exp"] - c["iat"] == 3600
    assert {"admin", "default-roles-master", "offline_access"} <= set(c["realm_access"]["roles"])
    hasura = c["https://hasura.io/jwt/claims"]
    assert hasura["x-hasura-user-id"] == c["sub"] and json.loads(hasura["x-hasura-user-groups"]) == {}
    assert c["sid"] == c["session_state"] == body["session_state"]


def test_jwks_verifies_the_access_token(sandbox):
    keys = requests.get(sandbox.url + "/auth/realms/master/protocol/openid-connect/certs", timeout=30).json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    pub = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(token(sandbox)["access_token"], pub, algorithms=["RS256"], options={"verify_aud": False})
    assert claims["preferred_username"] == sandbox.admin_email


def test_form_client_fields_and_public_sdk_client(sandbox):
    url = sandbox.url + TOKEN_PATH
    creds = {"grant_type": "password", "username": sandbox.admin_email, "password": sandbox.admin_password}
    r = requests.post(url, data={**creds, "client_id": "api-client", "client_secret": sandbox.client_secret},
                      timeout=30)
    assert r.status_code == 200
    r = requests.post(url, data={**creds, "client_id": "sdk-client"}, timeout=30)
    assert r.status_code == 200 and unverified_claims(r.json()["access_token"])["azp"] == "sdk-client"
    assert call(sandbox, r.json()["access_token"]).status_code == 200


def test_sdk_login_has_auth_time_kept_across_refresh(sandbox):
    """Spec 1.4: ``auth_time`` on SDK (sdk-client) logins = the login time, unchanged by a refresh."""
    url = sandbox.url + TOKEN_PATH
    before = int(time.time())
    r = requests.post(url, timeout=30, data={"grant_type": "password", "username": sandbox.admin_email,
                                             "password": sandbox.admin_password, "client_id": "sdk-client"})
    assert r.status_code == 200
    login = unverified_claims(r.json()["access_token"])
    assert isinstance(login["auth_time"], int) and before <= login["auth_time"] <= login["iat"]
    time.sleep(1.1)
    r = requests.post(url, timeout=30, data={"grant_type": "refresh_token", "client_id": "sdk-client",
                                             "refresh_token": r.json()["refresh_token"]})
    assert r.status_code == 200
    again = unverified_claims(r.json()["access_token"])
    assert again["auth_time"] == login["auth_time"] < again["iat"]


@pytest.mark.parametrize("form,auth,status,error", [
    ({"grant_type": "password", "username": "admin@wallaroo.local", "password": "wrong"}, True, 401, "invalid_grant"),
    ({"grant_type": "password", "username": "nobody@x.y", "password": "x"}, True, 401, "invalid_grant"),
    ({"grant_type": "password", "username": "admin@wallaroo.local"}, True, 400, "invalid_request"),
    ({"grant_type": "magic"}, True, 400, "unsupported_grant_type"),
    ({"grant_type": "client_credentials", "client_id": "sdk-client"}, False, 401, "unauthorized_client"),
    ({"grant_type": "password", "client_id": "other-client"}, False, 401, "invalid_client"),
    ({"grant_type": "refresh_token", "refresh_token": "abc.def.ghi"}, True, 400, "invalid_grant"),
])
def test_token_endpoint_errors_are_oauth_bodies(sandbox, form, auth, status, error):
    r = requests.post(sandbox.url + TOKEN_PATH, data=form, timeout=30,
                      auth=("api-client", sandbox.client_secret) if auth else None)
    assert r.status_code == status
    body = r.json()
    assert body["error"] == error and body["error_description"]
    assert sandbox.admin_password not in r.text and sandbox.client_secret not in r.text


def test_wrong_client_secret_is_rejected(sandbox):
    r = requests.post(sandbox.url + TOKEN_PATH, auth=("api-client", "not-the-secret"), timeout=30,
                      data={"grant_type": "password", "username": sandbox.admin_email,
                            "password": sandbox.admin_password})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized_client"


def test_refresh_grant_gives_new_tokens(sandbox):
    first = token(sandbox)
    r = requests.post(sandbox.url + TOKEN_PATH, auth=("api-client", sandbox.client_secret), timeout=30,
                      data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    again = r.json()
    assert again["access_token"] != first["access_token"] and again["refresh_token"]
    assert unverified_claims(again["access_token"])["sub"] == unverified_claims(first["access_token"])["sub"]
    assert call(sandbox, again["access_token"]).status_code == 200
    # an access token is not a refresh token
    r = requests.post(sandbox.url + TOKEN_PATH, auth=("api-client", sandbox.client_secret), timeout=30,
                      data={"grant_type": "refresh_token", "refresh_token": first["access_token"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    # a refresh token is not an access token
    assert call(sandbox, first["refresh_token"]).status_code == 401


def test_client_credentials_token_may_only_infer(sandbox):
    r = requests.post(sandbox.url + TOKEN_PATH, auth=("api-client", sandbox.client_secret), timeout=30,
                      data={"grant_type": "client_credentials"})
    assert r.status_code == 200
    body = r.json()
    claims = unverified_claims(body["access_token"])
    assert claims["preferred_username"] == "service-account-api-client" and claims["clientId"] == "api-client"
    assert "email" not in claims and "session_state" not in claims and "refresh_token" not in body
    r = call(sandbox, body["access_token"])
    assert r.status_code == 403 and r.json()["code"] == 403 and "infer" in r.json()["msg"]


def test_missing_forged_tampered_and_alg_none_tokens_get_401(sandbox):
    good = token(sandbox)["access_token"]
    header, payload, sig = good.split(".")
    claims = unverified_claims(good)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256")
    tampered = ".".join([header, b64({**claims, "exp": claims["exp"] + 10**6}), sig])
    none = ".".join([b64({"alg": "none", "typ": "JWT"}), b64(claims), ""])
    hs = jwt.encode(claims, "secret-guess-that-is-long-enough-for-hs256", algorithm="HS256")
    for bad in (forged, tampered, none, hs, "garbage", good + "x"):
        r = call(sandbox, bad)
        assert r.status_code == 401, bad
        assert r.json()["code"] == 401 and r.json()["msg"]
    r = requests.post(f"{sandbox.url}/v1/api/workspaces/list", json={}, timeout=30)
    assert r.status_code == 401 and r.json() == {"msg": r.json()["msg"], "code": 401}
    r = requests.post(f"{sandbox.url}/v1/api/workspaces/list", json={}, timeout=30,
                      headers={"Authorization": f"Basic {good}"})
    assert r.status_code == 401
    assert call(sandbox, good).status_code == 200


def test_deactivated_user_gets_no_token_and_old_tokens_stop(sandbox):
    admin = Client(sandbox)
    _, email, password = new_user(admin)
    user_token = token(sandbox, email, password)["access_token"]
    assert call(sandbox, user_token).status_code == 200
    admin.ok("users/deactivate", {"email": email})
    r = requests.post(sandbox.url + TOKEN_PATH, auth=("api-client", sandbox.client_secret), timeout=30,
                      data={"grant_type": "password", "username": email, "password": password})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert call(sandbox, user_token).status_code == 401
    admin.ok("users/activate", {"email": email})
    assert call(sandbox, token(sandbox, email, password)["access_token"]).status_code == 200


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory):
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(tmp_path_factory.mktemp("short"), access_token_lifetime=2, refresh_token_lifetime=30,
                       deploy_delay=0) as srv:
        yield srv


def test_two_second_lifetime_expires(short_lived):
    body = token(short_lived)
    assert body["expires_in"] == 2 and body["refresh_expires_in"] == 30
    assert call(short_lived, body["access_token"]).status_code == 200
    time.sleep(3.2)
    r = call(short_lived, body["access_token"])
    assert r.status_code == 401 and "expired" in r.json()["msg"]
    r = requests.post(short_lived.url + TOKEN_PATH, auth=("api-client", short_lived.client_secret), timeout=30,
                      data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    assert r.status_code == 200 and call(short_lived, r.json()["access_token"]).status_code == 200
