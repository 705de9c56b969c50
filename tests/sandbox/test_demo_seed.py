"""demo.seed on a real store: deterministic, idempotent, and the assay results show the drift episode."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from wallaroo_widgets.sandbox import assay_store, demo
from wallaroo_widgets.sandbox.db import Store, get_logs

NOW = dt.datetime(2026, 3, 10, 12, 34, 56, tzinfo=dt.timezone.utc)


def _seeded(path: Path) -> tuple[Store, dict]:
    store = Store(path)
    store.ensure_user("admin@wallaroo.local", "admin", admin=True)
    return store, demo.seed(store, now=NOW)


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory):
    return _seeded(tmp_path_factory.mktemp("demo1")), _seeded(tmp_path_factory.mktemp("demo2"))


def _dump(store: Store, info: dict) -> tuple[list, list]:
    with store.tx() as conn:
        logs = get_logs(conn, info["pipeline_id"])
        results = assay_store.get_results(conn, info["assay_id"])
    for r in results:  # wall-clock fields
        r.pop("analyzed_at"), r.pop("created_at"), r.pop("elapsed_millis")
    return logs, results


def test_seed_is_deterministic(two_stores) -> None:
    (s1, i1), (s2, i2) = two_stores
    assert i1["seeded"] and i1["logs"] == i2["logs"] > 8000
    logs1, res1 = _dump(s1, i1)
    logs2, res2 = _dump(s2, i2)
    assert logs1 == logs2
    assert res1 == res2 and len(res1) == 29


def test_seed_content(two_stores) -> None:
    (store, info), _ = two_stores
    logs, results = _dump(store, info)
    assert logs[0]["time"] >= int(demo.month_start(NOW).timestamp() * 1000)
    assert logs[-1]["time"] < NOW.timestamp() * 1000
    assert len(logs[0]["in.tensor"]) == 18 and isinstance(logs[0]["out.variable"][0], float)
    assert json.loads(logs[0]["metadata.last_model"])["model_name"] == "housepricemodel"
    statuses = [r["status"] for r in results]
    lo, hi = demo.DRIFT_DAYS
    # window k covers day k + 1 of the month (day 0 is the baseline)
    assert statuses[lo - 1:hi - 1] == ["Alert"] * (hi - lo)
    assert statuses[lo - 2] == "Warning"
    assert statuses.count("Ok") == 29 - (hi - lo) - 1
    with store.tx() as conn:
        assay = assay_store.get_assay(conn, info["assay_id"])
        users = {r[0] for r in conn.execute("SELECT email FROM users")}
        ws = {r[0] for r in conn.execute("SELECT name FROM workspaces")}
        deployed = conn.execute("SELECT COUNT(*) FROM deployments WHERE pipeline_id = ? AND active = 1",
                                (info["pipeline_id"],)).fetchone()[0]
    assert assay["active"] == 1 and json.loads(assay["status"])["num_alerts"] == hi - lo
    assert {"alice@wallaroo.local", "bob@wallaroo.local"} <= users
    assert {"housepricesaga", "ccfraud-demo"} <= ws and deployed == 1
    with store.tx() as conn:
        members = set(conn.execute(
            "SELECT u.email, m.user_type FROM workspace_members m JOIN users u ON u.id = m.user_id "
            "WHERE m.workspace_id = ?", (info["workspace_id"],)).fetchall())
    assert members == {("admin@wallaroo.local", "OWNER"), ("alice@wallaroo.local", "OWNER"),
                       ("bob@wallaroo.local", "COLLABORATOR")}


def test_seed_is_idempotent(two_stores) -> None:
    (store, info), _ = two_stores
    assert demo.seed(store, now=NOW) == {"seeded": False}
    logs, _ = _dump(store, info)
    assert len(logs) == info["logs"]
