"""Keycloak-style RS256 tokens: the realm key (persisted, chmod 600), issuing and verifying JWTs."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_FILE = "realm-key.pem"
CLIENT_ID = "api-client"
SDK_CLIENT_ID = "sdk-client"
SERVICE_ACCOUNT = "service-account-api-client"
SERVICE_ACCOUNT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "wallaroo-sandbox/service-account-api-client"))
USER_ROLES = ["default-roles-master", "offline_access", "uma_authorization"]
ADMIN_ROLES = ["admin", "create-realm"]


class TokenError(Exception):
    """A token that is missing, malformed, expired or not signed by this realm (message is safe to show)."""


def load_or_create_key(data_dir: str | os.PathLike) -> rsa.RSAPrivateKey:
    """The realm's RSA key from ``data_dir/realm-key.pem``, generated (mode 600) on first use."""
    path = Path(data_dir) / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    os.chmod(path, 0o600)
    return key


def _b64(n: int) -> str:
    return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).decode().rstrip("=")


class Realm:
    """Issues and verifies the realm's tokens."""

    def __init__(self, key: rsa.RSAPrivateKey, issuer: str, access_lifetime: int = 3600,
                 refresh_lifetime: int = 1800) -> None:
        self.key, self.public = key, key.public_key()
        self.issuer = issuer
        self.access_lifetime, self.refresh_lifetime = int(access_lifetime), int(refresh_lifetime)
        nums = self.public.public_numbers()
        self.kid = _b64(nums.n)[:16]
        self.jwk = {"kid": self.kid, "kty": "RSA", "alg": "RS256", "use": "sig", "n": _b64(nums.n), "e": _b64(nums.e)}

    def _sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def issue(self, user: dict | None, client_id: str, *, session_state: str | None = None,
              auth_time: int | None = None) -> dict:
        """Token response (Keycloak fields) for ``user`` (None = the api-client service account).

        ``sdk-client`` user tokens carry ``auth_time`` (the login time, kept across refreshes: pass the
        refresh token's ``auth_time``)."""
        now = int(time.time())
        base = {"iat": now, "jti": str(uuid.uuid4()), "iss": self.issuer, "aud": ["master-realm", "account"],
                "typ": "Bearer", "azp": client_id, "acr": "1", "allowed-origins": ["*"], "scope": "profile email",
                "email_verified": False,
                "resource_access": {"master-realm": {"roles": ["manage-users", "view-users", "query-groups",
                                                               "query-users"]},
                                    "account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}}}
        if user is None:
            sub = SERVICE_ACCOUNT_ID
            claims = {**base, "sub": sub, "preferred_username": SERVICE_ACCOUNT, "clientId": CLIENT_ID,
                      "clientHost": "127.0.0.1", "clientAddress": "127.0.0.1",
                      "realm_access": {"roles": list(USER_ROLES)}}
        else:
            sub = user["id"]
            session_state = session_state or str(uuid.uuid4())
            roles = USER_ROLES + (ADMIN_ROLES if user.get("is_admin") else [])
            claims = {**base, "sub": sub, "email": user["email"], "preferred_username": user["email"],
                      "session_state": session_state, "sid": session_state, "realm_access": {"roles": roles}}
            if client_id == SDK_CLIENT_ID:
                claims["auth_time"] = int(auth_time) if isinstance(auth_time, int) else now
        claims["https://hasura.io/jwt/claims"] = {
            "x-hasura-user-id": sub, "x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"],
            "x-hasura-user-groups": "{}"}
        access = self._sign({**claims, "exp": now + self.access_lifetime})
        body = {"access_token": access, "expires_in": self.access_lifetime, "token_type": "Bearer",
                "not-before-policy": 0, "scope": "profile email"}
        if user is not None:
            refresh = self._sign({"iat": now, "exp": now + self.refresh_lifetime, "jti": str(uuid.uuid4()),
                                  "iss": self.issuer, "sub": sub, "typ": "Refresh", "azp": client_id,
                                  "session_state": session_state, "sid": session_state,
                                  **({"auth_time": claims["auth_time"]} if "auth_time" in claims else {})})
            body.update({"refresh_token": refresh, "refresh_expires_in": self.refresh_lifetime,
                         "session_state": session_state})
        else:
            body["refresh_expires_in"] = 0
        return body

    def verify(self, token: str, typ: str = "Bearer") -> dict[str, Any]:
        """Claims of a valid token of this realm; raises TokenError (expired, forged, alg none, wrong type)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenError("malformed token") from None
        if header.get("alg") != "RS256":
            raise TokenError("token algorithm not accepted")
        try:
            claims = jwt.decode(token, self.public, algorithms=["RS256"], options={"verify_aud": False,
                                                                                 "require": ["exp", "sub"]})
        except jwt.ExpiredSignatureError:
            raise TokenError("token expired") from None
        except jwt.PyJWTError:
            raise TokenError("invalid token signature or claims") from None
        if claims.get("typ") != typ:
            raise TokenError(f"not a {typ.lower()} token")
        return claims


def unverified_claims(token: str) -> dict:
    """Claims without verification (tests and diagnostics only)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
