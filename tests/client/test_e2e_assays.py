"""End to end against the real sandbox over HTTP: the V1 assay endpoints on a deployed pipeline's logs."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest
from testkit import uniq

from wallaroo_widgets import drift, errors

from .test_e2e_models_pipelines import cc_rows, deployed, model_file  # noqa: F401  (module fixtures)

SUMMARIZER = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
              "num_bins": 5, "bin_weights": None, "provided_edges": None}


@pytest.fixture(scope="module")
def logged(deployed, cc_rows):  # noqa: F811
    """Send 40 rows through the pipeline; returns the context plus the outputs and the time window."""
    s = deployed["s"]
    url = s.pipelines.external_url(deployed["wid"], deployed["name"])
    t0 = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    df = s.pipelines.infer(url, cc_rows)
    outputs = np.array([v[0] for v in df["out.dense_1"]], dtype=float)
    time.sleep(max(0.0, (t0 + dt.timedelta(seconds=4.2) - dt.datetime.now(dt.timezone.utc)).total_seconds()))
    return {**deployed, "t0": t0, "outputs": outputs, "n": len(df)}


def _window(ctx, **kw):
    return {"pipeline_name": ctx["name"], "model_name": ctx["model"]["name"], "path": "output dense_1 0",
            "width": "1 minute", "interval": "1 minute", "start": ctx["t0"].isoformat(),
            "workspace_id": ctx["wid"], "locations": [], **kw}


def test_get_baseline_returns_the_logged_rows(logged):
    s = logged["s"]
    logs = s.assays.get_baseline(logged["wid"], logged["name"], logged["t0"], logged["t0"] + dt.timedelta(minutes=5))
    assert len(logs) >= logged["n"]
    df = logs.df
    assert str(df["time"].dt.tz) == "UTC" and "out.dense_1" in df
    got = np.sort([v[0] for v in df["out.dense_1"]])[-logged["n"]:]
    assert np.allclose(np.sort(logged["outputs"]), got, atol=1e-6)


def test_summarize_vector_and_fixed_window(logged):
    s = logged["s"]
    vec = s.assays.summarize(SUMMARIZER, {"vector": logged["outputs"].tolist()})
    assert vec["count"] == logged["n"] and vec["start"] is None
    assert vec["min"] == pytest.approx(logged["outputs"].min()) and vec["max"] == pytest.approx(logged["outputs"].max())
    assert vec["mean"] == pytest.approx(logged["outputs"].mean(), rel=1e-6)
    assert len(vec["edges"]) == 7 and vec["edges"][-1] is None
    assert sum(vec["aggregated_values"]) == pytest.approx(1.0)
    fixed = s.assays.summarize(SUMMARIZER, {"fixed_window": _window(logged, width="5 minutes")})
    assert fixed["count"] == logged["n"]
    assert pd.Timestamp(fixed["end"]) - pd.Timestamp(fixed["start"]) == pd.Timedelta(minutes=5)
    with pytest.raises(errors.ValidationError) as ei:
        s.assays.summarize({**SUMMARIZER, "num_bins": "five"}, {"vector": [1.0, 2.0]})
    assert ei.value.msg


def _config(ctx, baseline, name=None):
    return {"name": name or uniq("assay"), "pipeline_id": ctx["created"]["pipeline_pk_id"],
            "pipeline_name": ctx["name"], "active": True, "status": "created", "baseline": {"static": baseline},
            "window": _window(ctx), "summarizer": SUMMARIZER, "warning_threshold": None, "alert_threshold": 0.25,
            "workspace_id": ctx["wid"], "run_until": (ctx["t0"] + dt.timedelta(minutes=2)).isoformat()}


def test_assay_create_list_set_active_and_previews(logged):
    s = logged["s"]
    base = s.assays.summarize(SUMMARIZER, {"vector": logged["outputs"].tolist()})
    cfg = _config(logged, base)
    aid = s.assays.create(cfg)["assay_id"]
    listed = s.assays.list(logged["created"]["pipeline_pk_id"])
    mine = next(a for a in listed if a["id"] == aid)
    assert mine["name"] == cfg["name"] and mine["active"] is True
    assert {"num_ok", "num_alerts", "run_at"} <= set(mine)
    row = listed.df.set_index("id").loc[aid]
    assert row["window.width"] == "1 minute" and row["baseline_type"] == "static"
    assert s.assays.set_active(aid, False) == {"id": aid, "active": False}
    assert next(a for a in s.assays.list(logged["created"]["pipeline_pk_id"]) if a["id"] == aid)["active"] is False
    with pytest.raises(errors.ValidationError):
        s.assays.create(cfg)  # duplicate name

    results = s.assays.run_interactive({**cfg, "id": aid, "window": _window(logged, width="4 seconds",
                                                                          interval="4 seconds")})
    df = results.df
    assert len(df) >= 1 and (df["assay_id"] == aid).all() and df["id"].isna().all()
    first = df.iloc[0]
    assert first["window_end"] - first["window_start"] == pd.Timedelta(seconds=4)
    assert first["window_count"] == logged["n"] and first["baseline_count"] == logged["n"]
    summ = drift.Summarizer.from_dict(SUMMARIZER)  # the same window scored locally by the drift engine
    # the logs hold float32 outputs (exact float64 widening) while the vector baseline was sent as the JSON
    # shortest decimals, so values equal to an edge can change bin (assay-math §8): score that exactly
    widened = logged["outputs"].astype(np.float32).astype(np.float64)
    local = drift.score(base, drift.summarize_window(widened, base, summ), summ)
    assert first["score"] == pytest.approx(local["score"], abs=1e-9)
    assert first["scores"] == pytest.approx(local["scores"], abs=1e-9)
    assert first["status"] == drift.status(first["score"], None, 0.25)
    assert isinstance(first["window_summary"], dict) and len(first["scores"]) == 7

    bl = s.assays.run_interactive_baseline({**cfg, "id": aid})
    assert bl["status"] == "BaselineRun" and bl["assay_id"] == aid
    assert bl["baseline_summary"] == bl["window_summary"] and bl["score"] == 0 and bl["scores"] == [0.0] * 7
    bdf = bl.df  # the same one-row view as run_interactive's results
    assert list(bdf.columns) == list(df.columns) and len(bdf) == 1
    assert bdf.loc[0, "status"] == "BaselineRun" and bdf.loc[0, "score"] == 0.0
    assert bdf.loc[0, "window_count"] == logged["n"] and bdf.loc[0, "assay_id"] == aid and bl.raw == dict(bl)

    # an active assay with 4-second windows: the scheduler stores the same window's result
    sched = {**cfg, "name": uniq("sched"), "window": _window(logged, width="4 seconds", interval="4 seconds")}
    sid = s.assays.create(sched)["assay_id"]
    deadline = time.time() + 20
    stored = s.assays.get_assay_results(sid)
    while not len(stored) and time.time() < deadline:
        time.sleep(0.2)
        stored = s.assays.get_assay_results(sid)
    sent = s.last_call.json  # explicit bounds (2026.1.3 requires start/end), wide enough for every result
    assert sent["start"] == "1970-01-01T00:00:00+00:00"
    assert pd.Timestamp(sent["end"]) > pd.Timestamp.now(tz="UTC") + pd.Timedelta(hours=23)
    assert [r["id"] for r in stored] == [r["id"] for r in s.assays.get_results(sid)]  # unbounded call: same rows
    sdf = stored.df
    assert len(sdf) >= 1 and (sdf["assay_id"] == sid).all() and sdf["id"].notna().all()
    typed = stored.typed  # the same results as drift AssayResult objects, checked once at the client
    assert [t.to_api() for t in typed] == list(stored) and typed[0].id == stored[0]["id"]
    assert typed[0].window_summary.count == logged["n"] and typed[0].scores == tuple(stored[0]["scores"])
    assert sdf.loc[0, "window_start"] == first["window_start"]
    assert sdf.loc[0, "score"] == pytest.approx(first["score"], rel=1e-6)
    assert sdf.loc[0, "window_count"] == logged["n"]
    older = s.assays.get_results(sid, start=sdf.loc[0, "window_start"].to_pydatetime())
    assert [r["id"] for r in older][:1] == [int(sdf.loc[0, "id"])]

    lo, hi = logged["t0"] - dt.timedelta(hours=1), logged["t0"] + dt.timedelta(hours=1)
    everything = [r["id"] for r in s.assays.get_assay_results(sid)]
    for fetch in (s.assays.get_assay_results, s.assays.get_results):
        assert fetch(aid, start=lo, end=hi) == []  # paused before its one-minute window closed: nothing stored
        sdf = fetch(sid, start=lo, end=hi).df
        assert sdf["id"].tolist() == everything and sdf["window_start"].is_monotonic_increasing
        assert (sdf["window_start"] >= lo).all() and (sdf["window_start"] < hi).all()
        assert fetch(sid, start=hi) == []


def test_newer_assay_reads_get_assay_by_id_and_filter(logged):
    """Spec 8.10: get_assay_by_id -> the list item (+ created_at); filter by name substring / active, sorted."""
    s = logged["s"]
    base = s.assays.summarize(SUMMARIZER, {"vector": logged["outputs"].tolist()})
    tag = uniq("flt")
    ids = [s.assays.create({**_config(logged, base), "name": f"{tag}-{k}"})["assay_id"] for k in ("a", "b")]
    s.assays.set_active(ids[0], False)
    one = s.assays.get_assay_by_id(ids[1], workspace_id=logged["wid"])
    listed = next(a for a in s.assays.list(logged["created"]["pipeline_pk_id"]) if a["id"] == ids[1])
    assert {k: one[k] for k in listed} == listed and isinstance(one["created_at"], str)
    assert {"run_at", "num_ok", "num_warnings", "num_alerts"} <= set(one)
    pid = logged["created"]["pipeline_pk_id"]
    found = s.assays.filter(pid, name=tag.upper())
    assert [a["id"] for a in found] == sorted(ids, reverse=True) and list(found.df["id"]) == [a["id"] for a in found]
    assert [a["id"] for a in s.assays.filter(pid, name=tag, active=False)] == [ids[0]]
    assert [a["name"] for a in s.assays.filter(pid, name=tag, sort_by="name")] == [f"{tag}-a", f"{tag}-b"]
    assert s.last_call.json == {"pipeline_id": pid, "sort_by": "name", "name": tag}
    with pytest.raises(errors.NotFoundError):
        s.assays.get_assay_by_id(987654321)
