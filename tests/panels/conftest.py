"""Panel test fixtures: an assay builder over synthetic logs (``demo`` and ``demo_session``, a demo sandbox per
module and an admin session against it, come from tests/conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from wallaroo_widgets.panels.builder import AssayBuilder

from .helpers import T0, synthetic_logs


@pytest.fixture
def builder() -> AssayBuilder:
    """An ``AssayBuilder`` over ``synthetic_logs()``: baseline the first 24 h, 6-hour windows."""
    b = AssayBuilder()
    b.set_logs(synthetic_logs(), pipeline={"id": 1, "name": "p", "workspace_id": 1})
    b.baseline_start.value = T0.isoformat()
    b.baseline_end.value = (T0 + pd.Timedelta(hours=24)).isoformat()
    b.width.value = "6 hours"
    return b
