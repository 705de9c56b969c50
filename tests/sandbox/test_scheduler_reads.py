"""The scheduler's work per tick grows with the new rows only, not with the history (issue 17).

Counted, not timed: every log read of a tick goes through ``LogStore.read``; the test records the rows each
read returns and the segment files it maps, on a short and a ten times longer history.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from assays_v2_data import config as v2_config

from wallaroo_widgets.sandbox import assay_store as st1
from wallaroo_widgets.sandbox import assay_v2_run as run2
from wallaroo_widgets.sandbox import assay_v2_store as st2
from wallaroo_widgets.sandbox import logstore
from wallaroo_widgets.sandbox.assay_config import iso
from wallaroo_widgets.sandbox.db import Store, insert_logs
from wallaroo_widgets.sandbox.routers.assays_v2 import ScheduleBody, config_json
from wallaroo_widgets.sandbox.scheduler import AssayScheduler

BASE = pd.Timestamp("2030-05-06T00:00:00Z")  # any instant: the clock is passed to run_once
DAY, HOUR = pd.Timedelta(days=1), pd.Timedelta(hours=1)
PER_HOUR = 6  # one inference every 10 minutes
SUMM = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
        "num_bins": 5, "bin_weights": None, "provided_edges": None}


def _log_hours(store: Store, t: dict, start: pd.Timestamp, hours: int, seed: int) -> None:
    """``hours`` hours of rows from ``start``, one call (= one segment, FLUSH_ROWS is patched) per day."""
    rng = np.random.default_rng(seed)
    for h0 in range(0, hours, 24):
        n = min(24, hours - h0) * PER_HOUR
        t0 = int((start + h0 * HOUR).value // 1_000_000)
        recs = [{"time": t0 + i * 600_000, "in.x": [1.0], "out.y": [float(v)]}
                for i, v in enumerate(rng.normal(100, 10, n).astype(np.float32))]
        with store.tx(write=True) as conn:
            insert_logs(conn, t["pipeline_id"], recs, {"out.y": "float32"})


def _assays(store: Store, t: dict) -> None:
    """A V1 assay (fixed_window baseline = the first day) and a V2 assay (Static, the same day), hourly windows."""
    window = {"pipeline_name": t["pipeline"], "model_name": None, "path": "output y 0", "width": "1 hour",
              "interval": "1 hour", "start": iso(BASE + DAY), "workspace_id": t["workspace_id"], "locations": []}
    cfg = {"baseline": {"calculated": {"fixed_window": {**window, "start": iso(BASE), "width": "24 hours"}}},
           "window": window, "summarizer": SUMM, "alert_threshold": 0.25, "warning_threshold": None}
    body = ScheduleBody.model_validate(v2_config({**t, "base": BASE}, hours=1, first_run_h=24))
    with store.tx() as conn:
        plan = run2.Plan.parse(config_json(body, {}))
        baselines = run2.baseline_summaries(conn, plan, body.baseline.model_dump(mode="json", exclude_none=True))
    with store.tx(write=True) as conn:
        st1.insert_assay(conn, name="v1", workspace_id=t["workspace_id"], pipeline_id=t["pipeline_id"],
                         pipeline_name=t["pipeline"], active=True, config=cfg, run_until=None, next_run=None,
                         now=iso(BASE))
        st2.insert_assay(conn, assay_id=run2.new_id(), name="v2", workspace_id=t["workspace_id"],
                         pipeline_id=t["pipeline_id"], active=True, config=config_json(body, baselines), now="x")


def _one_tick(tmp_path, monkeypatch, days: int) -> tuple[int, list[tuple[int, int, int]], int]:
    """History of ``days`` days, caught up; then one new hour of rows and one tick.
    -> (results the tick added, [(start_ms, end_ms, rows)] of each read in the tick, segments it mapped)."""
    monkeypatch.setattr(logstore, "FLUSH_ROWS", 10)
    store = Store(tmp_path / f"d{days}")
    store.ensure_user("admin@wallaroo.local", "admin", admin=True)
    t = store.ensure_pipeline(workspace="ws", pipeline="pipe", model="m")
    t.update(pipeline="pipe", workspace="ws")
    _log_hours(store, t, BASE, days * 24, seed=days)
    _assays(store, t)
    sched = AssayScheduler.for_store(store)
    end = BASE + days * DAY
    assert sched.run_once(now=end) == 2 * (days - 1) * 24  # caught up: every hourly window after the first day
    _log_hours(store, t, end, 1, seed=99)
    reads: list[tuple[int, int, int]] = []
    mapped: list[str] = []
    read, segment = logstore.LogStore.read, logstore.LogStore._segment

    ours = logstore.LogStore.for_dir(store.data_dir).root  # not the session sandbox's scheduler thread

    def counting_read(self, pipeline_id, columns=None, start_ms=None, end_ms=None, **kw):
        table = read(self, pipeline_id, columns, start_ms, end_ms, **kw)
        if self.root == ours:
            reads.append((start_ms, end_ms, table.num_rows))
        return table

    def counting_segment(self, file):
        if self.root == ours:
            mapped.append(file)
        return segment(self, file)

    monkeypatch.setattr(logstore.LogStore, "read", counting_read)
    monkeypatch.setattr(logstore.LogStore, "_segment", counting_segment)
    logstore.LogStore.for_dir(store.data_dir)._cache.clear()
    added = sched.run_once(now=end + HOUR)
    monkeypatch.undo()
    return added, reads, len(mapped)


def test_a_tick_reads_the_new_window_not_the_history(tmp_path, monkeypatch):
    short = _one_tick(tmp_path, monkeypatch, 3)
    long = _one_tick(tmp_path, monkeypatch, 30)
    for added, reads, mapped in (short, long):
        assert added == 2  # the new hour, V1 and V2
        # V1 re-reads its fixed baseline (the first day: 144 rows, whatever the history) and the new hour
        # [start, end); V2 keeps its baseline summary in the assay and reads the new hour only, (start, end]:
        # the row at the hour's start belongs to the window before
        assert sorted(rows for _, _, rows in reads) == [PER_HOUR - 1, PER_HOUR, 24 * PER_HOUR]
        assert all(e - s <= 24 * 3_600_000 for s, e, _ in reads)  # bounded ranges, never "all history"
        assert mapped <= 3  # the baseline's segment and the new hour's, not one per day of history
    assert [r[2] for r in short[1]] == [r[2] for r in long[1]] and short[2] == long[2]
