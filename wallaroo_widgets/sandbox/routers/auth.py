"""Keycloak-compatible realm ``master``: token endpoint (password, refresh_token, client_credentials) and JWKS."""

from __future__ import annotations

import base64
import binascii
import secrets

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from .. import db
from ..errors import ERROR_MEANINGS, ErrorBody
from ..tokens import CLIENT_ID, SDK_CLIENT_ID, TokenError
from . import make_router

REALM = "/auth/realms/master"
router = make_router(prefix=f"{REALM}/protocol/openid-connect", tags=["auth"])


class OAuthError(BaseModel):
    """Keycloak's error answer of the token endpoint (not the MLOps ``{"msg","code"}``)."""

    error: str
    error_description: str


_FORM = {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["grant_type"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["password", "refresh_token", "client_credentials"]},
        "client_id": {"type": "string", "description": "sdk-client, or api-client with its secret "
                      "(or HTTP Basic auth api-client:<secret>)"},
        "client_secret": {"type": "string"},
        "username": {"type": "string", "description": "password grant: the user's email"},
        "password": {"type": "string"},
        "refresh_token": {"type": "string"}},
    "example": {"grant_type": "password", "client_id": "sdk-client", "username": "admin@wallaroo.local",
                "password": "admin"}}}}}}
_TOKEN_ERRORS = {400: {"model": OAuthError, "description": "invalid_request, invalid_grant (disabled account, bad "
                       "refresh token) or unsupported_grant_type"},
                 401: {"model": OAuthError, "description": "unknown client, bad client secret or bad user "
                       "credentials"},
                 413: {"model": ErrorBody, "description": ERROR_MEANINGS[413]}}


def oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _client(request: Request, form: dict) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            cid, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return cid, secret
    return form.get("client_id"), form.get("client_secret")


@router.post("/token", summary="Keycloak token endpoint (form-encoded)", openapi_extra=_FORM,
             responses=_TOKEN_ERRORS)
async def token(request: Request) -> JSONResponse:
    try:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    except Exception:  # noqa: BLE001 - any unparsable body is an OAuth error, not a 500
        return oauth_error(400, "invalid_request", "body must be application/x-www-form-urlencoded")
    # PBKDF2 and SQLite run in the thread pool: concurrent logins must not stall the event loop
    return await run_in_threadpool(_grant, request, form)


def _grant(request: Request, form: dict) -> JSONResponse:
    state = request.app.state
    cid, secret = _client(request, form)
    if cid == CLIENT_ID:
        if not secret or not secrets.compare_digest(secret, state.config.client_secret):
            return oauth_error(401, "unauthorized_client", "Invalid client or Invalid client credentials")
    elif cid != SDK_CLIENT_ID:
        return oauth_error(401, "invalid_client", "Invalid client or Invalid client credentials")
    grant = form.get("grant_type")
    realm = state.realm
    if grant == "password":
        username, password = form.get("username"), form.get("password")
        if not username or password is None:
            return oauth_error(400, "invalid_request", "Missing parameter: username and password")
        with state.store.tx() as conn:
            user = db.get_user(conn, email=username)
        if user is None or not db.check_password(password, user["password_hash"]):
            return oauth_error(401, "invalid_grant", "Invalid user credentials")
        if not user["enabled"]:
            return oauth_error(400, "invalid_grant", "Account disabled")
        return JSONResponse(realm.issue(user, cid))
    if grant == "refresh_token":
        raw = form.get("refresh_token")
        if not raw:
            return oauth_error(400, "invalid_request", "Missing parameter: refresh_token")
        try:
            claims = realm.verify(raw, typ="Refresh")
        except TokenError as exc:
            return oauth_error(400, "invalid_grant", f"Invalid refresh token ({exc})")
        if claims.get("azp") != cid:
            return oauth_error(400, "invalid_grant", "Invalid refresh token (issued to another client)")
        with state.store.tx() as conn:
            user = db.get_user(conn, user_id=claims["sub"])
        if user is None or not user["enabled"]:
            return oauth_error(400, "invalid_grant", "Account disabled")
        return JSONResponse(realm.issue(user, cid, session_state=claims.get("session_state"),
                                        auth_time=claims.get("auth_time")))
    if grant == "client_credentials":
        if cid != CLIENT_ID:
            return oauth_error(401, "unauthorized_client", "Client not enabled to retrieve service account")
        return JSONResponse(realm.issue(None, cid))
    return oauth_error(400, "unsupported_grant_type", f"Unsupported grant_type: {grant!r}")


@router.get("/certs", summary="JSON Web Key Set of the realm")
def certs(request: Request) -> dict:
    return {"keys": [request.app.state.realm.jwk]}
