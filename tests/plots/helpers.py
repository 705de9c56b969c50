"""Shared data for the plot tests: a six-hour local run (Ok, Ok, Ok, Alert, Warning, NoData) and the
server's view of a result."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from wallaroo_widgets import drift

T0 = pd.Timestamp("2024-01-01T00:00:00Z")
SUMM = {"num_bins": 5}


def local_run() -> tuple[dict, list[dict]]:
    """Baseline 1..10 and six hourly windows: PSI 0 ×3, shifted up (Alert), 10 % right outliers (PSI ≈ 0.354,
    Warning), last hour empty (NoData)."""
    rng = np.random.default_rng(0)
    base = drift.summarize(np.arange(1, 11.0), SUMM, start=T0 - pd.Timedelta(hours=1), end=T0)
    ms = np.arange(0, 6 * 3_600_000, 60_000) + T0.value // 1_000_000
    hour = (ms - ms[0]) // 3_600_000
    vals = np.concatenate([rng.permutation(np.tile(np.arange(1, 11.0), 6)) for _ in range(6)])  # PSI 0
    vals[hour == 3] += 3                      # shifted up: Alert
    vals[(hour == 4) & (vals == 10)] = 10.5   # 10% right outliers: PSI ≈ 0.354, Warning
    keep = hour != 5                          # last hour empty
    res = drift.score_windows(ms[keep], vals[keep], base, SUMM, start=T0, width="1 hour",
                              until=T0 + pd.Timedelta(hours=6), warning_threshold=0.05, alert_threshold=0.5,
                              include_empty=True)
    return base, res


def server_shape(result: dict) -> dict:
    """What the HTTP API returns: JSON round trip, score rounded to float32, ids filled."""
    r = json.loads(json.dumps(result))
    r.update(id=7, assay_id=3, created_at=r["analyzed_at"])
    if r["score"] is not None:
        r["score"] = float(np.float32(r["score"]))
    return r
