"""Schemathesis against a demo sandbox: the OpenAPI document at /v1/api/openapi.json tells the truth.

Generated requests (examples, coverage and fuzzing phases, positive and negative data, a bounded number per
operation and a fixed seed) must get no server error, only documented status codes and responses that match
their documented schema; and no operation may reject the requests its own schema documents ("schema validation
mismatch": the schema must be as strict as the server).

Test data no JSON Schema can make comes from schemathesis_hooks.py: the positive cases upload a real ONNX
model to the demo workspace (a generated file is a documented 400) and point V2 assay calls at the demo's
pipeline, data and assay (generated summarizers, bin modes, values, frequencies kept), so they reach the
scoring code. V2 bodies naming a generated (unknown) pipeline are 404s before anything else is checked: what
the V2 schema cannot state (one time before another, sizes that must agree) is checked after the targeted
pipeline or assay is resolved, as in V1 (sandbox.assay_v2_models.check_rules).

Left out: the Keycloak token endpoint, whose grants need real credentials (a password or a refresh token in
a generated case would be printed in a failure's reproduction) and answer OAuth's 400 invalid_grant to made-up
ones (tests/sandbox/test_auth.py). Strings are generated as valid UTF-8 (the API refuses lone surrogates, see
bodies.JsonRequest). One worker: schemathesis 4.32's coverage phase is not thread-safe (an internal KeyError
with 2 workers).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

pytest.importorskip("schemathesis")

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
EXAMPLES = int(os.environ.get("WALLAROO_SCHEMATHESIS_EXAMPLES", "5"))  # ~60 s on 2 busy cores
EXCLUDED = r"^/auth/realms/master/protocol/openid-connect/token$"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from wallaroo_widgets.sandbox import SandboxServer

    srv = SandboxServer(tmp_path_factory.mktemp("st-sandbox"), demo=True, port=0, deploy_delay=0.1, assay_tick=1.0)
    srv.start()
    yield srv
    srv.stop()


def test_the_openapi_document_tells_the_truth(demo, tmp_path):
    token = requests.post(f"{demo.url}/auth/realms/master/protocol/openid-connect/token", timeout=30,
                          data={"grant_type": "password", "client_id": "sdk-client", "username": demo.admin_email,
                                "password": demo.admin_password}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assay = requests.post(f"{demo.url}/v2/api/assays/get", json={"active": "All"}, headers=auth, timeout=30).json()[0]
    origin = assay["targeting"]["data_origin"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
           "WALLAROO_ST_DEMO": json.dumps({
               "assay_id": assay["id"], "first_run": assay["scheduling"]["first_run"],
               "workspace_id": origin["workspace_id"], "origin": {
                   k: origin[k] for k in ("pipeline_id", "pipeline_name", "workspace_id", "workspace_name")}})}
    st = Path(sys.executable).with_name("st")
    cmd = [str(st), "run", f"{demo.url}/v1/api/openapi.json", "--checks", CHECKS, "--max-examples", str(EXAMPLES),
           "--phases", "examples,coverage,fuzzing", "--seed", "20261206", "--workers", "1", "--no-color",
           "--generation-codec", "utf-8", "--generation-database", "none", "--exclude-path-regex", EXCLUDED,
           "--header", f"Authorization: Bearer {token}"]
    run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    out = run.stdout + run.stderr
    report = out[out.find("WARNINGS"):] if "WARNINGS" in out else out[-3000:]
    assert run.returncode == 0, out[-6000:]
    assert "Schema validation mismatch" not in out, report
    tested = re.search(r"Tested: (\d+)", out)
    assert tested is not None and int(tested.group(1)) >= 60, out[-3000:]  # the run really tested the API
