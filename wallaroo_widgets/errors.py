"""Typed exceptions for API, token-endpoint, network and response-shape errors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .secrets import scrub


class WallarooError(Exception):
    """Base error: ``.status`` (HTTP status or None), ``.endpoint``, ``.msg`` (the server's message), ``.code``."""

    def __init__(
        self,
        msg: str,
        *,
        status: int | None = None,
        endpoint: str | None = None,
        code: Any = None,
        body: Any = None,
    ) -> None:
        self.msg = msg
        self.status = status
        self.endpoint = scrub(endpoint) if endpoint else endpoint  # a URL's userinfo password, a token in a query
        self.code = code
        self.body = body
        super().__init__(self._format())

    def _format(self) -> str:
        where = f" [{self.status}]" if self.status is not None else ""
        at = f" {self.endpoint}" if self.endpoint else ""
        return f"{self.msg}{where}{' at' + at if at else ''}"

    def __reduce__(self):  # keep pickling (multiprocessing, ipykernel) working with keyword-only args
        return (_rebuild, (type(self), self.msg, self.status, self.endpoint, self.code, self.body))


def _rebuild(cls, msg, status, endpoint, code, body):
    return cls(msg, status=status, endpoint=endpoint, code=code, body=body)


class AuthenticationError(WallarooError):
    """401, or any failure at the Keycloak token endpoint (bad credentials, expired refresh token)."""


class PermissionDeniedError(WallarooError):
    """403 (e.g. licence user limit on ``users/invite``)."""


class NotFoundError(WallarooError):
    """404 (unknown deployment name, unknown inference URL ...)."""


class ValidationError(WallarooError):
    """400 / 422: malformed or invalid request, duplicate names."""


class ConflictError(WallarooError):
    """409."""


class ServerError(WallarooError):
    """5xx (507 = model storage full)."""


class ConnectionFailed(WallarooError):
    """The server could not be reached (DNS, refused, connect timeout) after any retries."""


class RequestTimeout(ConnectionFailed, TimeoutError):
    """Connected, but no answer within the read timeout; never retried (a write may have been applied)."""


class StreamNotResendable(WallarooError, ValueError):
    """A call had to be sent again (after a 401 token refresh) but its upload stream cannot be rewound."""


class UnexpectedResponse(WallarooError):
    """A 2xx answer whose body does not have the documented shape (never a bare KeyError)."""


class DeploymentFailed(WallarooError):
    """``wait_until_running``: the deployment reported status ``Error``."""


class DeploymentTimeout(WallarooError, TimeoutError):
    """``wait_until_running``: not ``Running`` within the timeout."""


_BY_STATUS: dict[int, type[WallarooError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
}


def error_class(status: int) -> type[WallarooError]:
    """The exception type for an HTTP error status."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return WallarooError


def server_message(body: Any, text: str = "") -> tuple[str | None, Any]:
    """(message, code) from any of the three error shapes: MLOps ``{"msg","code"}``, OAuth
    ``{"error","error_description"}``, engine ``{"code","status","error","source"}``."""
    if isinstance(body, dict):
        if body.get("msg") is not None:
            return str(body["msg"]), body.get("code")
        if "error_description" in body or ("error" in body and "source" not in body):
            err, desc = body.get("error"), body.get("error_description")
            return (f"{err}: {desc}" if err and desc else str(desc or err)), body.get("code", err)
        if "error" in body:  # engine shape
            src = f" (source: {body['source']})" if body.get("source") else ""
            return f"{body['error']}{src}", body.get("code")
        for key in ("message", "detail"):
            if body.get(key) is not None:
                val = body[key]
                return (val if isinstance(val, str) else json.dumps(val)), body.get("code")
    if isinstance(body, str) and body.strip():
        return body.strip()[:500], None
    if text.strip():
        return text.strip()[:500], None
    return None, None


def from_response(
    status: int, body: Any, text: str, endpoint: str, secrets: Iterable[str | None] = (), hint: str | None = None,
) -> WallarooError:
    """Build the typed error for an HTTP error answer (``hint``: our explanation after the server's message);
    secrets are scrubbed from the message."""
    msg, code = server_message(body, text)
    if msg is None:
        msg = f"HTTP {status} with an empty body"
    if hint:
        msg = f"{msg} — {hint}"
    secrets = list(secrets)
    return error_class(status)(
        scrub(msg, secrets), status=status, endpoint=scrub(endpoint, secrets), code=code, body=None
    )
