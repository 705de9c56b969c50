"""The V2 part of the assay scheduler on a real store with an explicit clock (``run_once(now=...)``: nothing
depends on the hour the tests run at), and persistence of V2 assays and results across a server restart."""

from __future__ import annotations

import dataclasses
import time

import pandas as pd
import pytest
from assays_v2_data import config, seed_logs
from sandbox_http import Client

from wallaroo_widgets.sandbox import SandboxServer
from wallaroo_widgets.sandbox import assay_v2_run as run
from wallaroo_widgets.sandbox import assay_v2_store as st
from wallaroo_widgets.sandbox.db import Store
from wallaroo_widgets.sandbox.routers.assays_v2 import ScheduleBody, config_json
from wallaroo_widgets.sandbox.scheduler import AssayScheduler

BASE = pd.Timestamp("2031-03-04T05:06:07.123456Z")  # any instant: windows are relative to first_run


def _schedule(store: Store, t: dict, **kw) -> str:
    body = ScheduleBody.model_validate(config(t, **kw))
    with store.tx() as conn:
        plan = run.Plan.parse(config_json(body, {}))
        baselines = run.baseline_summaries(conn, plan, body.baseline.model_dump(mode="json", exclude_none=True))
    aid = run.new_id()
    with store.tx(write=True) as conn:
        st.insert_assay(conn, assay_id=aid, name=body.name, workspace_id=t["workspace_id"],
                        pipeline_id=t["pipeline_id"], active=True, config=config_json(body, baselines), now="x")
    return aid


@pytest.fixture
def env(tmp_path):
    store = Store(tmp_path)
    store.ensure_user("admin@wallaroo.local", "admin", admin=True)
    return store, seed_logs(store, BASE)


def _results(store: Store, aid: str) -> list[dict]:
    with store.tx() as conn:
        return st.get_results(conn, aid)


def _assay(store: Store, aid: str) -> dict:
    with store.tx() as conn:
        return st.get_assay(conn, aid)


def test_back_fill_then_one_window_per_period_and_never_twice(env):
    store, t = env
    aid = _schedule(store, t)
    sched = AssayScheduler.for_store(store)
    h = pd.Timedelta(hours=1)
    assert sched.run_once(now=BASE + 29 * h) == 0  # first run at first_run + width = 30 h
    assert run.next_run(_assay(store, aid)) == {"last_run": None, "next_run": run.server_time(BASE + 30 * h)}
    assert sched.run_once(now=BASE + 50 * h) == 4  # 30, 36, 42, 48 back-filled
    assert sched.run_once(now=BASE + 50 * h) == 0
    assert sched.run_once(now=BASE + 54 * h) == 1
    ends = [pd.Timestamp(r["window_end"]) for r in _results(store, aid)]
    assert ends == [BASE + (30 + 6 * k) * h for k in range(5)]
    # past the logs: empty windows store nothing but the cursor moves on
    assert sched.run_once(now=BASE + 200 * h) == 3
    assert run.next_run(_assay(store, aid))["last_run"] == run.server_time(BASE + 198 * h)


def test_nothing_while_inactive_and_nothing_after_end(env):
    store, t = env
    h = pd.Timedelta(hours=1)
    aid = _schedule(store, t)
    ended = _schedule(store, t, scheduling={**config(t)["scheduling"], "end": (BASE + 40 * h).isoformat()})
    with store.tx(write=True) as conn:
        st.set_active(conn, aid, False, "x")
    sched = AssayScheduler.for_store(store)
    sched.run_once(now=BASE + 80 * h)
    assert _results(store, aid) == []
    assert run.next_run(_assay(store, aid))["next_run"] is None
    assert [pd.Timestamp(r["window_end"]) for r in _results(store, ended)] == [BASE + 30 * h, BASE + 36 * h]
    assert run.next_run(_assay(store, ended)) == {"last_run": run.server_time(BASE + 36 * h), "next_run": None}
    with store.tx(write=True) as conn:  # resumed: the paused period is caught up on the grid
        st.set_active(conn, aid, True, "x")
    assert sched.run_once(now=BASE + 80 * h) == 8


def test_a_broken_assay_does_not_stop_the_others(env):
    store, t = env
    good = _schedule(store, t)
    bad = _schedule(store, t)
    with store.tx(write=True) as conn:
        conn.execute("UPDATE assays_v2 SET config = ? WHERE id = ?", ('{"targeting": {}}', bad))
    sched = AssayScheduler.for_store(store)
    assert sched.run_once(now=BASE + 50 * pd.Timedelta(hours=1)) == 4
    assert len(_results(store, good)) == 4 and bad in sched.errors


def test_assays_and_results_survive_a_restart(tmp_path):
    srv = SandboxServer(tmp_path, port=0, assay_tick=0.2).start()
    try:
        t = seed_logs(srv.store, pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=72))
        c = Client(srv)
        aid = c.ok(f"{srv.url}/v2/api/assays/schedule", config(t))
        deadline = time.monotonic() + 20
        while len(before := c.ok(f"{srv.url}/v2/api/assays/get_results", {"id": aid})) < 8:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assay = c.ok(f"{srv.url}/v2/api/assays/get/:id", {"id": aid})
        nxt = c.ok(f"{srv.url}/v2/api/assays/get_next_run", {"assay_id": aid})
    finally:
        srv.stop()
    srv = SandboxServer(tmp_path, port=0, assay_tick=0.2).start()
    try:
        c = Client(srv)
        time.sleep(0.5)  # a few scheduler ticks on the restored data
        assert c.ok(f"{srv.url}/v2/api/assays/get/:id", {"id": aid}) == assay
        assert c.ok(f"{srv.url}/v2/api/assays/get_results", {"id": aid}) == before
        assert c.ok(f"{srv.url}/v2/api/assays/get_next_run", {"assay_id": aid}) == nxt
    finally:
        srv.stop()


def test_a_first_run_centuries_ago_is_due_without_overflow(env):
    """first_run may be any documented date (years 1700-2259); 300+ years of windows overflowed a Timedelta."""
    store, t = env
    plan = run.Plan.parse(config_json(ScheduleBody.model_validate(config(t)), {}))
    old = dataclasses.replace(plan, first_run=run.parse_time("1701-01-01T00:00:00Z"), freq=pd.Timedelta(days=1))
    due = old.due(0, pd.Timestamp("2031-01-01T00:00:00Z"))
    assert (due.start, due.stop) == (0, run.MAX_WINDOWS)
    assert old.due(5, pd.Timestamp("1701-01-07T00:00:00Z") + plan.width) == range(5, 7)
