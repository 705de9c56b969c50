"""Assays V2 endpoints over real HTTP against the shared ``sandbox`` fixture (assay tick 0.2 s): the nine
endpoints, the shapes of docs/spec/assays-v2.md §4, the scheduler's back-fill, pause/resume and preview = stored results."""

from __future__ import annotations

import time
import uuid

import numpy as np
import pandas as pd
import pytest
from assays_v2_data import config, scheduled_assay, targeting
from sandbox_http import Client

STAT_KEYS = {"count", "max", "mean", "median", "min", "std"}


def v2(c: Client, verb: str, body, status: int = 200):
    return c.ok(f"{c.srv.url}/v2/api/assays/{verb}", body, status=status)


@pytest.fixture(scope="module")
def ctx(sandbox):
    c = Client(sandbox)
    t, cfg, aid = scheduled_assay(sandbox, c)
    return {"c": c, "t": t, "cfg": cfg, "aid": aid, "base": t["base"]}


def wait_results(c: Client, aid: str, n: int, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        got = v2(c, "get_results", {"id": aid})
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def check_summary(s: dict, n_bins: int) -> None:
    assert {"start", "end", "statistics", "bins", "aggregated_values"} <= set(s)
    assert set(s["statistics"]) == STAT_KEYS and isinstance(s["statistics"]["count"], int)
    assert all(isinstance(s["statistics"][k], float) for k in STAT_KEYS - {"count"})
    assert s["bins"]["edges"][-1] == "INFINITY" and len(s["bins"]["edges"]) == n_bins == len(s["aggregated_values"])
    assert s["bins"]["labels"] == ["< 20%", "20% - 40%", "40% - 60%", "60% - 80%", "> 80%"]


def test_schedule_answers_a_bare_uuid_and_get_shows_the_checklist_shapes(ctx):
    c, aid = ctx["c"], ctx["aid"]
    assert isinstance(aid, str) and str(uuid.UUID(aid)) == aid
    one = v2(c, "get/:id", {"id": aid})
    listed = [a for a in v2(c, "get", {"active": "All"}) if a["id"] == aid]
    assert listed == [one]
    assert set(one) >= {"id", "name", "active", "created_at", "updated_at", "baseline", "scheduling", "summarizer",
                        "targeting", "window"}
    assert list(one["baseline"]) == ["Summary"] and list(one["baseline"]["Summary"]) == ["out.y.0"]
    check_summary(one["baseline"]["Summary"]["out.y.0"], 5)
    assert one["baseline"]["Summary"]["out.y.0"]["statistics"]["count"] == 288  # the first day, [start, end)
    assert one["scheduling"]["first_run"] == ctx["cfg"]["scheduling"]["first_run"]  # echoed as sent
    assert one["scheduling"]["end"] is None and "SimpleRunFrequency" in one["scheduling"]["run_frequency"]
    path = one["targeting"]["iopath"][0]
    assert path["thresholds"] == {"warning": 0.1, "alert": 0.25}
    assert one["summarizer"]["UnivariateContinuous"]["bin_weights"] is None
    assert one["created_at"].endswith("Z") and one["active"] is True


def test_scheduler_back_fills_the_grid_and_stores_results(ctx):
    c, aid, base = ctx["c"], ctx["aid"], ctx["base"]
    results = wait_results(c, aid, 8)
    ends = [pd.Timestamp(r["window_end"]) for r in results]
    assert ends == [base + pd.Timedelta(hours=30 + 6 * k) for k in range(8)]  # first window starts at first_run
    for r in results:
        assert pd.Timestamp(r["window_start"]) == pd.Timestamp(r["window_end"]) - pd.Timedelta(hours=6)
        assert isinstance(r["id"], int) and r["assay_id"] == aid and r["status"] in ("Ok", "Warning", "Alert")
        score = r["scores"]["out.y.0"]
        assert isinstance(score["score"], float) and "bin_index" in score and len(score["scores"]) == 5
        s = r["summaries"]["out.y.0"]
        check_summary(s, 5)
        assert s["start"] == r["window_start"] and s["end"] == r["window_end"]
        assert r["alert_threshold"] == 0.25 and r["warning_threshold"] == 0.1
    assert [r["summaries"]["out.y.0"]["statistics"]["count"] for r in results] == [72] * 7 + [71]  # logs end at 72 h
    statuses = [r["status"] for r in results]
    assert statuses[:3] == ["Ok"] * 3 and statuses[-4:] == ["Alert"] * 4  # drift from base + 48 h
    # start <= window_end < end
    some = v2(c, "get_results", {"id": aid, "start": results[2]["window_end"], "end": results[5]["window_end"]})
    assert [r["id"] for r in some] == [r["id"] for r in results[2:5]]


def test_next_run_follows_set_active(ctx):
    c, aid, base = ctx["c"], ctx["aid"], ctx["base"]
    wait_results(c, aid, 8)
    nr = v2(c, "get_next_run", {"assay_id": aid})
    assert pd.Timestamp(nr["last_run"]) == base + pd.Timedelta(hours=72)
    assert pd.Timestamp(nr["next_run"]) == base + pd.Timedelta(hours=78)
    assert v2(c, "set_active", {"assay_id": aid, "active": False}) is None
    assert v2(c, "get/:id", {"id": aid})["active"] is False
    assert v2(c, "get_next_run", {"assay_id": aid}) == {"last_run": nr["last_run"], "next_run": None}
    assert aid in [a["id"] for a in v2(c, "get", {"active": "InactiveOnly"})]
    assert aid not in [a["id"] for a in v2(c, "get", {"active": "ActiveOnly"})]
    assert v2(c, "set_active", {"assay_id": aid, "active": True}) is None
    assert v2(c, "get_next_run", {"assay_id": aid}) == nr


def _local_psi(baseline: np.ndarray, window: np.ndarray) -> float:
    """Independent V2 rules: Quantile 5 linear edges (float32 data), right-closed bins, PSI flooring zeros."""
    edges = np.quantile(baseline.astype(np.float32), [0.2, 0.4, 0.6, 0.8], method="linear").astype(np.float32)
    def dens(v):
        return np.bincount(np.searchsorted(edges.astype(float), v, side="left"), minlength=5) / v.size
    b, w = dens(baseline), dens(window)
    b0, w0 = np.where(b == 0, 0.005, b), np.where(w == 0, 0.005, w)
    return float(np.sum(np.where((b == 0) & (w == 0), 0, (w0 - b0) * np.log(w0 / b0))))


def test_preview_equals_stored_results_and_local_scoring_and_stores_nothing(ctx):
    c, aid, t, base = ctx["c"], ctx["aid"], ctx["t"], ctx["base"]
    stored = wait_results(c, aid, 8)
    before = len(v2(c, "get", {"active": "All"}))
    cfg = {k: v for k, v in ctx["cfg"].items() if k != "name"}
    prev = v2(c, "preview", {**cfg, "preview_start": cfg["scheduling"]["first_run"],
                             "preview_end": (base + pd.Timedelta(hours=72)).isoformat()})
    assert len(v2(c, "get", {"active": "All"})) == before
    assert len(prev) == 8 and len({p["assay_id"] for p in prev}) == 1 and prev[0]["assay_id"] != aid
    assert all(p["id"] == 0 for p in prev)
    assert [p["window_end"] for p in prev] == [r["window_end"] for r in stored]
    assert [p["scores"] for p in prev] == [r["scores"] for r in stored]
    times, y = t["times"], t["y"]
    ns = times * 1_000_000
    baseline = y[(ns >= base.value) & (ns < (base + pd.Timedelta(hours=24)).value)]  # Static [start, end)
    for p in prev:
        s = p["summaries"]["out.y.0"]
        assert "name" not in s and s["start"] is not None
        window = y[(ns > pd.Timestamp(s["start"]).value) & (ns <= pd.Timestamp(s["end"]).value)]
        assert s["statistics"]["count"] == window.size
        assert p["scores"]["out.y.0"]["score"] == pytest.approx(_local_psi(baseline, window), rel=1e-9)


def test_preview_baseline_binning_is_keyed_by_the_iopath_key(ctx):
    c, cfg = ctx["c"], ctx["cfg"]
    got = v2(c, "preview_baseline_binning", {"baseline": cfg["baseline"], "summarizer": cfg["summarizer"],
                                             "targeting": cfg["targeting"]})
    assert list(got) == ["out.y.0"]
    check_summary(got["out.y.0"], 5)
    assert got["out.y.0"]["start"] is None and got["out.y.0"]["end"] is None
    assert got["out.y.0"]["aggregated_values"] == \
        v2(c, "get/:id", {"id": ctx["aid"]})["baseline"]["Summary"]["out.y.0"]["aggregated_values"]
    vec = v2(c, "preview_baseline_binning", {"baseline": {"Vector": [1.0, 2.0, None, 3.0, 4.0, 5.0]},
                                             "summarizer": cfg["summarizer"]})
    assert vec["baseline"]["statistics"]["count"] == 6 and vec["baseline"]["aggregated_values"][0] == pytest.approx(2 / 6)


def test_several_iopaths_score_each_and_take_the_worst_status(ctx):
    c, t, base = ctx["c"], ctx["t"], ctx["base"]
    paths = [{"field": "in.x", "indexes": [0], "thresholds": {"warning": None, "alert": 100.0}},
             {"field": "out.y", "indexes": [0], "thresholds": {"warning": 0.1, "alert": 0.25}}]
    cfg = config(t, targeting=targeting(t, paths=paths))
    prev = v2(c, "preview", {**cfg, "preview_start": cfg["scheduling"]["first_run"],
                             "preview_end": (base + pd.Timedelta(hours=72)).isoformat()})
    last = prev[-1]
    assert set(last["scores"]) == {"in.x.0", "out.y.0"} and set(last["summaries"]) == {"in.x.0", "out.y.0"}
    aid = v2(c, "schedule", cfg)
    results = wait_results(c, aid, 8)
    assert results[-1]["status"] == "Alert"  # out.y alerts, in.x (alert 100) does not
    assert results[-1]["alert_threshold"] == 100.0  # the first iopath's thresholds


def test_score_raw_and_stored_windows(ctx):
    c, cfg, base = ctx["c"], ctx["cfg"], ctx["base"]
    body = {k: cfg[k] for k in ("baseline", "summarizer", "targeting")}
    same = v2(c, "score", {**body, "window": {"Stored": [base.isoformat(), (base + pd.Timedelta(hours=24)).isoformat()]}})
    assert same["out.y.0"]["score"] < 0.01  # about the baseline itself (start-exclusive window)
    far = v2(c, "score", {**body, "window": {"Raw": [1e9] * 10}})
    assert far["out.y.0"]["scores"][-1] > 1 and isinstance(far["out.y.0"]["score"], float)
    empty = v2(c, "score", {**body, "window": {"Stored": ["2001-01-01T00:00:00Z", "2001-01-02T00:00:00Z"]}})
    assert isinstance(empty["out.y.0"], str)  # failed iopath -> a string score
