"""Explain a 401 seen through ``Session.from_sdk``: the Wallaroo SDK reused a token another instance issued.

The SDK caches its login in one file (``~/.cache/wallaroo_sdk/auth/keycloak.json``) whatever the URL, and
hands that token to any ``wallaroo.Client`` until it expires; every call to another instance then answers
401. These helpers say so, naming the issuer and the file, never the token.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from .auth import decode_jwt, keycloak_token_url


def sdk_token_cache() -> Path:
    """Where the SDK keeps its token (``appdirs.user_cache_dir('wallaroo_sdk')/auth/keycloak.json``)."""
    try:
        import appdirs  # the SDK's own dependency: the exact path when the SDK is installed

        base = Path(appdirs.user_cache_dir(appname="wallaroo_sdk", appauthor="wallaroo"))
    except ImportError:
        if sys.platform == "darwin":
            root = Path.home() / "Library" / "Caches"
        else:
            root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        base = root / "wallaroo_sdk"
    return base / "auth" / "keycloak.json"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def foreign_issuer(token: str | None, api_url: str) -> str | None:
    """The token's ``iss`` when it is on neither the API's origin (scheme, host, port) nor the instance's
    Keycloak host (``*.api.*`` -> ``*.keycloak.*``); else None (also for a token without ``iss``)."""
    if not token:
        return None
    iss = decode_jwt(token).get("iss")
    if not isinstance(iss, str) or not iss.strip():
        return None
    own = {_origin(api_url)}
    if ".api." in (urlsplit(api_url).hostname or ""):
        own.add(_origin(keycloak_token_url(api_url)))
    return None if _origin(iss) in own else iss


def foreign_token_hint(token: str | None, api_url: str) -> str | None:
    """What happened and what to do, when a 401 came with a token issued elsewhere (None otherwise)."""
    iss = foreign_issuer(token, api_url)
    if iss is None:
        return None
    return (f"the token the Wallaroo SDK supplied (***) was issued by {iss}, not by this instance ({api_url}): "
            f"the SDK reuses the token cached in {sdk_token_cache()} for whichever instance it last logged "
            "into. Delete that file (or run wallaroo.auth.logout()), then create the wallaroo.Client again "
            "so that it logs in to this instance")
