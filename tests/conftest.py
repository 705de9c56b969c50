"""Shared fixtures: a real sandbox server on loopback (session-scoped) and an admin ``Session`` against it; a demo
sandbox per test module (module scope: tests that deploy or undeploy the demo pipeline never see another module's
changes) and an admin session against it."""

from __future__ import annotations

import pytest
from testkit import admin_session, sandbox_server


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """A started ``SandboxServer`` on a fresh data dir (free port, 0.3 s deploy delay, 0.2 s assay tick)."""
    pytest.importorskip("fastapi")
    from wallaroo_widgets.sandbox import SandboxServer

    srv = SandboxServer(tmp_path_factory.mktemp("sandbox-data"), port=0, deploy_delay=0.3, assay_tick=0.2)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def session(sandbox):
    """An admin ``wallaroo_widgets.Session`` (Keycloak password grant) against the shared sandbox."""
    from wallaroo_widgets import Session

    return Session.password(sandbox.url, sandbox.admin_email, sandbox.admin_password,
                            client_secret=sandbox.client_secret)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A started demo ``SandboxServer`` (seeded users, housepricesaga, the demo assay) on a fresh data dir."""
    with sandbox_server(tmp_path_factory.mktemp("demo-sandbox"), demo=True, deploy_delay=0.2) as srv:
        yield srv


@pytest.fixture
def demo_session(demo):
    """An admin ``Session`` (password grant) against the module's demo sandbox."""
    return admin_session(demo)
