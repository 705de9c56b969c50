"""The demo's V2 assay: next to the V1 one on the house-price pipeline, a month of daily results that show the
drift episode (seeded at a fixed ``now``: nothing depends on the hour the test runs at)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wallaroo_widgets.sandbox import assay_store, assay_v2_run, demo
from wallaroo_widgets.sandbox import assay_v2_store as st
from wallaroo_widgets.sandbox.db import Store

NOW = dt.datetime(2026, 7, 1, 0, 5, 17, tzinfo=dt.timezone.utc)  # a month end, just after midnight


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("demo-v2"))
    store.ensure_user("admin@wallaroo.local", "admin", admin=True)
    return store, demo.seed(store, now=NOW)


def test_demo_v2_assay_shows_the_drift_episode_like_v1(seeded):
    store, info = seeded
    with store.tx() as conn:
        assay = st.get_assay(conn, info["assay_v2_id"])
        results = st.get_results(conn, info["assay_v2_id"])
        v1 = assay_store.get_results(conn, info["assay_id"])
    start = pd.Timestamp(demo.month_start(NOW))
    assert assay["name"] == demo.ASSAY_V2_NAME and assay["active"]
    assert assay["workspace_id"] == info["workspace_id"] and assay["pipeline_id"] == info["pipeline_id"]
    assert list(assay["config"]["baseline"]["Summary"]) == ["out.variable.0"]
    assert info["results_v2"] == len(results) == demo.DAYS - 1
    assert [pd.Timestamp(r["window_end"]) for r in results] == \
        [start + pd.Timedelta(days=2 + k) for k in range(demo.DAYS - 1)]
    statuses = [r["status"] for r in results]
    lo, hi = demo.DRIFT_DAYS
    assert statuses[lo - 1:hi - 1] == ["Alert"] * (hi - lo)  # window k covers day k + 1, as V1's
    assert statuses.count("Alert") == hi - lo and statuses.count("Ok") >= demo.DAYS - 1 - (hi - lo) - 1
    assert statuses == [r["status"] for r in v1]  # the same episode as the V1 assay
    assert assay_v2_run.next_run(assay)["next_run"] == assay_v2_run.server_time(start + pd.Timedelta(days=31))
