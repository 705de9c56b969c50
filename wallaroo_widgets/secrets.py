"""Masking helpers: keep tokens, passwords and client secrets out of reprs, logs, errors and code snippets."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
TOKEN_MASK = "<token>"

#: Mapping / form keys whose values are secrets (compared case-insensitively, ``-`` treated as ``_``).
SECRET_KEYS = frozenset(
    {
        "password",
        "client_secret",
        "secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "authorization",
        "proxy_authorization",
        "cookie",
        "x_api_key",
    }
)

#: ``scheme://user:password@host``: the password part of a URL's userinfo.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")


class Secret(str):
    """A ``str`` that works as its value but shows ``***`` in ``repr()`` (so dicts print masked)."""

    def __repr__(self) -> str:
        return MASK


def mask(value: object | None) -> str:
    """``***`` for any non-empty value, ``None`` shown as ``None``; never the value itself."""
    return "None" if value is None else MASK


def is_secret_key(key: object) -> bool:
    """True when a mapping key names a secret (``password``, ``Authorization``, ``client_secret`` ...)."""
    return str(key).lower().replace("-", "_") in SECRET_KEYS


def redact_headers(headers: Mapping[str, Any] | None) -> dict[str, str]:
    """Copy of HTTP headers with ``Authorization: Bearer <token>`` / ``Basic ***`` masked."""
    out: dict[str, str] = {}
    for key, value in (headers or {}).items():
        if key.lower() == "authorization":
            scheme = str(value).split(" ", 1)[0]
            out[key] = f"Bearer {TOKEN_MASK}" if scheme.lower() == "bearer" else f"{scheme} {MASK}"
        elif is_secret_key(key):
            out[key] = MASK
        else:
            out[key] = str(value)
    return out


def redact(obj: Any) -> Any:
    """Deep copy of JSON-like data with values under secret keys replaced by ``***``."""
    if isinstance(obj, Mapping):
        return {k: (MASK if is_secret_key(k) and v is not None else redact(v)) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [redact(v) for v in obj]
    return obj


#: Secrets at least this long are masked wherever they appear; shorter ones (a password such as ``admin``) only
#: where they stand as the value of a secret field, so ``admin@wallaroo.local`` stays intact.
SUBSTRING_MIN = 8

_FIELD = r"(?:password|passwd|client_secret|refresh_token|access_token|secret)"
#: ``password=x``, ``password: x``, ``"password": "x"``, ``password 'x'``: the value of a secret field, whatever it is.
_FIELD_VALUE = re.compile(
    rf"""(?ix)(\b{_FIELD}\b["']?\s*[:=]\s*)(["']?)((?!\*\*\*|<token>|None\b|null\b)[^"'\s,;&)}}\]]+)(\2)"""
    rf"""|(\b{_FIELD}\b\s+)(["'])((?!\*\*\*)[^"']+)(\6)"""
)


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove secrets from free text: bearer/basic credentials, JWT-looking strings, a URL's password
    (``https://user:***@host``), the value of any secret field
    (``password=...``, ``"client_secret": "..."``, ``password 'x'``), and the given secret values — those of
    :data:`SUBSTRING_MIN` characters or more wherever they occur, shorter ones only as a whole field value (so a
    short password never shows as a value, and ordinary text that happens to contain it is not corrupted)."""
    for value in sorted({str(s) for s in secrets if s}, key=len, reverse=True):
        if len(value) >= SUBSTRING_MIN:
            text = text.replace(value, TOKEN_MASK if value.count(".") == 2 else MASK)
        else:
            pattern = rf"""(?i)(\b{_FIELD}\b["']?(?:\s*[:=]\s*|\s+)["']?){re.escape(value)}(?=$|["'\s,;&)}}\]])"""
            text = re.sub(pattern, lambda m: m.group(1) + MASK, text)
    text = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    text = _FIELD_VALUE.sub(_mask_field, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {TOKEN_MASK if m.group(1).lower() == 'bearer' else MASK}", text)
    return _JWT.sub(TOKEN_MASK, text)


def _mask_field(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return f"{m.group(1)}{m.group(2)}{MASK}{m.group(4)}"
    return f"{m.group(5)}{m.group(6)}{MASK}{m.group(8)}"


def redact_log_args(args: Any) -> Any:
    """``LogRecord.args`` with every mapping argument redacted (:func:`redact`): a config object logged with
    ``%r`` / ``%s`` (traitlets' ``Config changed: %r``, ``Config at the time: %s``) shows ``***`` for its
    ``password``, ``token`` and ``client_secret`` values. Other arguments are kept as they are."""
    if isinstance(args, Mapping):
        return redact(args)
    if isinstance(args, tuple) and any(isinstance(a, Mapping) for a in args):
        return tuple(redact(a) if isinstance(a, Mapping) else a for a in args)
    return args


_FACTORY_INSTALLED = False


def install_log_redaction() -> None:
    """Redact mapping arguments of every log record of this process (idempotent; wraps the current record
    factory). Used by the Jupyter server extension: Jupyter's ``--debug`` logs whole config objects, which hold
    ``c.WallarooLabApp.password`` and friends as plain strings."""
    global _FACTORY_INSTALLED
    if _FACTORY_INSTALLED:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.args:
            record.args = redact_log_args(record.args)
        return record

    logging.setLogRecordFactory(factory)
    _FACTORY_INSTALLED = True
