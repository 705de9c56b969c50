"""Each API method's ``@api(read=...)`` is its retry rule: against a server answering 503, every read is sent
1 + retries times and every write exactly once (all methods, enumerated as in test_show_code)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from wallaroo_widgets import Session, errors

from .loopback import make_jwt
from .show_code_cases import CASES, _v2_config
from .test_show_code import api_methods

#: The methods that change state (never retried), written out independently of the decorators.
WRITES = {
    "users.invite", "users.activate", "users.deactivate", "workspaces.create", "workspaces.add_user",
    "workspaces.remove_user", "models.upload", "models.upload_stream", "models.upload_and_convert",
    "pipelines.create", "pipelines.deploy", "pipelines.undeploy", "pipelines.copy", "pipelines.infer",
    "pipelines.infer_records", "assays.create", "assays.set_active", "assays_v2.set_active", "assays_v2.schedule",
    "pipelines.delete_pipeline", "pipelines.delete_pipeline_versions", "models.delete_model",
    "models.delete_model_versions",
}


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """A session on a server that answers every call 503, and dummy arguments for every case."""
    from .loopback import Loopback

    srv = Loopback(lambda seen: (503, {"msg": "upstream unavailable", "code": 503}))
    s = Session.token(srv.url, make_jwt({"exp": 4_000_000_000}), retries=2, backoff=0.01)
    s._sleep = lambda d: None
    model = tmp_path_factory.mktemp("m") / "m.onnx"
    model.write_bytes(b"not really onnx")
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    version = {"pipeline_pk_id": 3, "pipeline_variant_pk_id": 4, "pipeline_variant_version": "v-1"}
    c = SimpleNamespace(s=s, admin_id="u-1", member="m@x.io", wid=1, model_path=model, mid=2, model={"name": "m"},
                        step={"ModelInference": {"models": []}}, created=version, spare=version, ppk=3,
                        other={"ppk": 3, "dep": 5}, dep_name="p-5", name="p", url=f"{srv.url}/v1/api/pipelines/infer/p-5/p",
                        df=pd.DataFrame({"x": [1.0]}), records=[{"x": 1.0}], vector=[1.0, 2.0], v1={"name": "a"},
                        aid=6, del_pipe="p", del_versions=["v"], del_model="m", del_model_versions=["v"], t0=t0, t1=t0 + dt.timedelta(hours=1), ws_name="w", v2id="7", v2=None)
    c.cfg = _v2_config(c, "v2")
    yield c, srv
    srv.close()


def test_writes_table_names_real_methods():
    assert WRITES <= set(api_methods())


@pytest.mark.parametrize("name", sorted(CASES))
def test_read_declaration_is_the_retry_rule(name, busy):
    c, srv = busy
    fn, args, kwargs = CASES[name](c)
    assert fn.__api__.read is (name not in WRITES)
    before = len(srv.requests)
    with pytest.raises(errors.ServerError):
        fn(*args, **kwargs)
    assert len(srv.requests) - before == (1 if name in WRITES else 3)
    assert c.s.last_call.read is fn.__api__.read
