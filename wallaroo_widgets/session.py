"""Session: one object owning the API base URL, a token provider, a ``requests.Session``, timeouts and retries.

Retry policy: only *read* calls (``read=True``; each API method declares it where it is defined, with
``@api(read=...)`` in :mod:`wallaroo_widgets.api._base`) are retried, with exponential backoff, and only on
connection errors (refused, DNS, connect timeout; never a read timeout) and 502/503/504 (:mod:`.retry`). Writes
(``read=False``: create, deploy, invite, upload, inference ...) are never retried. Any call that gets a 401
refreshes the token once and is sent once more (the server rejected it before acting). A read timeout raises
RequestTimeout (never retried).
Absolute URLs (inference) get the bearer token only after a host check (see :meth:`Session.url_for`).
"""

from __future__ import annotations

import collections
import datetime as _dt
import json
import logging
import os
import time
import warnings
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from . import auth as _auth
from ._version import __version__
from .api.encoding import dumps, json_default, loads_response
from .codegen import CallRecord
from .errors import (
    AuthenticationError,
    ConnectionFailed,
    RequestTimeout,
    StreamNotResendable,
    UnexpectedResponse,
    from_response,
)
from .netutil import host_of as _host
from .netutil import hostname_of as _hostname
from .netutil import is_loopback
from .retry import RETRY_STATUSES, backoff_delay, is_connection_error, is_read_timeout
from .secrets import scrub

if TYPE_CHECKING:  # pragma: no cover
    from .api.assays import Assays
    from .api.assays_v2 import AssaysV2
    from .api.features import Features
    from .api.models import Models
    from .api.pipelines import Pipelines
    from .api.users import Users
    from .api.workspaces import Workspaces

log = logging.getLogger("wallaroo_widgets.session")

Payload = Callable[[], dict[str, Any]]


def normalize_url(url: str) -> str:
    """Validate an API base URL and strip a trailing slash or ``/v1/api``."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("a Wallaroo API URL is required, e.g. https://myco.api.example.wallaroo.ai")
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {scrub(url)!r} (expected https://{{prefix}}.api.{{suffix}} or "
                         "https://{domain})")
    if parts.password is not None:  # it would show in reprs, snippets and messages; Wallaroo does not use it
        raise ValueError(f"the API URL must not hold a password ({scrub(url)}): log in with a token, or a user and "
                         "password (Session.password / WALLAROO_USER and WALLAROO_PASSWORD)")
    for suffix in ("/v1/api", "/v1"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    return url



class Session:
    """An authenticated connection to one Wallaroo instance (or the local sandbox)."""

    def __init__(
        self,
        url: str,
        provider: _auth.TokenProvider,
        *,
        timeout: float | tuple[float, float] = (5.0, 60.0),
        retries: int = 3,
        backoff: float = 0.5,
        verify: bool | str = True,
        http: requests.Session | None = None,
        history: int = 50,
    ) -> None:
        self.url = normalize_url(url)
        self.provider = provider
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.http = http or requests.Session()
        self.http.verify = verify
        self.http.headers["User-Agent"] = f"wallaroo-widgets/{__version__}"
        provider.http = provider.http or self.http
        provider.timeout = timeout
        provider.retries, provider.backoff = self.retries, backoff
        provider.sleep = lambda delay: self._sleep(delay)
        self._trusted_hosts = {_hostname(self.url)}
        self._warned_hosts: set[str] = set()
        self.last_call: CallRecord | None = None
        self.history: collections.deque[CallRecord] = collections.deque(maxlen=history)
        self._sleep = time.sleep

    # -- constructors ----------------------------------------------------------------------------------
    @classmethod
    def password(
        cls, url: str, username: str, password: str, *, client_secret: str | None, token_url: str | None = None,
        client_id: str = _auth.DEFAULT_CLIENT_ID, **kw: Any,
    ) -> Session:
        """Keycloak password grant with the confidential ``api-client`` (secret sent by HTTP Basic)."""
        url = normalize_url(url)
        prov = _auth.PasswordProvider(token_url or _auth.token_url_for(url), username, password,
                                      client_secret=client_secret, client_id=client_id, **_pkw(kw))
        return cls(url, prov, **kw)

    @classmethod
    def client_credentials(
        cls, url: str, *, client_secret: str, token_url: str | None = None,
        client_id: str = _auth.DEFAULT_CLIENT_ID, **kw: Any,
    ) -> Session:
        """Keycloak client_credentials grant (an inference-only token, no user)."""
        url = normalize_url(url)
        prov = _auth.ClientCredentialsProvider(token_url or _auth.token_url_for(url), client_secret=client_secret,
                                               client_id=client_id, **_pkw(kw))
        return cls(url, prov, **kw)

    @classmethod
    def refresh_token(
        cls, url: str, refresh_token: str, *, client_secret: str | None, token_url: str | None = None,
        client_id: str = _auth.DEFAULT_CLIENT_ID, **kw: Any,
    ) -> Session:
        """Start from a refresh token (works until the refresh token expires)."""
        url = normalize_url(url)
        prov = _auth.RefreshTokenProvider(token_url or _auth.token_url_for(url), refresh_token,
                                          client_secret=client_secret, client_id=client_id, **_pkw(kw))
        return cls(url, prov, **kw)

    @classmethod
    def token(cls, url: str, token: str, **kw: Any) -> Session:
        """A static bearer token (never refreshed; a 401 after it expires raises AuthenticationError)."""
        return cls(url, _auth.StaticTokenProvider(token, **_pkw(kw)), **kw)

    @classmethod
    def from_sdk(cls, wl: Any, **kw: Any) -> Session:
        """Reuse a ``wallaroo.Client`` (duck-typed: ``wl.api_endpoint``, ``wl.auth.auth_header()`` per request)."""
        endpoint = getattr(wl, "api_endpoint", None)
        if not endpoint:
            raise ValueError("the Wallaroo client has no api_endpoint")
        return cls(endpoint, _auth.SdkProvider(wl, **_pkw(kw)), **kw)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kw: Any) -> Session:
        """``WALLAROO_URL`` plus ``WALLAROO_TOKEN``, or ``WALLAROO_USER``/``WALLAROO_PASSWORD``/
        ``WALLAROO_CLIENT_SECRET`` (optional ``WALLAROO_TOKEN_URL``)."""
        env = os.environ if env is None else env
        url = env.get("WALLAROO_URL", "").strip()
        if not url:
            raise ValueError("WALLAROO_URL is not set (the API base URL, e.g. https://myco.api.example.wallaroo.ai)")
        if env.get("WALLAROO_TOKEN"):
            return cls.token(url, env["WALLAROO_TOKEN"], **kw)
        names = ("WALLAROO_USER", "WALLAROO_PASSWORD", "WALLAROO_CLIENT_SECRET")
        missing = [n for n in names if not env.get(n)]
        if missing:
            raise ValueError(
                "incomplete credentials in the environment: set WALLAROO_TOKEN, or all of "
                f"{', '.join(names)} (missing: {', '.join(missing)})"
            )
        return cls.password(url, env["WALLAROO_USER"], env["WALLAROO_PASSWORD"],
                            client_secret=env["WALLAROO_CLIENT_SECRET"],
                            token_url=env.get("WALLAROO_TOKEN_URL") or None, **kw)

    # -- API areas -------------------------------------------------------------------------------------
    @cached_property
    def users(self) -> Users:
        from .api.users import Users

        return Users(self)

    @cached_property
    def workspaces(self) -> Workspaces:
        from .api.workspaces import Workspaces

        return Workspaces(self)

    @cached_property
    def models(self) -> Models:
        from .api.models import Models

        return Models(self)

    @cached_property
    def pipelines(self) -> Pipelines:
        from .api.pipelines import Pipelines

        return Pipelines(self)

    @cached_property
    def features(self) -> Features:
        from .api.features import Features

        return Features(self)

    @cached_property
    def assays(self) -> Assays:
        from .api.assays import Assays

        return Assays(self)

    @cached_property
    def assays_v2(self) -> AssaysV2:
        from .api.assays_v2 import AssaysV2

        return AssaysV2(self)

    # -- calls -----------------------------------------------------------------------------------------
    def url_for(self, path: str) -> str:
        """Absolute URL for an API path. Absolute URLs (inference) pass through, with a host check: a host other
        than the API's (or one the server returned, see :meth:`trust_host`) warns once per host, and plain http
        to a non-loopback host is refused (ValueError) unless the session's own URL is http."""
        if not path.startswith(("http://", "https://")):
            return self.url + "/" + path.lstrip("/")
        parts = urlsplit(path)
        host = _hostname(path)
        if parts.scheme == "http" and not self.url.startswith("http://") and not is_loopback(host):
            raise ValueError(f"refusing to send the bearer token over plain http to {host} (the session uses "
                             "https); use the https URL")
        if host not in self._trusted_hosts and host not in self._warned_hosts:
            self._warned_hosts.add(host)
            warnings.warn(f"sending the bearer token to {host}, which is not the API host "
                          f"{_hostname(self.url)}", UserWarning, stacklevel=4)
        return path

    def trust_host(self, url: str) -> None:
        """Accept the host of a URL the server returned (e.g. ``pipelines.external_url``) without a warning."""
        self._trusted_hosts.add(_hostname(url))

    def post(self, path: str, body: Any = None, *, read: bool = False, api_call: str | None = None) -> Any:
        """POST a JSON body (``{}`` when None) and return the parsed JSON answer (None for an empty body)."""
        data = dumps({} if body is None else body)
        kept = len(data) <= 1_000_000
        shown = json.loads(data) if kept else {"...": f"{len(data)} bytes of JSON"}
        resp = self.request(
            "POST", path, payload=lambda: {"data": data}, content_type="application/json",
            read=read, api_call=api_call, record_json=shown, omitted_bytes=None if kept else len(data),
        )
        return self.parse_json(resp)

    def request(
        self,
        method: str,
        path: str,
        *,
        payload: Payload | None = None,
        content_type: str | None = None,
        params: Mapping[str, Any] | None = None,
        read: bool = False,
        api_call: str | None = None,
        record_json: Any = None,
        record_form: dict[str, str] | None = None,
        record_files: dict[str, tuple[str | None, str | None]] | None = None,
        data_file: str | None = None,
        accept: str | None = None,
        timeout: float | tuple[float, float] | None = None,
        omitted_bytes: int | None = None,
    ) -> requests.Response:
        """Send one call with auth, the 401 refresh-and-retry-once rule and (for reads) retries.

        ``payload()`` returns the body keyword arguments for ``requests`` (``data``/``files``); it is called
        again for each attempt, so streamed bodies can be reopened or rewound.
        """
        url = self.url_for(path)
        attempt, refreshed, resend, prev = 0, False, "a retry", None
        while True:
            auth_header = self.provider.auth_header()
            used = auth_header.get("Authorization", "").split(" ", 1)[-1]
            headers = dict(auth_header)
            if content_type:
                headers["Content-Type"] = content_type
            if accept:
                headers["Accept"] = accept
            rec = CallRecord(method, url, headers=headers, json=record_json, form=record_form, files=record_files,
                             query=dict(params) if params else None, content_type=content_type,
                             data_file=data_file, api_call=api_call, omitted_bytes=omitted_bytes, read=read)
            self.last_call = rec
            self.history.append(rec)
            try:
                body_kw = payload() if payload else {}
            except StreamNotResendable as exc:
                raise StreamNotResendable(f"{exc.msg} (it had to be sent again: {resend})", status=prev,
                                          endpoint=url) from None
            t0 = time.perf_counter()
            wait = timeout or self.timeout
            try:
                resp = self.http.request(method, url, headers=headers, params=params, timeout=wait, **body_kw)
            except requests.RequestException as exc:
                if read and attempt < self.retries and is_connection_error(exc):
                    attempt = self._backoff(attempt, url, type(exc).__name__)
                    continue
                if is_read_timeout(exc):
                    secs = wait[1] if isinstance(wait, tuple) else wait
                    risk = "" if read else "; this write may have been applied: check before sending it again"
                    raise RequestTimeout(f"{_host(url)} accepted the connection but sent no answer within "
                                         f"{secs:g} s (read timeout){risk}", endpoint=url) from None
                raise ConnectionFailed(f"cannot reach {_host(url)}: {type(exc).__name__}: {self._scrub(str(exc))}",
                                       endpoint=url) from None
            rec.status, rec.elapsed_ms = resp.status_code, (time.perf_counter() - t0) * 1000
            prev = resp.status_code
            log.debug("%s %s -> %s (%.0f ms)", method, url, resp.status_code, rec.elapsed_ms)
            if resp.status_code == 401 and not refreshed:
                refreshed = True
                log.info("401 from %s: refreshing the token and retrying once", url)
                if self.provider.force_refresh(used):
                    resend = "the server answered 401 and the token was refreshed"
                    continue
            if resp.status_code in RETRY_STATUSES and read and attempt < self.retries:
                attempt = self._backoff(attempt, url, str(resp.status_code))
                continue
            if resp.status_code >= 400:
                hint = self.provider.unauthorized_hint(self.url) if resp.status_code == 401 else None
                raise from_response(resp.status_code, _try_json(resp), resp.text, url, self.provider.secret_values(),
                                    hint=hint)
            return resp

    def _backoff(self, attempt: int, url: str, why: str) -> int:
        delay = backoff_delay(self.backoff, attempt)
        log.warning("read call %s failed (%s); retry %d/%d in %.2f s", url, why, attempt + 1, self.retries, delay)
        self._sleep(delay)
        return attempt + 1

    def parse_json(self, resp: requests.Response) -> Any:
        """Parsed JSON body; None for an empty body; UnexpectedResponse when it is not JSON."""
        if not resp.content or not resp.content.strip():
            return None
        try:
            return loads_response(resp)
        except ValueError:
            raise UnexpectedResponse(
                f"expected JSON, got {resp.headers.get('Content-Type', 'no content type')}: "
                f"{self._scrub(resp.text[:200])!r}",
                status=resp.status_code, endpoint=resp.url,
            ) from None

    def _scrub(self, text: str) -> str:
        return scrub(text, self.provider.secret_values())

    # -- identity / housekeeping -------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """Who the current token belongs to: ``email, sub, username, expires_at (UTC), roles`` (never the token)."""
        claims = self.provider.claims()
        exp = claims.get("exp")
        username = claims.get("preferred_username")
        return {
            "email": claims.get("email") or (username if username and "@" in str(username) else None),
            "sub": claims.get("sub"),
            "username": username,
            "expires_at": _dt.datetime.fromtimestamp(exp, _dt.timezone.utc) if isinstance(exp, int | float) else None,
            "roles": list((claims.get("realm_access") or {}).get("roles") or []),
        }

    def close(self) -> None:
        """Close the underlying HTTP connection pool."""
        self.http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Session(url={self.url!r}, auth={self.provider!r})"

    __str__ = __repr__


def _pkw(kw: dict[str, Any]) -> dict[str, Any]:
    """Pop provider-only keyword arguments (``margin``, ``clock``) out of the session kwargs."""
    return {k: kw.pop(k) for k in ("margin", "clock") if k in kw}


def _try_json(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


__all__ = ["Session", "AuthenticationError", "normalize_url", "json_default", "dumps"]

