"""Panel test fixtures: a demo sandbox per test module (module scope: tests that deploy or undeploy the demo
pipeline never see another module's changes) and an admin session against it; an assay builder over synthetic
logs."""

from __future__ import annotations

import pandas as pd
import pytest

from wallaroo_widgets import Session
from wallaroo_widgets.panels.builder import AssayBuilder

from .helpers import T0, synthetic_logs


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A started demo ``SandboxServer`` (seeded users, housepricesaga, the demo assay) on a fresh data dir."""
    pytest.importorskip("fastapi")
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(tmp_path_factory.mktemp("demo-sandbox"), port=0, demo=True, deploy_delay=0.2) as srv:
        yield srv


@pytest.fixture
def demo_session(demo) -> Session:
    """An admin ``Session`` (password grant) against the module's demo sandbox."""
    return Session.password(demo.url, demo.admin_email, demo.admin_password, client_secret=demo.client_secret)


@pytest.fixture
def builder() -> AssayBuilder:
    """An ``AssayBuilder`` over ``synthetic_logs()``: baseline the first 24 h, 6-hour windows."""
    b = AssayBuilder()
    b.set_logs(synthetic_logs(), pipeline={"id": 1, "name": "p", "workspace_id": 1})
    b.baseline_start.value = T0.isoformat()
    b.baseline_end.value = (T0 + pd.Timedelta(hours=24)).isoformat()
    b.width.value = "6 hours"
    return b
