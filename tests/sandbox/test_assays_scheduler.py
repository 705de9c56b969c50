"""AssayScheduler thread on a real store: catches up past windows, never duplicates, stops cleanly."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd

from wallaroo_widgets.sandbox import assay_store as st
from wallaroo_widgets.sandbox.assay_config import iso
from wallaroo_widgets.sandbox.db import Store, insert_logs
from wallaroo_widgets.sandbox.scheduler import AssayScheduler

SUMM = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
        "num_bins": 5, "bin_weights": None, "provided_edges": None}


def test_thread_catches_up_and_stops(tmp_path) -> None:
    store = Store(tmp_path)
    store.ensure_user("admin@wallaroo.local", "admin", admin=True)
    target = store.ensure_pipeline(workspace="schedws", pipeline="schedpipe", model="m")
    start = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=6)).floor("h")
    rng = np.random.default_rng(5)
    t0 = int(start.value // 1_000_000) - 3_600_000
    records = [{"time": t0 + i * 60_000, "in.x": [1.0], "out.y": [float(v)]}
               for i, v in enumerate(rng.normal(0, 1, 7 * 60))]
    with store.tx(write=True) as conn:
        insert_logs(conn, target["pipeline_id"], records, {"out.y": "float32"})
    window = {"pipeline_name": "schedpipe", "model_name": None, "path": "output y 0", "width": "1 hour",
              "interval": "1 hour", "start": iso(start), "workspace_id": target["workspace_id"], "locations": []}
    config = {"baseline": {"calculated": {"fixed_window": {**window, "start": iso(start - pd.Timedelta(hours=1))}}},
              "window": window, "summarizer": SUMM, "alert_threshold": 0.25, "warning_threshold": None}
    with store.tx(write=True) as conn:
        aid = st.insert_assay(conn, name="sched", workspace_id=target["workspace_id"],
                              pipeline_id=target["pipeline_id"], pipeline_name="schedpipe", active=True,
                              config=config, run_until=None, next_run=None, now=iso(start))
    sched = AssayScheduler.for_store(store, tick=0.05).start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with store.tx() as conn:
                if len(st.get_results(conn, aid)) >= 6:
                    break
            time.sleep(0.05)
    finally:
        sched.stop(timeout=5)
    assert sched._thread is None
    with store.tx() as conn:
        results = st.get_results(conn, aid)
        assay = st.get_assay(conn, aid)
    assert [pd.Timestamp(r["window_start"]) for r in results] == [start + pd.Timedelta(hours=h) for h in range(6)]
    assert all(r["window_summary"]["count"] == 60 for r in results)
    assert assay["last_run"] is not None and pd.Timestamp(assay["next_run"]) == start + pd.Timedelta(hours=7)
    # a second scheduler on the same data (e.g. after a restart) adds nothing
    assert AssayScheduler.for_store(store, tick=1).run_once() == 0
    with store.tx() as conn:
        assert len(st.get_results(conn, aid)) == 6
    # a broken assay is logged and skipped; the others still run
    with store.tx(write=True) as conn:
        conn.execute("UPDATE assays SET config = '{}' WHERE id = ?", (aid,))
        good = st.insert_assay(conn, name="good", workspace_id=target["workspace_id"],
                               pipeline_id=target["pipeline_id"], pipeline_name="schedpipe", active=True,
                               config=config, run_until=None, next_run=None, now=iso(start))
    runner = AssayScheduler.for_store(store)
    assert runner.run_once() == 6 and good not in runner.errors and aid in runner.errors
    with store.tx(write=True) as conn:
        conn.execute("UPDATE assays SET config = ? WHERE id = ?", (json.dumps(config), aid))
    # paused assays are not run
    with store.tx(write=True) as conn:
        st.set_active(conn, aid, False, iso(pd.Timestamp.now(tz="UTC")))
    later = pd.Timestamp.now(tz="UTC") + pd.Timedelta(hours=3)
    assert AssayScheduler.for_store(store).run_once(now=later) == 0
