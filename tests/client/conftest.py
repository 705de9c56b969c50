"""Fixtures for client unit tests: a scripted loopback server and a Keycloak-like token endpoint."""

from __future__ import annotations

import pytest

from .loopback import FakeClock, Loopback, TokenEndpoint


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def keycloak(clock):
    ep = TokenEndpoint(clock)
    yield ep
    ep.close()


@pytest.fixture
def loopback():
    """Factory: ``loopback(handler)`` -> started Loopback, closed after the test."""
    servers: list[Loopback] = []

    def start(handler):
        srv = Loopback(handler)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()
