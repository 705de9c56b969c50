"""Drift overview (issue 16): 50 fields × 720 hourly windows over 1M logged rows.

Times (best of runs): the whole overview scored with the V1 and the V2 rules (baselines included: one summary
and one binning pass per field, the row ranges shared) and the overview widget updated with the result (heatmap
+ ranked table: ``DriftOverview.show``). Targets: scoring ≤ 1 s, widget ≤ 1 s. Also reported (no target): turning
a logs frame's tensor column into per-index arrays. Writes ``benchmarks/results/bench_overview.json``.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import pandas as pd
from _bench import finish, load_1min

from wallaroo_widgets.drift.overview import OverviewSettings, log_columns, score_overview

N, FIELDS, HOURS, BASE_HOURS = 1_000_000, 50, 720, 24
T0 = pd.Timestamp("2024-01-01T00:00:00Z")
TARGET_S = 1.0


def data(n: int = N, fields: int = FIELDS, seed: int = 1) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Times over a 24-hour baseline + 720 hours; 49 input indexes (a third of them drift late) + one output."""
    rng = np.random.default_rng(seed)
    ms = np.sort(rng.integers(0, (BASE_HOURS + HOURS) * 3_600_000, n)) + T0.value // 1_000_000
    late = (ms - ms[0]) > (BASE_HOURS + 600) * 3_600_000
    cols = {f"in.tensor.{i}": rng.normal(i, 1 + i % 3, n) + (late * 0.5 if i % 3 == 0 else 0.0)
            for i in range(fields - 1)}
    return ms, {"out.variable.0": rng.gamma(2.0, 1e5, n).astype(np.float32).astype(np.float64), **cols}


def best(fn, repeat: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return min(times), out


def main() -> dict[str, Any]:
    load = load_1min()
    ms, cols = data()
    settings = OverviewSettings(baseline_start=T0, baseline_end=T0 + pd.Timedelta(hours=BASE_HOURS), width="1 hour")
    rows = []
    overviews = {}
    for version in ("V1", "V2"):
        s = settings.replace(version=version)
        secs, ov = best(lambda s=s: score_overview(ms, cols, s))
        assert ov.score.shape == (FIELDS, HOURS) and not ov.errors, (ov.score.shape, ov.errors)
        overviews[version] = ov
        rows.append({"job": f"score {FIELDS} fields × {HOURS} windows, {N:,} rows ({version})", "seconds": secs,
                     "target": TARGET_S})
    from wallaroo_widgets.panels.overview import DriftOverview

    panel = DriftOverview()
    secs, _ = best(lambda: panel.show(overviews["V1"]))
    rows.append({"job": f"widget update: heatmap {FIELDS}×{HOURS} + ranked table", "seconds": secs, "target": TARGET_S})
    n_small = 100_000
    frame = pd.DataFrame({"time": ms[:n_small], "in.tensor": list(np.column_stack(
        [cols[f"in.tensor.{i}"][:n_small] for i in range(FIELDS - 1)]).tolist()),
        "out.variable": list(cols["out.variable.0"][:n_small, None].tolist())})
    secs, got = best(lambda: log_columns(frame), repeat=1)
    assert len(got) == FIELDS
    rows.append({"job": f"log_columns: {n_small:,} logged rows with a {FIELDS - 1}-wide tensor", "seconds": secs,
                 "target": None})
    out = {"rows": rows, "fields": FIELDS, "windows": HOURS, "rows_logged": N, "load_1min_before": load,
           "targets": [{"target": f"{r['job']} ≤ {r['target']:g} s", "value": f"{r['seconds']:.3f} s",
                        "ok": r["seconds"] <= r["target"]} for r in rows if r["target"] is not None]}
    print(f"Drift overview: {FIELDS} fields × {HOURS} hourly windows over {N:,} rows (best of runs, seconds)")
    for r in rows:
        print(f"  {r['job']:<70} {r['seconds']:8.3f}")
    if load is not None:
        print(f"Machine load (1-minute average) before: {load:.2f} ({os.cpu_count()} cores)")
    return finish("bench_overview", out, 90)


if __name__ == "__main__":
    main()
