"""The Assays V2 client end to end against the shared sandbox: configs built in Python, the nine calls as
typed objects, SDK-like frames, preview = local ``drift.v2`` scoring window by window, V1 + V2 listing."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import Session, errors
from wallaroo_widgets.api import assays_v2
from wallaroo_widgets.drift import v2
from wallaroo_widgets.sandbox.db import insert_logs

from .loopback import make_jwt

SDK_COLUMNS = ["id", "assay_id", "assay_name", "iopath", "pipeline_id", "pipeline_name", "workspace_id",
               "workspace_name", "score", "start", "min", "max", "mean", "median", "std", "warning_threshold",
               "alert_threshold", "status"]


@pytest.fixture(scope="module")
def ctx(sandbox):
    """A pipeline with a reading every 10 min over 3 days (``out.y`` float32, drifting after 48 h)."""
    base = pd.Timestamp.now(tz="UTC").floor("s") - pd.Timedelta(hours=72)
    name = f"v2c-{uuid.uuid4().hex[:8]}"
    tgt = sandbox.store.ensure_pipeline(workspace=name, pipeline=name, model="m")
    n = 72 * 6
    times = np.array([int((base + pd.Timedelta(minutes=10 * i + 1)).value // 1_000_000) for i in range(n)])
    y = np.where(np.arange(n) < 48 * 6, np.random.default_rng(3).normal(50, 5, n), 70.0 + np.arange(n) % 7)
    with sandbox.store.tx(write=True) as conn:
        insert_logs(conn, tgt["pipeline_id"], [{"time": int(t), "in.x": [1.0], "out.y": [float(v)]}
                                               for t, v in zip(times, y, strict=True)], {"out.y": "float32"})
    s = Session.password(sandbox.url, sandbox.admin_email, sandbox.admin_password,
                         client_secret=sandbox.client_secret)
    cfg = assays_v2.config(name, pipeline_id=tgt["pipeline_id"], pipeline_name=name,
                           workspace_id=tgt["workspace_id"], workspace_name=name,
                           baseline=(base, base + pd.Timedelta(hours=24)), iopaths="out.y.0", bins=5,
                           width=dt.timedelta(hours=12), alert=0.25, warning=0.1)
    return {"s": s, "cfg": cfg, "base": base, "times": times, "y": y.astype(np.float32), "tgt": tgt, "name": name}


def test_config_from_python_is_the_wire_shape(ctx):
    body = ctx["cfg"].to_api()
    assert body["baseline"] == {"Static": [ctx["base"].isoformat(), (ctx["base"] + pd.Timedelta(hours=24)).isoformat()]}
    assert body["scheduling"]["first_run"] == body["baseline"]["Static"][1]  # defaults to the baseline's end
    assert body["scheduling"]["run_frequency"] == {"SimpleRunFrequency": {"quantity": 12, "unit": "Hour"}}
    assert body["targeting"]["iopath"] == [{"field": "out.y", "indexes": [0],
                                            "thresholds": {"warning": 0.1, "alert": 0.25}}]
    assert body["summarizer"] == {"UnivariateContinuous": {"aggregation": "Density", "bin_mode": {"Quantile": 5},
                                                           "metric": "PSI", "bin_weights": None}}
    per = assays_v2.config("x", pipeline_id=1, pipeline_name="p", workspace_id=2, baseline=[1.0, None, 3.0],
                           iopaths=["out.a.0", "in.b"], bins=[1.0, 2.0], thresholds={"in.b": {"alert": 2.0}},
                           frequency="1 day", width=3600, end=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
    api = per.to_api()
    assert api["baseline"] == {"Vector": [1.0, None, 3.0]}
    assert [p["thresholds"] for p in api["targeting"]["iopath"]] == [{"warning": None, "alert": 0.25},
                                                                     {"warning": None, "alert": 2.0}]
    assert api["summarizer"]["UnivariateContinuous"]["bin_mode"] == {"Provided": [1.0, 2.0]}
    assert api["scheduling"]["run_frequency"] == {"SimpleRunFrequency": {"quantity": 1, "unit": "Day"}}
    assert api["scheduling"]["end"] == "2030-01-01T00:00:00+00:00" and api["window"] == {"width": {"seconds": 3600}}


def test_schedule_get_list_results_frame(ctx):
    s, cfg = ctx["s"], ctx["cfg"]
    aid = s.assays_v2.schedule(cfg)
    assert str(uuid.UUID(aid)) == aid
    assay = s.assays_v2.get(aid)
    assert isinstance(assay, v2.AssayV2) and assay.name == cfg.name and assay.targeting.keys == ["out.y.0"]
    assert list(assay.baseline.summaries) == ["out.y.0"]  # stored as a Summary
    listed = s.assays_v2.list(workspace_id=ctx["tgt"]["workspace_id"])
    assert [str(a.id) for a in listed] == [aid] and listed.df.loc[0, "iopaths"] == "out.y.0"
    deadline = time.monotonic() + 20
    while len(results := s.assays_v2.get_results(aid, assay=assay)) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(results) == 4 and all(isinstance(r, v2.AssayResultV2) for r in results)
    df = results.df
    assert list(df.columns[:18]) == SDK_COLUMNS and len(df) == 4
    assert "Alert" not in list(df["status"][:2]) and list(df["status"][2:]) == ["Alert", "Alert"]  # drift at 48 h
    assert (df["assay_name"] == cfg.name).all() and (df["iopath"] == "out.y.0").all()
    nxt = s.assays_v2.get_next_run(aid)
    assert nxt["last_run"] == ctx["base"] + pd.Timedelta(hours=72)
    s.assays_v2.set_active(aid, False)
    assert s.assays_v2.get_next_run(aid)["next_run"] is None and not s.assays_v2.get(aid).active
    s.assays_v2.set_active(aid, True)
    assert s.assays_v2.get_next_run(aid)["next_run"] == ctx["base"] + pd.Timedelta(hours=84)
    with pytest.raises(errors.ConflictError, match=cfg.name):
        s.assays_v2.schedule(cfg)
    with pytest.raises(errors.NotFoundError):
        s.assays_v2.get(str(uuid.uuid4()))


def test_preview_equals_local_v2_scoring_window_by_window(ctx):
    s, cfg, base = ctx["s"], ctx["cfg"], ctx["base"]
    binned = s.assays_v2.preview_baseline_binning(cfg)
    assert list(binned) == ["out.y.0"] and binned["out.y.0"].labels[0] == "< 20%"
    prev = s.assays_v2.preview(cfg, end=base + pd.Timedelta(hours=72))
    assert len(prev) == 4 and all(isinstance(p, v2.PreviewResult) for p in prev)
    windows = v2.preview_windows(cfg.scheduling.first_run, base + pd.Timedelta(hours=72), cfg.window, cfg.scheduling)
    local = v2.score_windows(ctx["times"], ctx["y"], binned["out.y.0"], windows, cfg.summarizer,
                             cfg.targeting.iopath[0].thresholds)
    assert [p.window_end for p in prev] == list(windows.ends.to_pydatetime())
    assert [p.scores["out.y.0"].score for p in prev] == pytest.approx(local.score.tolist(), rel=1e-12)
    assert list(prev.df["status"]) == list(local.status)


def test_score_raw_and_stored(ctx):
    s, cfg, base = ctx["s"], ctx["cfg"], ctx["base"]
    raw = s.assays_v2.score(cfg, [50.0] * 20)
    assert isinstance(raw["out.y.0"], v2.ScoreData) and raw["out.y.0"].score > 0
    stored = s.assays_v2.score(cfg, (base + pd.Timedelta(hours=60), base + pd.Timedelta(hours=72)))
    assert stored["out.y.0"].score > 0.25
    assert isinstance(s.assays_v2.score(cfg, ("2001-01-01T00:00:00Z", "2001-01-02T00:00:00Z"))["out.y.0"], str)


def test_v1_config_converts_and_previews(ctx):
    s, base, name = ctx["s"], ctx["base"], ctx["name"]
    v1 = {"name": "v1-style", "pipeline_id": ctx["tgt"]["pipeline_id"], "pipeline_name": name,
          "workspace_id": ctx["tgt"]["workspace_id"], "alert_threshold": 0.25, "warning_threshold": None,
          "run_until": (base + pd.Timedelta(hours=72)).isoformat(),
          "baseline": {"calculated": {"fixed_window": {"start": base.isoformat(), "width": "24 hours"}}},
          "window": {"path": "output y 0", "width": "12 hours", "start": (base + pd.Timedelta(hours=24)).isoformat(),
                     "pipeline_name": name, "workspace_id": ctx["tgt"]["workspace_id"]},
          "summarizer": {"type": "UnivariateContinuous", "bin_mode": "Quantile", "num_bins": 5,
                         "aggregation": "Density", "metric": "PSI"}}
    cfg = assays_v2.from_v1(v1)
    assert cfg.targeting.keys == ["out.y.0"] and cfg.window.width_seconds == 12 * 3600
    prev = s.assays_v2.preview(cfg)
    assert [p.scores["out.y.0"].score for p in prev] == \
        [p.scores["out.y.0"].score for p in s.assays_v2.preview(ctx["cfg"], end=base + pd.Timedelta(hours=72))]


def test_all_assays_lists_v1_and_v2_with_a_version(ctx, sandbox):
    s = ctx["s"]
    rows = assays_v2.all_assays(s)
    versions = {r["version"] for r in rows}
    assert 2 in versions and any(r["name"] == ctx["name"] and r["version"] == 2 for r in rows)
    assert "version" in rows.df.columns


def test_all_assays_treats_a_404_api_as_absent(loopback):
    def handler(seen):
        if seen.path.startswith("/v2/"):
            return 404, {"msg": "no such endpoint", "code": 404}
        return 200, [{"id": 7, "name": "old", "active": True, "pipeline_id": 1, "pipeline_name": "p",
                      "workspace_id": 1, "workspace_name": "w", "window": {"path": "output variable 0"},
                      "status": None}]
    srv = loopback(handler)
    rows = assays_v2.all_assays(Session.token(srv.url, make_jwt({"exp": 4_000_000_000})))
    assert [(r["version"], r["id"], r["iopaths"]) for r in rows] == [(1, 7, "output variable 0")]
