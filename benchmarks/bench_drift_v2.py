"""Assays V2 engine vs V1 (issue 13): scoring 720 hourly windows over 1M values, and a 1M-value baseline.

Each row times the same job in both engines, run alternately (best of runs, ms, wall and CPU time of this
process): V1 ``drift.score_windows`` / ``WindowScorer`` (Quantile 5 → 7 bins) against ``drift.v2`` (Quantile 5
→ 5 bins, windows (start, end]). Target: V2 no slower than V1, checked on the CPU-time ratio (a shared
machine's load moves wall times by tens of percent, best-of CPU times by a few): V2/V1 ≤ 1.0 plus a
``NOISE`` allowance of 0.05. Writes ``benchmarks/results/bench_drift_v2.json``.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd
from _bench import best_pair, finish, load_1min

from wallaroo_widgets import drift
from wallaroo_widgets.drift import v2

N, HOURS, RATIO, NOISE = 1_000_000, 720, 1.0, 0.05
T0 = pd.Timestamp("2024-01-01T00:00:00Z")
UNTIL = T0 + pd.Timedelta(hours=HOURS)
KEY = "out.variable.0"


def data(n: int = N, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ms = np.sort(rng.integers(0, HOURS * 3_600_000, n)) + T0.value // 1_000_000
    vals = rng.normal(size=n) + np.sin(np.arange(n) / n * 20) * 0.3
    return ms, vals, np.random.default_rng(2).normal(size=100_000)


def table() -> list[dict[str, Any]]:
    ms, vals, base_vals = data()
    s1, s2 = drift.Summarizer(num_bins=5), v2.UnivariateContinuous(v2.BinMode.quantile(5))
    b1, b2 = drift.summarize(base_vals, s1), v2.summarize(base_vals, s2.bin_mode, name=KEY)
    wins = v2.grid(T0, pd.Timedelta(hours=1), pd.Timedelta(hours=1), UNTIL)
    th = v2.Thresholds(0.1, 0.25)

    def v1_records() -> None:
        drift.score_windows(ms, vals, b1, s1, start=T0, width="1 hour", until=UNTIL, warning_threshold=0.1)

    def v2_records() -> None:
        ws = v2.score_windows(ms, vals, b2, wins, s2, th)
        for o in v2.combine({KEY: ws}):
            o.result(assay_id="00000000-0000-0000-0000-000000000001", pipeline_id=1, workspace_id=1,
                     workspace_name="w", thresholds=th).to_api()

    def v1_arrays() -> None:
        drift.WindowScorer(ms, vals, start=T0, width="1 hour", until=UNTIL).score(s1, b1)

    def v2_arrays() -> None:
        v2.WindowBatch(ms, vals, wins).score(b2, s2, th)

    scorer = drift.WindowScorer(ms, vals, start=T0, width="1 hour", until=UNTIL)
    scorer.score(s1, b1)
    batch = v2.WindowBatch(ms, vals, wins)
    batch.score(b2, s2, th)
    s2_max = v2.UnivariateContinuous(s2.bin_mode, metric="MaxDiff")
    vals32 = vals.astype(np.float32)
    jobs = [
        ("720 windows → result records (plan, bin 1M rows, score, stats, JSON-ready)", v1_records, v2_records, 9),
        ("720 windows → arrays (bin 1M rows, score; no stats)", v1_arrays, v2_arrays, 9),
        ("re-score after a metric change (binning cached)", lambda: scorer.score(s1.replace(metric="MaxDiff"), b1),
         lambda: batch.score(b2, s2_max, th), 31),
        ("baseline summary of 1M values (Quantile 5)", lambda: drift.summarize(vals, s1),
         lambda: v2.summarize(vals, s2.bin_mode), 9),
        ("baseline summary of 1M float32 values", lambda: drift.summarize(vals32.astype(np.float64), s1),
         lambda: v2.summarize(vals32, s2.bin_mode), 9),
    ]
    rows = []
    for name, f1, f2, repeat in jobs:
        t = best_pair(f1, f2, repeat)
        rows.append({"job": name, "v1_ms": t["wall1"], "v2_ms": t["wall2"], "v2_over_v1": t["wall2"] / t["wall1"],
                     "v1_cpu_ms": t["cpu1"], "v2_cpu_ms": t["cpu2"], "v2_over_v1_cpu": t["cpu2"] / t["cpu1"]})
    return rows


def main() -> dict[str, Any]:
    load = load_1min()
    rows = table()
    after = os.getloadavg()[0] if load is not None else None
    limit = RATIO + NOISE
    out = {"rows": rows, "windows": HOURS, "values": N, "load_1min_before": load, "load_1min_after": after,
           "targets": [{"target": f"V2 ≤ {RATIO:g}× V1 (CPU time, +{NOISE:g} noise): {r['job']}",
                        "value": f"{r['v2_over_v1_cpu']:.2f}x", "ok": r["v2_over_v1_cpu"] <= limit} for r in rows]}
    print(f"Assays V2 vs V1 engine, {HOURS} hourly windows over {N:,} values (best of alternate runs, ms)")
    print(f"  {'job':<76} {'V1':>7} {'V2':>7} {'V2/V1':>6} {'V1 CPU':>7} {'V2 CPU':>7} {'V2/V1':>6}")
    for r in rows:
        print(f"  {r['job']:<76} {r['v1_ms']:7.1f} {r['v2_ms']:7.1f} {r['v2_over_v1']:6.2f} "
              f"{r['v1_cpu_ms']:7.1f} {r['v2_cpu_ms']:7.1f} {r['v2_over_v1_cpu']:6.2f}")
    if load is not None:
        print(f"Machine load (1-minute average): {load:.2f} before, {after:.2f} after ({os.cpu_count()} cores)")
    return finish("bench_drift_v2", out, 100)


if __name__ == "__main__":
    main()
