"""Assays V2 over HTTP: who may see what (non-members learn nothing), tokens, and bad bodies (4xx naming the
field, never a 500)."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
import requests
from assays_v2_data import scheduled_assay, uniq
from sandbox_http import Client, new_user


def v2(c: Client, verb: str, body) -> requests.Response:
    return c.post(f"{c.srv.url}/v2/api/assays/{verb}", body)


@pytest.fixture(scope="module")
def ctx(sandbox):
    admin = Client(sandbox)
    t, cfg, aid = scheduled_assay(sandbox, admin)
    _, email, pw = new_user(admin)
    return {"admin": admin, "other": Client(sandbox, email, pw), "t": t, "cfg": cfg, "aid": aid, "sandbox": sandbox}


def _id_bodies(aid: str) -> list[tuple[str, dict]]:
    return [("get/:id", {"id": aid}), ("get_results", {"id": aid}), ("get_next_run", {"assay_id": aid}),
            ("set_active", {"assay_id": aid, "active": False})]


def test_non_members_get_the_answer_of_an_unknown_id(ctx):
    other, aid = ctx["other"], ctx["aid"]
    unknown = str(uuid.uuid4())
    for (verb, body), (_, body_unknown) in zip(_id_bodies(aid), _id_bodies(unknown), strict=True):
        mine, never = v2(other, verb, body), v2(other, verb, body_unknown)
        assert mine.status_code == never.status_code == 404, verb
        assert mine.json()["msg"].replace(aid, "X") == never.json()["msg"].replace(unknown, "X")
    assert aid not in [a["id"] for a in v2(other, "get", {"active": "All"}).json()]
    assert v2(other, "get", {"active": "All", "workspace_id": ctx["t"]["workspace_id"]}).json() == []
    assert v2(ctx["admin"], "get/:id", {"id": aid}).json()["active"] is True  # other's set_active did nothing


def test_foreign_pipelines_answer_like_missing_ones(ctx):
    other, cfg = ctx["other"], {k: v for k, v in ctx["cfg"].items() if k != "name"}
    missing = {**cfg["targeting"], "data_origin": {**cfg["targeting"]["data_origin"], "pipeline_id": 10**9}}
    bodies = {"schedule": {**cfg, "name": uniq("x")},
              "preview": {**cfg, "preview_start": cfg["scheduling"]["first_run"],
                          "preview_end": pd.Timestamp.now(tz="UTC").isoformat()},
              "preview_baseline_binning": {k: cfg[k] for k in ("baseline", "summarizer", "targeting")},
              "score": {**{k: cfg[k] for k in ("baseline", "summarizer", "targeting")}, "window": {"Raw": [1.0]}}}
    for verb, body in bodies.items():
        foreign = v2(other, verb, body)
        absent = v2(other, verb, {**body, "targeting": missing})
        assert foreign.status_code == absent.status_code == 404, (verb, foreign.text)
        pid = cfg["targeting"]["data_origin"]["pipeline_id"]
        assert foreign.json()["msg"].replace(str(pid), "X") == absent.json()["msg"].replace(str(10**9), "X")


def test_tokens_are_required(ctx):
    url = f"{ctx['sandbox'].url}/v2/api/assays/get"
    assert requests.post(url, json={"active": "All"}, timeout=30).status_code == 401
    bad = requests.post(url, json={"active": "All"}, headers={"Authorization": "Bearer nope"}, timeout=30)
    assert bad.status_code == 401 and set(bad.json()) == {"msg", "code"}


def _bad_bodies(cfg: dict) -> list[tuple[str, object, str]]:
    uc = cfg["summarizer"]["UnivariateContinuous"]
    path = cfg["targeting"]["iopath"][0]
    return [
        ("get", {}, "active"),
        ("get", {"active": "Sometimes"}, "active"),
        ("get/:id", {"id": "not-a-uuid"}, "id"),
        ("get/:id", [], "body"),
        ("get_results", {"id": str(uuid.uuid4()), "start": "yesterday"}, "start"),
        ("set_active", {"assay_id": str(uuid.uuid4()), "active": "yes"}, "active"),
        ("get_next_run", {"id": str(uuid.uuid4())}, "assay_id"),
        ("schedule", {**cfg, "name": ""}, "name"),
        ("schedule", {**cfg, "baseline": {"Static": 3}}, "baseline.Static"),
        ("schedule", {**cfg, "baseline": {"Static": ["2020-01-02T00:00:00Z", "2020-01-01T00:00:00Z"]}}, "baseline"),
        ("schedule", {**cfg, "baseline": {"Rolling": {"start": "2020-01-01T00:00:00Z", "width": {"seconds": 60}}}},
         "baseline"),
        ("schedule", {**cfg, "baseline": {"Vector": [1.0], "Static": []}}, "baseline"),
        ("schedule", {**cfg, "baseline": {"Static": ["2001-01-01T00:00:00Z", "2001-01-02T00:00:00Z"]}},
         "baseline.Static"),
        ("schedule", {**cfg, "summarizer": {"UnivariateContinuous": {**uc, "bin_mode": {"Quantile": 5, "Equal": 3}}}},
         "summarizer.UnivariateContinuous.bin_mode"),
        ("schedule", {**cfg, "summarizer": {"UnivariateContinuous": {**uc, "metric": "KL"}}},
         "summarizer.UnivariateContinuous.metric"),
        ("schedule", {**cfg, "summarizer": {"UnivariateContinuous": {**uc, "bin_weights": [1.0, 2.0]}}},
         "bin_weights"),
        ("schedule", {**cfg, "summarizer": {"MultivariateContinuous": {}}}, "summarizer"),
        ("schedule", {**cfg, "window": {"width": {"seconds": 0}}}, "window.width.seconds"),
        ("schedule", {**cfg, "scheduling": {**cfg["scheduling"], "first_run": "soon"}}, "scheduling.first_run"),
        ("schedule", {**cfg, "scheduling": {**cfg["scheduling"], "run_frequency": {"Cron": "* * * * *"}}},
         "scheduling.run_frequency"),
        ("schedule", {**cfg, "scheduling": {**cfg["scheduling"], "end": "2001-01-01T00:00:00Z"}}, "scheduling.end"),
        ("schedule", {**cfg, "targeting": {**cfg["targeting"], "iopath": []}}, "targeting.iopath"),
        ("schedule", {**cfg, "targeting": {**cfg["targeting"], "iopath": [{**path, "field": "variable"}]}},
         "targeting.iopath.0.field"),
        ("schedule", {**cfg, "targeting": {**cfg["targeting"], "iopath": [
            {**path, "thresholds": {"alert": "high"}}]}}, "targeting.iopath.0.thresholds.alert"),
        ("schedule", {**cfg, "targeting": {**cfg["targeting"], "data_origin": {
            **cfg["targeting"]["data_origin"], "workspace_id": 10**9}}}, "targeting.data_origin.workspace_id"),
        ("schedule", {**cfg, "baseline": {"Summary": {"out.other": {}}}}, "baseline.Summary"),
        ("preview", {**cfg, "preview_start": cfg["scheduling"]["first_run"]}, "preview_end"),
        ("preview", {**cfg, "preview_start": "2020-01-01T00:00:00Z", "preview_end": "2030-01-01T00:00:00Z",
                     "scheduling": {**cfg["scheduling"], "run_frequency": {
                         "SimpleRunFrequency": {"quantity": 1, "unit": "Minute"}}}}, "preview_end"),
        ("score", {**cfg, "window": {"Raw": []}}, "window.Raw"),
        ("score", {**cfg, "window": {"Stored": ["2020-01-02T00:00:00Z", "2020-01-01T00:00:00Z"]}}, "window.Stored"),
        ("preview_baseline_binning", {"baseline": cfg["baseline"], "summarizer": cfg["summarizer"]}, "targeting"),
        ("preview_baseline_binning", {"baseline": {"Vector": [None, None]}, "summarizer": cfg["summarizer"]},
         "baseline.Vector"),
        ("score", {**cfg, "baseline": {"Vector": [1.0, 1e151]}, "window": {"Raw": [1.0]}}, "baseline.Vector.1"),
        ("score", {**cfg, "window": {"Raw": [-1e200]}}, "window.Raw.0"),
        ("score", {**cfg, "window": {"Stored": ["1800-01-01T00:00:00Z", "2200-01-01T00:00:00Z"]}}, "window.Stored"),
        ("schedule", {**cfg, "name": " \t "}, "name"),
        ("schedule", {**cfg, "targeting": {**cfg["targeting"], "iopath": [path, path]}}, "targeting"),
    ]


def test_bad_bodies_are_4xx_naming_the_field(ctx):
    admin = ctx["admin"]
    for verb, body, field in _bad_bodies(ctx["cfg"]):
        r = v2(admin, verb, body)
        assert 400 <= r.status_code < 500, (verb, field, r.status_code, r.text)
        out = r.json()
        assert set(out) == {"msg", "code"} and out["code"] == r.status_code
        assert field in out["msg"], (verb, field, out["msg"])


def test_duplicate_names_are_a_conflict(ctx):
    r = v2(ctx["admin"], "schedule", ctx["cfg"])
    assert r.status_code == 409 and ctx["cfg"]["name"] in r.json()["msg"]


def test_content_rules_come_after_the_pipeline_is_found(ctx):
    """What JSON Schema cannot state (times in order, an iopath once) is checked after access: a body naming an
    unknown pipeline is a 404 whatever else is wrong (as V1), so the OpenAPI document's bodies are never a 400."""
    cfg = {k: v for k, v in ctx["cfg"].items() if k != "name"}
    path = cfg["targeting"]["iopath"][0]
    missing = {"data_origin": {**cfg["targeting"]["data_origin"], "pipeline_id": 10**9},
               "iopath": [path, path]}
    backwards = {"Static": list(reversed(cfg["baseline"]["Static"]))}
    first = cfg["scheduling"]["first_run"]
    bodies = {"schedule": {**cfg, "name": uniq("x"), "baseline": backwards,
                           "scheduling": {**cfg["scheduling"], "end": "1999-01-01T00:00:00Z"}},
              "preview": {**cfg, "baseline": backwards, "preview_start": first, "preview_end": first},
              "preview_baseline_binning": {"baseline": backwards, "summarizer": cfg["summarizer"]},
              "score": {**cfg, "baseline": backwards, "window": {"Stored": [first, first]}}}
    for verb, body in bodies.items():
        r = v2(ctx["admin"], verb, {**body, "targeting": missing})
        assert r.status_code == 404 and "not found" in r.json()["msg"], (verb, r.text)
        found = v2(ctx["admin"], verb, {**body, "targeting": cfg["targeting"]})
        assert found.status_code == 400 and "field 'baseline'" in found.json()["msg"], (verb, found.text)


def test_the_openapi_document_states_the_v2_rules(ctx):
    doc = requests.get(f"{ctx['sandbox'].url}/v1/api/openapi.json", timeout=30).json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    for verb in ("get", "get/:id", "get_results", "get_next_run", "set_active", "preview_baseline_binning",
                 "preview", "schedule", "score"):
        codes = set(paths[f"/v2/api/assays/{verb}"]["post"]["responses"])
        assert {"200", "400", "401", "403", "404", "413"} <= codes, (verb, codes)
        assert "422" not in codes
    assert "409" in paths["/v2/api/assays/schedule"]["post"]["responses"]
    ok = paths["/v2/api/assays/get_results"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["items"] == {"$ref": "#/components/schemas/ResultOut"}
    assert set(schemas["ResultOut"]["properties"]["status"]["enum"]) == {"Ok", "Warning", "Alert"}
    assert schemas["MinimalSummaryOut"]["required"][-2:] == ["start", "end"]  # the SDK indexes both
    binning = schemas["BinningBody"]
    assert binning["required"] == ["baseline", "summarizer"]
    assert {"required": ["targeting"], "properties": {"targeting": {"type": "object"}}} in binning["anyOf"]
    assert schemas["ScheduleBody"]["properties"]["name"]["pattern"] == r"\S"
    vector = schemas["Baseline"]["properties"]["Vector"]
    assert vector["contains"] == {"type": "number"} and vector["items"]["anyOf"][0]["maximum"] == 1e150
