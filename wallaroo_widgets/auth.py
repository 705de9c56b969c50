"""Token providers: Keycloak password / client_credentials / refresh_token grants, a static token, an SDK client.

Every provider answers ``auth_header()`` (refreshing ahead of ``exp`` when it can) and ``force_refresh(stale)``
(after a 401). Refreshes are serialised by a lock, so threads sharing a session refresh once.

Token endpoint outages: connection errors and 502/503/504 are retried with backoff (as reads); 5xx raise
ServerError, 4xx AuthenticationError. A failed *proactive* refresh (the token is still valid) logs a warning and
keeps the current token until it expires; a refresh token is dropped only when rejected (401, 400 invalid_grant).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from .errors import (
    AuthenticationError,
    ConnectionFailed,
    RequestTimeout,
    ServerError,
    UnexpectedResponse,
    WallarooError,
    from_response,
)
from .retry import RETRY_STATUSES, backoff_delay, is_connection_error, is_read_timeout
from .secrets import Secret, mask, scrub

log = logging.getLogger("wallaroo_widgets.auth")

TOKEN_PATH = "/auth/realms/master/protocol/openid-connect/token"
DEFAULT_CLIENT_ID = "api-client"
#: Refresh this many seconds before ``exp`` (capped at a quarter of the token's lifetime for short tokens).
DEFAULT_MARGIN = 30.0
#: After a failed proactive refresh, wait this many seconds before trying again (the old token is still used).
REFRESH_COOLDOWN = 5.0


def token_url_for(api_url: str) -> str:
    """Single-host layout: ``{api_url}/auth/realms/master/protocol/openid-connect/token``."""
    return api_url.rstrip("/") + TOKEN_PATH


def keycloak_token_url(api_url: str) -> str:
    """Older subdomain layout: ``https://{prefix}.api.{suffix}`` -> ``https://{prefix}.keycloak.{suffix}/auth/...``."""
    parts = urlsplit(api_url)
    host = parts.netloc
    if ".api." not in host:
        raise ValueError(f"cannot derive a Keycloak URL: host {host!r} has no '.api.' label")
    return urlunsplit((parts.scheme, host.replace(".api.", ".keycloak.", 1), TOKEN_PATH, "", ""))


def decode_jwt(token: str) -> dict[str, Any]:
    """The JWT payload (claims) without verifying the signature; ``{}`` when it is not a JWT."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


class TokenProvider:
    """Base class: owns the current access token and when it expires."""

    can_refresh = True

    def __init__(self, *, margin: float = DEFAULT_MARGIN, clock: Callable[[], float] = time.time) -> None:
        self.margin = margin
        self.clock = clock
        self.http: requests.Session | None = None
        self.timeout: float | tuple[float, float] = (5.0, 30.0)
        self.retries, self.backoff = 3, 0.5  # token POST retries (Session copies its own settings here)
        self.sleep: Callable[[float], Any] = time.sleep
        self._quiet_until: float | None = None  # no proactive refresh before this (after a failed one)
        self._proactive = False
        self._lock = threading.RLock()
        self._access: str | None = None
        self._expires_at: float | None = None
        self._lifetime: float | None = None
        self.refresh_count = 0  # tokens obtained so far, the first login included (1 after connecting)

    # -- public -------------------------------------------------------------------------------------
    def access_token(self) -> str:
        """A valid access token, refreshed first if it is missing or within the margin of ``exp``. If that early
        refresh fails while the token is still valid, the current token is used (warning logged)."""
        with self._lock:
            if self._access is None:
                self._refresh()
            elif self._due():  # within the margin of exp (never for a static token)
                if self._expires_at is not None and self.clock() >= self._expires_at:
                    self._refresh()
                elif self._quiet_until is None or self.clock() >= self._quiet_until:
                    self._refresh_early()
            assert self._access is not None
            return self._access

    def _refresh_early(self) -> None:
        self._proactive = True
        try:
            self._refresh()
            self._quiet_until = None
        except WallarooError as exc:
            left = (self._expires_at or 0.0) - self.clock()
            self._quiet_until = self.clock() + REFRESH_COOLDOWN
            log.warning("early token refresh failed (%s: %s); using the current token, valid %.0f s more",
                        type(exc).__name__, exc.msg, left)
        finally:
            self._proactive = False

    def auth_header(self) -> dict[str, str]:
        """``{"Authorization": "Bearer <token>"}``."""
        return {"Authorization": f"Bearer {self.access_token()}"}

    def force_refresh(self, stale: str | None = None) -> bool:
        """After a 401: refresh unless another thread already replaced ``stale``. False if it cannot refresh."""
        if not self.can_refresh:
            return False
        with self._lock:
            if stale is None or self._access == stale:
                self._refresh()
            return True

    def unauthorized_hint(self, api_url: str) -> str | None:
        """Extra explanation for a 401 that survived the refresh (None: the server's message says it all)."""
        return None

    def claims(self) -> dict[str, Any]:
        """Claims of the current token (decoded, not verified)."""
        return decode_jwt(self.access_token())

    def expires_at(self) -> float | None:
        """Epoch seconds when the current token expires (None if unknown)."""
        with self._lock:
            return self._expires_at

    def secret_values(self) -> list[str]:
        """Every secret this provider holds (for scrubbing messages)."""
        return [v for v in (self._access,) if v]

    # -- internals ------------------------------------------------------------------------------------
    def refresh_margin(self) -> float:
        """Seconds ahead of ``exp`` to refresh: ``margin``, at most a quarter of the token lifetime."""
        if self._lifetime:
            return min(self.margin, self._lifetime / 4)
        return self.margin

    def _due(self) -> bool:
        return self._expires_at is not None and self.clock() >= self._expires_at - self.refresh_margin()

    def _set_access(self, token: str, expires_in: float | None = None) -> None:
        claims = decode_jwt(token)
        now = self.clock()
        exp = claims.get("exp")
        if isinstance(exp, int | float):
            self._expires_at = float(exp)
            iat = claims.get("iat")
            self._lifetime = float(exp - iat) if isinstance(iat, int | float) else expires_in
        elif expires_in:
            self._expires_at, self._lifetime = now + float(expires_in), float(expires_in)
        else:
            self._expires_at = self._lifetime = None
        self._access = Secret(token)

    def _refresh(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class StaticTokenProvider(TokenProvider):
    """A fixed bearer token (``Session.token``): used until it expires, never refreshed."""

    can_refresh = False

    def __init__(self, token: str, **kw: Any) -> None:
        super().__init__(**kw)
        if not token or not isinstance(token, str):
            raise ValueError("a non-empty token string is required")
        self._set_access(token.removeprefix("Bearer ").strip())

    def _due(self) -> bool:
        return False  # nothing to refresh with; an expired token gets a 401 -> AuthenticationError

    def _refresh(self) -> None:
        raise AuthenticationError("the static token cannot be refreshed; create a new session")

    def __repr__(self) -> str:
        return "StaticTokenProvider(token=<token>)"


class KeycloakProvider(TokenProvider):
    """Shared grant plumbing: form POST to the token URL with HTTP Basic ``client_id:client_secret``."""

    grant = ""

    def __init__(
        self,
        token_url: str,
        *,
        client_secret: str | None,
        client_id: str = DEFAULT_CLIENT_ID,
        refresh_token: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = Secret(client_secret) if client_secret else None
        self._refresh_token: str | None = Secret(refresh_token) if refresh_token else None
        self._refresh_expires_at: float | None = None

    def secret_values(self) -> list[str]:
        extra = [self._client_secret, self._refresh_token, getattr(self, "_password", None)]
        return super().secret_values() + [v for v in extra if v]

    def _token_request(self, form: dict[str, str]) -> dict[str, Any]:
        """POST one grant, retrying connection errors and 502/503/504 (none for an early refresh).
        Raises AuthenticationError (4xx, OAuth text), ServerError (5xx) or ConnectionFailed/RequestTimeout."""
        http = self.http or requests.Session()
        data = dict(form)
        auth = None
        if self._client_secret:
            auth = (self.client_id, str(self._client_secret))
        else:
            data["client_id"] = self.client_id  # public client (sdk-client) form variant
        retries = 0 if self._proactive else max(0, int(self.retries))
        attempt = 0
        while True:
            try:
                resp = http.post(self.token_url, data=data, auth=auth, timeout=self.timeout)
            except requests.RequestException as exc:
                if is_connection_error(exc) and attempt < retries:
                    attempt = self._backoff(attempt, type(exc).__name__)
                    continue
                if is_read_timeout(exc):
                    raise RequestTimeout("the token endpoint sent no answer within the read timeout",
                                         endpoint=self.token_url) from None
                raise ConnectionFailed(
                    f"cannot reach the token endpoint: {type(exc).__name__}", endpoint=self.token_url
                ) from None
            if resp.status_code in RETRY_STATUSES and attempt < retries:
                attempt = self._backoff(attempt, str(resp.status_code))
                continue
            break
        try:
            body = resp.json()
        except ValueError:
            body = None
        if resp.status_code >= 400:
            err = from_response(resp.status_code, body, resp.text, self.token_url, self.secret_values())
            cls = ServerError if resp.status_code >= 500 else AuthenticationError
            raise cls(f"token endpoint: {err.msg}" if cls is ServerError else err.msg, status=resp.status_code,
                      endpoint=self.token_url, code=err.code)
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise UnexpectedResponse(
                "token endpoint answered without an access_token", status=resp.status_code, endpoint=self.token_url
            )
        return body

    def _backoff(self, attempt: int, why: str) -> int:
        delay = backoff_delay(self.backoff, attempt)
        log.warning("token endpoint failed (%s); retry %d/%d in %.2f s", why, attempt + 1, self.retries, delay)
        self.sleep(delay)
        return attempt + 1

    def _accept(self, body: dict[str, Any]) -> None:
        self._set_access(body["access_token"], body.get("expires_in"))
        if body.get("refresh_token"):
            self._refresh_token = Secret(body["refresh_token"])
            rexp = body.get("refresh_expires_in")
            self._refresh_expires_at = self.clock() + float(rexp) if rexp else None
        self.refresh_count += 1

    def _refresh_token_usable(self) -> bool:
        if not self._refresh_token:
            return False
        return self._refresh_expires_at is None or self.clock() < self._refresh_expires_at - 1.0

    def _refresh(self) -> None:
        if self._refresh_token_usable():
            try:
                body = self._token_request({"grant_type": "refresh_token", "refresh_token": str(self._refresh_token)})
            except AuthenticationError as exc:  # 5xx / network errors propagate and keep the refresh token
                if exc.status != 401 and exc.code != "invalid_grant":
                    raise
                self._refresh_token = None  # rejected: never send it again
                if not self._can_login():
                    raise
            else:
                self._accept(body)
                return
        if not self._can_login():
            raise AuthenticationError("the refresh token has expired and no credentials are available to log in",
                                      endpoint=self.token_url)
        self._accept(self._token_request(self._login_form()))

    def _can_login(self) -> bool:
        return True

    def _login_form(self) -> dict[str, str]:
        return {"grant_type": self.grant}

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(token_url={scrub(self.token_url)!r}, client_id={self.client_id!r}, "
                f"client_secret={mask(self._client_secret)})")


class PasswordProvider(KeycloakProvider):
    """Keycloak password grant (confidential ``api-client`` + secret); refresh_token first, then log in again."""

    grant = "password"

    def __init__(self, token_url: str, username: str, password: str, *, client_secret: str | None, **kw: Any):
        super().__init__(token_url, client_secret=client_secret, **kw)
        if not username or not password:
            raise ValueError("username and password are required")
        self.username = username
        self._password = Secret(password)

    def _login_form(self) -> dict[str, str]:
        return {"grant_type": "password", "username": self.username, "password": str(self._password)}

    def __repr__(self) -> str:
        return (f"PasswordProvider(token_url={scrub(self.token_url)!r}, username={self.username!r}, password=***, "
                f"client_id={self.client_id!r}, client_secret={mask(self._client_secret)})")


class ClientCredentialsProvider(KeycloakProvider):
    """Keycloak client_credentials grant: an inference-only service-account token."""

    grant = "client_credentials"

    def __init__(self, token_url: str, *, client_secret: str, **kw: Any):
        if not client_secret:
            raise ValueError("client_credentials needs the client secret")
        super().__init__(token_url, client_secret=client_secret, **kw)


class RefreshTokenProvider(KeycloakProvider):
    """Only a refresh token: renews the access token until the refresh token itself expires."""

    grant = "refresh_token"

    def __init__(self, token_url: str, refresh_token: str, *, client_secret: str | None, **kw: Any):
        if not refresh_token:
            raise ValueError("a refresh token is required")
        super().__init__(token_url, client_secret=client_secret, refresh_token=refresh_token, **kw)

    def _can_login(self) -> bool:
        return False

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + ", refresh_token=<token>)"


class SdkProvider(TokenProvider):
    """Duck-typed ``wallaroo.Client``: ``wl.auth.auth_header()`` per request (the SDK refreshes itself)."""

    def __init__(self, wl: Any, **kw: Any) -> None:
        super().__init__(**kw)
        auth = getattr(wl, "auth", None)
        if not callable(getattr(auth, "auth_header", None)):
            raise ValueError("this Wallaroo client has no auth.auth_header() (auth type 'none'/test is unsupported)")
        self._auth = auth

    def auth_header(self) -> dict[str, str]:
        header = self._auth.auth_header()
        value = (header.get("Authorization") or header.get("authorization")) if isinstance(header, dict) else None
        if not value:
            raise AuthenticationError("wl.auth.auth_header() returned no Authorization header")
        with self._lock:
            self._set_access(str(value).split(" ", 1)[-1])
        return {"Authorization": str(value)}

    def access_token(self) -> str:
        return self.auth_header()["Authorization"].split(" ", 1)[-1]

    def force_refresh(self, stale: str | None = None) -> bool:
        """The SDK owns refresh: retry once only if it now hands out a different token."""
        return self.access_token() != stale

    def unauthorized_hint(self, api_url: str) -> str | None:
        """A 401 with a token another instance issued: the SDK's token cache is the cause (see sdk_token)."""
        from .sdk_token import foreign_token_hint

        return foreign_token_hint(self._access, api_url)

    def _refresh(self) -> None:
        self.auth_header()

    def __repr__(self) -> str:
        return "SdkProvider(wl.auth)"
