"""The V1 assay routers follow the core convention: typed bodies documented in the OpenAPI document, one
caller dependency, ApiError mapped once, and a bug is a 500 (not a 400 that hides it)."""

from __future__ import annotations

import pytest
import requests
from sandbox_http import Client

from wallaroo_widgets.sandbox import assay_store

SUMM = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
        "num_bins": 5}


@pytest.fixture(scope="module")
def client(sandbox):
    return Client(sandbox)


def test_a_bug_in_a_handler_is_a_500(client, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("workspace_ids")  # what a typo in the store code would raise

    monkeypatch.setattr(assay_store, "list_assays", broken)
    r = client.post("assays/list", {})
    assert r.status_code == 500 and r.json() == {"msg": "internal error (KeyError)", "code": 500}


def test_an_unknown_pipeline_is_404_before_the_content_rules(client):
    body = {"name": "x", "pipeline_id": 987654321, "summarizer": {**SUMM, "bin_weights": [1.0]},
            "baseline": {"vector": [1.0, 2.0]}, "window": {"pipeline_name": "p", "width": "1 hour"}}
    r = client.post("assays/create", body)
    assert r.status_code == 404 and r.json()["msg"] == "pipeline_id: pipeline 987654321 not found"


@pytest.mark.parametrize("body, words", [
    ({"id": True, "active": True}, "field 'id': Input should be a valid integer, not a boolean"),
    ({"id": 1, "active": 1}, "field 'active': Input should be a valid boolean"),
    ({"id": 1}, "missing field 'active'"),
    ([1, 2], "Input should be a valid dictionary or object"),
])
def test_bodies_are_typed(client, body, words):
    r = client.post("assays/set_active", body)
    assert r.status_code == 400 and words in r.json()["msg"], r.text


def test_baselines_have_exactly_one_tag(client):
    two = {"vector": [1.0], "static": {"edges": [], "aggregated_values": []}}
    r = client.post("assays/summarize", {"summarizer": SUMM, "baseline": two})
    assert r.status_code == 400 and r.json()["msg"].startswith("baseline: expected an object with one of")
    r = client.post("assays/summarize", {"summarizer": SUMM, "baseline": {"Vector": [1.0, 2.0, 3.0, 4.0, 5.0]}})
    assert r.status_code == 200 and r.json()["count"] == 5  # tags are case-insensitive


def test_the_schema_documents_the_assay_bodies(sandbox):
    schema = requests.get(f"{sandbox.url}/v1/api/openapi.json", timeout=10).json()
    defs = schema["components"]["schemas"]
    create = schema["paths"]["/v1/api/assays/create"]["post"]
    ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(defs[ref]["required"]) == {"name", "baseline", "window", "summarizer"}
    assert {"400", "401", "403", "404", "413"} <= set(create["responses"])
    assert defs["SummarizerV1"]["properties"]["metric"]["enum"] == ["PSI", "MaxDiff", "SumDiff"]
    window = defs["Window"]["properties"]
    assert {"pipeline_name", "pipeline", "model_name", "model", "path"} <= set(window)  # both dialects
    assert defs["BaselineV1"]["maxProperties"] == defs["BaselineV1"]["minProperties"] == 1
    assert {"static", "fixed", "calculated", "vector", "fixed_window"} <= set(defs["BaselineV1"]["properties"])
    for verb in ("list", "filter", "set_active", "get_baseline", "get_results", "get_assay_results",
                 "get_assay_by_id", "summarize", "run_interactive", "run_interactive_baseline"):
        op = schema["paths"][f"/v1/api/assays/{verb}"]["post"]
        assert "$ref" in str(op["requestBody"]["content"]["application/json"]["schema"]), verb
