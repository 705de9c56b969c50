"""The Assays panel with Assays V2 on the demo sandbox: V1 and V2 listed together, a V2 assay's results,
timeline, bins and stats like a V1 one, (de)activation of both."""

from __future__ import annotations

import pandas as pd

from wallaroo_widgets.api import assays_v2
from wallaroo_widgets.panels import AssaysPanel
from wallaroo_widgets.sandbox import demo as demo_data


def test_v1_and_v2_listed_with_a_version(demo_session):
    panel = AssaysPanel(demo_session, workspace="housepricesaga", pipeline="housepricepipe")
    assert panel.error == "", panel.error
    df = panel.table.df
    assert dict(zip(df["name"], df["version"], strict=True)) == {demo_data.ASSAY_NAME: 1, demo_data.ASSAY_V2_NAME: 2}
    row = df[df["version"] == 2].iloc[0]
    assert row["active"] and row["alert_threshold"] == 0.25 and pd.notna(row["next_run"])
    # the V2 row's status in the V1 rows' vocabulary: both assays have run on the demo
    assert pd.notna(row["last_run"]) and row["status"] == "ran"
    assert df[df["version"] == 1].iloc[0]["status"] == "ran"


def test_v2_results_timeline_bins_and_stats(demo_session):
    panel = AssaysPanel(demo_session, workspace="housepricesaga", pipeline="housepricepipe")
    assert panel.table.select_where("name", demo_data.ASSAY_V2_NAME)
    panel.results_button.click()
    assert panel.error == "", panel.error
    assert len(panel.results) == demo_data.DAYS - 1 and demo_data.ASSAY_V2_NAME in panel.message
    lo, hi = demo_data.DRIFT_DAYS
    assert [r["status"] for r in panel.results].count("Alert") == hi - lo
    assert panel.results[0]["window_summary"]["labels"][0] == "< 20%"
    markers = [t for t in panel.timeline.data if t.mode == "markers" and t.x is not None and len(t.x)]
    assert sum(len(t.x) for t in markers) == demo_data.DAYS - 1
    panel.results_table.select(lo)  # a drift window
    assert len(panel.bins.data) >= 2 and list(panel.bins.data[0].x)  # baseline and window bars
    stats = panel.stats.df.set_index("stat")
    assert stats.loc["count", "Baseline"] > 0 and stats.loc["mean", "Window"] > stats.loc["mean", "Baseline"]
    assert len(panel.contribution.data) >= 1


def test_activate_and_deactivate_both_versions(demo_session):
    panel = AssaysPanel(demo_session, workspace="housepricesaga", pipeline="housepricepipe")
    for name in (demo_data.ASSAY_V2_NAME, demo_data.ASSAY_NAME):
        assert panel.table.select_where("name", name)
        panel.deactivate_button.click()
        assert panel.error == "", panel.error
        row = panel.table.df[panel.table.df["name"] == name].iloc[0]
        assert not row["active"] and (row["version"] == 1 or pd.isna(row["next_run"]))  # V2: no next run paused
        assert panel.table.select_where("name", name)
        panel.activate_button.click()
        assert panel.table.df[panel.table.df["name"] == name].iloc[0]["active"]
    v2_row = panel.table.df[panel.table.df["version"] == 2].iloc[0]
    assert pd.notna(v2_row["next_run"])


def test_v2_assay_not_run_yet_is_created(demo_session):
    """A V2 assay whose first run is still ahead shows V1's "created" (runs then show "ran", as above)."""
    panel = AssaysPanel(demo_session, workspace="housepricesaga", pipeline="housepricepipe")
    p = panel.state.pipeline
    cfg = assays_v2.config("not-yet-run", pipeline_id=p["id"], pipeline_name=p["name"],
                           workspace_id=p["workspace_id"], baseline=[1.0, 2.0, 3.0, 4.0, 5.0],
                           iopaths="out.variable.0", first_run=pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=30))
    demo_session.assays_v2.schedule(cfg)
    panel.refresh()
    assert panel.error == "", panel.error
    row = panel.table.df[panel.table.df["name"] == "not-yet-run"].iloc[0]
    assert row["version"] == 2 and pd.isna(row["last_run"]) and row["status"] == "created"
