"""The server extension's logic, free of Jupyter and tornado: one upstream ``Session`` (credentials stay in this
process), the connection status, the cached sidebar tree and an allowlisted read-only proxy.

Every upstream call runs under one lock (``requests.Session`` is shared); the handlers run these methods on a
worker thread, so the Jupyter server's event loop never waits on Wallaroo.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from .._version import __version__
from ..errors import AuthenticationError, PermissionDeniedError, WallarooError
from ..secrets import scrub
from ..session import Session
from .tree import build_tree

#: Upstream paths the browser may read through ``/wallaroo-widgets/api/<path>``. Every Wallaroo read is a POST,
#: so this is a list of read endpoints, not a verb check; anything else is refused before any upstream call.
ALLOWED_PATHS = frozenset({
    "v1/api/workspaces/list",
    "v1/api/workspaces/list_users",
    "v1/api/models/list",
    "v1/api/models/list_versions",
    "v1/api/models/get_version_by_id",
    "v1/api/status/get_deployment",
    "v1/api/pipelines/list_pipelines",
    "v1/api/pipelines/get_pipeline_by_name",
    "v1/api/pipelines/list_pipeline_versions",
    "v1/api/admin/get_pipeline_external_url",
    "v1/api/assays/list",
    "v1/api/assays/get_assay_by_id",
    "v1/api/assays/get_assay_results",
    "v1/api/features/list",
    "v2/api/assays/get",
    "v2/api/assays/get/:id",
    "v2/api/assays/get_results",
    "v2/api/assays/get_next_run",
})


class ProxyDenied(Exception):
    """A proxy path outside :data:`ALLOWED_PATHS` (answered 403 without calling upstream)."""


class NotConfigured(Exception):
    """No Wallaroo URL/credentials for the server extension."""


class UpstreamError(Exception):
    """An upstream failure, as the browser may see it: an HTTP status and a scrubbed message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def auth_type(env: Mapping[str, str]) -> str | None:
    """``"token"`` or ``"password"`` for a credentials mapping (``WALLAROO_*`` names), None when incomplete."""
    if env.get("WALLAROO_TOKEN"):
        return "token"
    if all(env.get(k) for k in ("WALLAROO_USER", "WALLAROO_PASSWORD", "WALLAROO_CLIENT_SECRET")):
        return "password"
    return None


class Backend:
    """Status, tree and proxy over one lazily created ``Session`` (``Session.from_env`` on ``credentials``)."""

    def __init__(self, credentials: Mapping[str, str], *, cache_ttl: float = 10.0,
                 timeout: tuple[float, float] = (5.0, 20.0), retries: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._creds = {k: v for k, v in credentials.items() if v}
        self.cache_ttl = cache_ttl
        self._timeout, self._retries = timeout, retries
        self._clock = clock
        self._lock = threading.RLock()
        self._session: Session | None = None
        self._tree: tuple[float, dict[str, Any]] | None = None
        self._status: tuple[float, dict[str, Any]] | None = None
        self.memo: dict[str, Any] = {}  # tree helpers' caches (V2 presence, V1 latest result per run)

    @property
    def api_url(self) -> str | None:
        return self._creds.get("WALLAROO_URL") or None

    @property
    def shown_url(self) -> str | None:
        """The API URL as answers and logs may show it (a password in its userinfo masked)."""
        return self.scrub(self.api_url) if self.api_url else None

    @property
    def auth_type(self) -> str | None:
        return auth_type(self._creds)

    def session(self) -> Session:
        """The upstream session (created on first use; NotConfigured when URL or credentials are missing)."""
        with self._lock:
            if self._session is None:
                if not self.api_url:
                    raise NotConfigured("the Wallaroo URL is not set: export WALLAROO_URL (and WALLAROO_TOKEN, or "
                                        "WALLAROO_USER/WALLAROO_PASSWORD/WALLAROO_CLIENT_SECRET) before starting "
                                        "JupyterLab, or set c.WallarooLabApp.api_url")
                try:
                    self._session = Session.from_env(self._creds, timeout=self._timeout, retries=self._retries)
                except ValueError as exc:
                    raise NotConfigured(self.scrub(str(exc))) from None
            return self._session

    def scrub(self, text: str) -> str:
        """``text`` with every configured secret and current token masked."""
        secrets = [v for k, v in self._creds.items() if k in ("WALLAROO_TOKEN", "WALLAROO_PASSWORD",
                                                               "WALLAROO_CLIENT_SECRET")]
        if self._session is not None:
            secrets += self._session.provider.secret_values()
        return scrub(text, secrets)

    # -- status -----------------------------------------------------------------------------------------
    def status(self, refresh: bool = False) -> dict[str, Any]:
        """``{connected, api_url, auth_type, user, instance, server_version, error}``; never raises."""
        with self._lock:
            if not refresh and self._status and self._clock() - self._status[0] < self.cache_ttl:
                return self._status[1]
            out: dict[str, Any] = {"connected": False, "api_url": self.shown_url, "auth_type": self.auth_type,
                                   "user": None, "instance": None, "server_version": __version__, "error": None}
            try:
                sess = self.session()
                me = sess.identity()
                out["user"] = me.get("email") or me.get("username")
                features = sess.post("v1/api/features/list", {}, read=True)
                out["instance"] = features.get("name") if isinstance(features, dict) else None
                out["connected"] = True
            except Exception as exc:  # noqa: BLE001 - every failure becomes the status' error line
                out["error"] = self.describe(exc)
            self._status = (self._clock(), out)
            return out

    # -- tree -------------------------------------------------------------------------------------------
    def tree(self, refresh: bool = False) -> dict[str, Any]:
        """The sidebar tree (cached ``cache_ttl`` s; ``refresh`` bypasses the cache). Raises UpstreamError or
        NotConfigured."""
        with self._lock:
            now = self._clock()
            if not refresh and self._tree and now - self._tree[0] < self.cache_ttl:
                return self._tree[1]
            try:
                out = build_tree(self.session(), self.memo)
            except WallarooError as exc:
                raise self.upstream_error(exc) from None
            self._tree = (now, out)
            return out

    # -- proxy ------------------------------------------------------------------------------------------
    @staticmethod
    def check_path(path: str) -> str:
        """The normalised upstream path, or ProxyDenied (no upstream call is made for a denied path)."""
        norm = path.strip().lstrip("/")
        if norm not in ALLOWED_PATHS:
            raise ProxyDenied(f"{path!r} is not a read endpoint the Wallaroo sidebar may proxy")
        return norm

    def proxy(self, path: str, body: Any) -> Any:
        """POST ``body`` to the allowlisted ``path`` on the configured instance, with this server's credentials."""
        norm = self.check_path(path)
        with self._lock:
            sess = self.session()
            try:
                return sess.post(norm, {} if body is None else body, read=True)
            except WallarooError as exc:
                raise self.upstream_error(exc) from None

    # -- errors -----------------------------------------------------------------------------------------
    def describe(self, exc: BaseException) -> str:
        """One scrubbed line for an error (the server's message for API errors)."""
        if isinstance(exc, WallarooError):
            text = exc.msg + (f" [{exc.status}]" if exc.status else "")
        else:
            text = str(exc) or type(exc).__name__
        return self.scrub(text)

    def upstream_error(self, exc: WallarooError) -> UpstreamError:
        """Map an upstream error to the status the browser gets: 4xx kept (401/403 become 502: they concern this
        server's credentials, not the browser's Jupyter login), everything else 502."""
        status = exc.status or 0
        if isinstance(exc, AuthenticationError | PermissionDeniedError) or status in (401, 403):
            return UpstreamError(502, "Wallaroo rejected the server's credentials: " + self.describe(exc))
        if 400 <= status < 500:
            return UpstreamError(status, self.describe(exc))
        return UpstreamError(502, "Wallaroo upstream error: " + self.describe(exc))

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None
