"""assays/create refuses configs the scheduler could never run (400 naming the field); the scheduler shows
why an assay does not run in its status."""

from __future__ import annotations

import pandas as pd
import pytest
from sandbox_http import Client, deployed_pipeline, linear_onnx, uniq

from wallaroo_widgets.sandbox import assay_store as st
from wallaroo_widgets.sandbox.assay_config import iso
from wallaroo_widgets.sandbox.db import Store
from wallaroo_widgets.sandbox.scheduler import AssayScheduler

SUMM = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
        "num_bins": 5}


@pytest.fixture(scope="module")
def pipe(sandbox):
    c = Client(sandbox)
    wid = c.ok("workspaces/create", {"workspace_name": uniq("assayval")})["workspace_id"]
    p = deployed_pipeline(c, wid, linear_onnx(2)[0])
    return {"c": c, "wid": wid, "pid": p["created"]["pipeline_pk_id"], "name": p["pipeline"]}


def body(p: dict, **kw) -> dict:
    out = {"name": uniq("a"), "pipeline_id": p["pid"], "summarizer": SUMM, "alert_threshold": 0.25,
           "baseline": {"vector": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
           "window": {"pipeline_name": p["name"], "path": "output dense_1 0", "width": "1 hour",
                      "workspace_id": p["wid"]}}
    return {**out, **kw}


def good_static(p: dict) -> dict:
    return p["c"].ok("assays/summarize", {"summarizer": SUMM, "baseline": {"vector": [0.1, 0.2, 0.3, 0.4, 0.5]}})


def test_a_valid_static_baseline_is_accepted(pipe):
    assert pipe["c"].ok("assays/create", body(pipe, baseline={"static": good_static(pipe)}))["assay_id"]


@pytest.mark.parametrize("change, words", [
    ({"edges": [0.1, None], "aggregated_values": [0.5, 0.5]}, "num_bins is 5"),
    ({"edges": ["a"] * 7}, "edges must be numbers"),
    ({"aggregated_values": ["x"] * 7}, "aggregated_values must contain only numbers"),
    ({"edges": [None] * 7}, "at least one finite value"),
])
def test_static_baselines_that_cannot_run_are_refused(pipe, change, words):
    static = {**good_static(pipe), **change}
    for verb in ("create", "run_interactive"):
        r = pipe["c"].post(f"assays/{verb}", body(pipe, baseline={"static": static}))
        assert r.status_code == 400, r.text
        assert r.json()["msg"].startswith("baseline.static:") and words in r.json()["msg"]


def test_names_are_at_most_255_characters(pipe):
    r = pipe["c"].post("assays/create", body(pipe, name="n" * 256))
    assert r.status_code == 400 and r.json()["msg"].startswith("name:")
    assert pipe["c"].ok("assays/create", body(pipe, name=uniq("n" * 240)[:255]))["assay_id"]


def test_a_start_whose_window_ends_past_2262_names_the_field(pipe):
    late = {**body(pipe)["window"], "start": "2262-04-11T23:30:00Z"}
    r = pipe["c"].post("assays/create", body(pipe, window=late))
    assert r.status_code == 400 and r.json()["msg"].startswith("window.start:"), r.text


def test_an_empty_summarizer_means_the_defaults(pipe):
    aid = pipe["c"].ok("assays/create", body(pipe, summarizer={}))["assay_id"]
    item = pipe["c"].ok("assays/get_assay_by_id", {"id": aid})
    assert item["summarizer"] | {"bin_weights": None} == {**SUMM, "bin_weights": None, "provided_edges": None}


def test_the_scheduler_shows_why_an_assay_does_not_run(tmp_path):
    store = Store(tmp_path)
    store.ensure_user("admin@wallaroo.local", "admin", admin=True)
    target = store.ensure_pipeline(workspace="errws", pipeline="errpipe", model="m")
    window = {"pipeline_name": "errpipe", "model_name": None, "path": "output y 0", "width": "1 hour",
              "interval": "1 hour", "start": iso(pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=3)),
              "workspace_id": target["workspace_id"], "locations": []}
    bad = {"edges": [0.0, None], "aggregated_values": [1.0, 0.0], "aggregation": "Density"}  # stored before checks
    config = {"baseline": {"static": bad}, "window": window, "summarizer": SUMM, "alert_threshold": 0.25,
              "warning_threshold": None}
    with store.tx(write=True) as conn:
        aid = st.insert_assay(conn, name="broken", workspace_id=target["workspace_id"],
                              pipeline_id=target["pipeline_id"], pipeline_name="errpipe", active=True, config=config,
                              run_until=None, next_run=None, now=iso(pd.Timestamp.now(tz="UTC")))
    sched = AssayScheduler.for_store(store)
    assert sched.run_once() == 0
    with store.tx() as conn:
        status = st.get_assay(conn, aid)["status"]
    assert status.startswith("error: ") and "num_bins is 5" in status and aid in sched.errors
