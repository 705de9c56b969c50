"""Retry policy shared by API calls (``Session.request``) and the token endpoint (``KeycloakProvider``).

Retried: connection errors (refused, DNS, connect timeout) and 502/503/504, with exponential backoff. Never
retried: a read timeout (the server accepted the request; a write may have been applied).
"""

from __future__ import annotations

import requests

RETRY_STATUSES = frozenset({502, 503, 504})
#: longest wait between two attempts, seconds
MAX_DELAY = 10.0


def backoff_delay(base: float, attempt: int) -> float:
    """Seconds to wait before retry ``attempt + 1``: ``base · 2**attempt``, at most :data:`MAX_DELAY`."""
    return min(base * (2**attempt), MAX_DELAY)


def is_connection_error(exc: requests.RequestException) -> bool:
    """Nothing reached the server: refused, DNS, connect timeout (a ConnectionError); never a read timeout."""
    return isinstance(exc, requests.ConnectionError)


def is_read_timeout(exc: requests.RequestException) -> bool:
    """Connected, but no answer within the read timeout (a ``ConnectTimeout`` is a connection error)."""
    return isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectTimeout)
