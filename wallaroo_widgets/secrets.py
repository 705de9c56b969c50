"""Masking helpers: keep tokens, passwords and client secrets out of reprs, logs, errors and code snippets."""

from __future__ import annotations

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


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove known secret values, bearer/basic credentials and JWT-looking strings from free text."""
    for value in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(value, TOKEN_MASK if value.count(".") == 2 else MASK)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {TOKEN_MASK if m.group(1).lower() == 'bearer' else MASK}", text)
    return _JWT.sub(TOKEN_MASK, text)
