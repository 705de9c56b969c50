"""Network helpers with no package imports: a leaf module every layer may use (client and sandbox alike).

The layering contract (tests/test_layering.py: sandbox imports only ``drift``, api only session/errors/secrets)
allows leaf utility modules that import nothing of the package; this is one.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """Whether ``host`` is certainly this machine: ``localhost`` (any case, a trailing dot allowed), an IP in
    127.0.0.0/8, or ``::1`` (also bracketed, ``[::1]``).

    ``*.localhost`` names are not: RFC 6761 asks resolvers to answer them with loopback, but Python resolves
    through the system resolver, which may send them to DNS. An empty host (bind every interface) and the
    unspecified addresses ``0.0.0.0`` / ``::`` are not loopback either. Used both to allow plain http with a
    bearer token (session) and to decide whether a sandbox bind is public (config)."""
    host = host.strip().strip("[]").lower().removesuffix(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_of(url: str) -> str:
    """``host[:port]`` of a URL (the URL itself when it has none): what messages name."""
    return urlsplit(url).netloc or url


def hostname_of(url: str) -> str:
    """The lower-case host name of a URL ('' when it has none): what host checks compare."""
    return (urlsplit(url).hostname or "").lower()
