"""Synthetic inference logs and V2 configs for the Assays V2 sandbox tests (times relative to a given base)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from testkit import uniq

from wallaroo_widgets.sandbox.db import insert_logs

HOURS = 72
STEP_MIN = 5
SUMMARIZER = {"UnivariateContinuous": {"aggregation": "Density", "bin_mode": {"Quantile": 5}, "metric": "PSI",
                                       "bin_weights": None}}


def seed_logs(store, base: pd.Timestamp, *, workspace: str | None = None, owner=None) -> dict:
    """A pipeline with an inference every 5 minutes over [base, base + 72 h): ``out.y`` (float32) ~ N(100, 10)
    for 48 h then N(130, 10) (drift); ``in.x`` = out.y / 2 (float64). -> target ids/names, times and values."""
    ws, pipe = workspace or uniq("v2ws"), uniq("v2pipe")
    tgt = store.ensure_pipeline(workspace=ws, pipeline=pipe, model="m", owner=owner)
    n = HOURS * 60 // STEP_MIN
    rng = np.random.default_rng(11)
    times = np.array([int((base + pd.Timedelta(minutes=STEP_MIN * i)).value // 1_000_000) for i in range(n)])
    vals = np.where(np.arange(n) < 48 * 60 // STEP_MIN, rng.normal(100, 10, n), rng.normal(130, 10, n))
    records = [{"time": int(t), "in.x": [float(v) / 2], "out.y": [float(v)]} for t, v in zip(times, vals, strict=True)]
    with store.tx(write=True) as conn:
        insert_logs(conn, tgt["pipeline_id"], records, {"out.y": "float32"})
    return {**tgt, "workspace": ws, "pipeline": pipe, "times": times, "y": vals.astype(np.float32).astype(float),
            "base": base}


def targeting(t: dict, *, paths: list[dict] | None = None) -> dict:
    return {"data_origin": {"pipeline_id": t["pipeline_id"], "pipeline_name": t["pipeline"],
                            "workspace_id": t["workspace_id"], "workspace_name": t["workspace"]},
            "iopath": paths or [{"field": "out.y", "indexes": [0], "thresholds": {"warning": 0.1, "alert": 0.25}}]}


def config(t: dict, *, hours: int = 6, first_run_h: int = 24, name: str | None = None, **kw) -> dict:
    """Static baseline = the first day; windows of ``hours`` every ``hours`` from base + ``first_run_h``."""
    base = t["base"]
    cfg = {"name": name or uniq("v2assay"),
           "baseline": {"Static": [base.isoformat(), (base + pd.Timedelta(hours=24)).isoformat()]},
           "summarizer": SUMMARIZER, "targeting": targeting(t),
           "scheduling": {"first_run": (base + pd.Timedelta(hours=first_run_h)).isoformat(),
                          "run_frequency": {"SimpleRunFrequency": {"quantity": hours, "unit": "Hour"}}},
           "window": {"width": {"seconds": hours * 3600}}}
    cfg.update(kw)
    return cfg


def scheduled_assay(sandbox, client) -> tuple[dict, dict, str]:
    """Logs seeded over the last 72 hours and a V2 assay of them (``config``) scheduled by ``client`` (a
    sandbox_http ``Client``) -> (the ``seed_logs`` target, the config, the assay id)."""
    t = seed_logs(sandbox.store, pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=HOURS))
    cfg = config(t)
    return t, cfg, client.ok(f"{client.srv.url}/v2/api/assays/schedule", cfg)
