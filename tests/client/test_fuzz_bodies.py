"""Whatever JSON a server answers with, API methods and their ``.df`` raise only WallarooError subclasses."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallaroo_widgets import Session, errors

from .loopback import make_jwt

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "x", "2024-01-09T19:10:00Z", '{"num_ok": 1}', "created", "Running", "Error"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["users", "workspaces", "models", "model", "id", "status", "url", "name",
                                       "window", "window_summary", "baseline_summary", "features", "assay_id",
                                       "workspace_id", "insert_models", "returning", "model_config", "time",
                                       "in", "out", "engines", "details", "created_at", "score"]),
                      children, max_size=4),
    max_leaves=12,
)

CALLS = {
    "users.query": lambda s: s.users.query(),
    "workspaces.list": lambda s: s.workspaces.list(),
    "workspaces.list_users": lambda s: s.workspaces.list_users(1),
    "models.list": lambda s: s.models.list(1),
    "models.list_versions": lambda s: s.models.list_versions("m", 1),
    "models.upload_stream": lambda s: s.models.upload_stream("m", 1, b"x"),
    "pipelines.status": lambda s: s.pipelines.status("p-1"),
    "pipelines.external_url": lambda s: s.pipelines.external_url(1, "p"),
    "pipelines.infer": lambda s: s.pipelines.infer("/x", [{"a": 1}]),
    "features.list": lambda s: s.features.list(),
    "assays.list": lambda s: s.assays.list(1),
    "assays.get_assay_results": lambda s: s.assays.get_assay_results(1),
    "assays.get_baseline": lambda s: s.assays.get_baseline(1, "p"),
}


@pytest.fixture(scope="module")
def scripted():
    from .loopback import Loopback

    state = {"body": None}
    srv = Loopback(lambda seen: (200, json.dumps(state["body"]), {"Content-Type": "application/json"}))
    s = Session.token(srv.url, make_jwt({"exp": 4_000_000_000}), retries=0)
    yield s, state
    srv.close()


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values)
def test_any_body_gives_a_result_or_a_typed_error(scripted, name, body):
    s, state = scripted
    state["body"] = body
    try:
        out = CALLS[name](s)
        if hasattr(out, "df"):
            assert out.df is not None
    except errors.WallarooError:
        pass
