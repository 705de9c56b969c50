"""Drift overview panel against the demo sandbox: logs through the API, every field scored, a heatmap click
shows the bins, assays created of exactly the scored configuration agree with the server, reports saved."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from plotly.callbacks import InputDeviceState, Points

from wallaroo_widgets.drift.overview import field_label
from wallaroo_widgets.panels import console
from wallaroo_widgets.panels.overview import DriftOverview


@pytest.fixture(scope="module")
def panel(demo):
    from wallaroo_widgets import Session

    sess = Session.password(demo.url, demo.admin_email, demo.admin_password, client_secret=demo.client_secret)
    p = DriftOverview(sess, workspace="housepricesaga", pipeline="housepricepipe")
    p.wait()
    assert p.error == "", p.error
    p.load_button.click()
    p.wait()
    assert p.error == "", p.error
    return p


def test_every_field_is_scored_and_drawn(panel):
    ov = panel.model.overview
    cols = panel.model.columns
    assert ov.keys == list(cols) and len(ov.keys) > 10  # every tensor index and the output
    assert any(k.startswith("out.") for k in ov.keys) and any(k.startswith("in.") for k in ov.keys)
    heat = panel.heatmap.data[0]
    assert heat.type == "heatmap" and np.shape(heat.z) == ov.score.shape
    assert len(heat.x) == len(ov.starts) and set(heat.y) == set(ov.labels)
    assert panel.message.startswith(f"{len(ov.keys)} fields × {len(ov.starts)} windows scored")
    assert len(panel.ranked.df) == len(ov.keys)
    top = panel.ranked.df.iloc[0]
    assert top["max_score"] == np.nanmax(ov.score) and top["alerts"] > 0  # the demo's drift episode
    assert set(panel.fields.value) == set(ov.ranked().query("alerts > 0")["field"])
    # the settings are relative to the data's own times: baseline = the first quarter of the logged span
    first, last = panel.model.time_range()
    assert pd.Timestamp(panel.baseline_start.value) == first
    assert ov.settings.baseline_end_ts == first + (last - first) * 0.25


def _click(widget, trace_index: int, ind, x, y) -> None:
    trace = widget.data[trace_index]
    pts = Points(point_inds=[ind], xs=[x], ys=[y], trace_name=trace.name, trace_index=trace_index)
    trace._dispatch_on_click(pts, InputDeviceState(ctrl=False, alt=False, shift=False, meta=False, button=0,
                                                   buttons=1))


def test_a_heatmap_cell_click_shows_that_fields_bins(panel):
    ov = panel.model.overview
    key = panel.ranked.df.iloc[0]["field"]
    w = int(np.nanargmax(ov.score[ov.index_of(key)]))
    x = str(ov.starts[w].tz_convert(None))  # the browser sends the category's x without a zone
    _click(panel.heatmap, 0, [0, w], x, field_label(key))
    assert panel.error == "" and panel.selected == (key, w)
    assert field_label(key) in panel.detail.value and "Alert" in panel.detail.value
    bars = panel.bins.data
    assert [t.name.split(" ")[0] for t in bars[:2]] == ["Baseline", "Window"]
    mine = ov.result(key, w)
    assert list(bars[1].y) == pytest.approx(mine["window_summary"]["aggregated_values"])
    assert len(panel.stats.df) == 6 and len(panel.contribution.data) >= 1
    alert = next(i for i, t in enumerate(panel.heatmap.data) if t.name == "Alert")
    f, win = panel.heatmap.data[alert].customdata[0]
    _click(panel.heatmap, alert, 0, None, None)
    assert panel.selected == (ov.keys[int(f)], int(win))


def test_v1_assays_of_the_selected_fields_score_as_the_overview(panel):
    ov = panel.model.overview
    key = panel.ranked.df.iloc[0]["field"]
    panel.fields.value = (key,)
    panel.prefix.value = "ovtest"
    panel.create_button.click()
    assert panel.error == "", panel.error
    made = panel.created
    assert len(made) == 1 and made[0]["name"] == f"ovtest-{key}"
    sess = panel.state.session
    stored = next(a for a in sess.assays.list(panel.state.pipeline["id"]) if a["name"] == f"ovtest-{key}")
    assert stored["window"]["path"] == field_label(key) and stored["window"]["width"] == ov.settings.width
    server = {pd.Timestamp(r["window_start"]): r for r in sess.assays.run_interactive(made[0]["config"])}
    i = ov.index_of(key)
    both = [w for w, s in enumerate(ov.starts) if s in server]
    assert len(both) >= 20
    for w in both:
        assert server[ov.starts[w]]["score"] == pytest.approx(ov.score[i, w], rel=1e-9, abs=1e-12)
        assert server[ov.starts[w]]["status"] == ov.status[i, w]


def test_v2_assays_score_as_the_overview(panel):
    panel.version.value = "V2"
    panel.score_button.click()
    assert panel.error == "", panel.error
    ov = panel.model.overview
    assert ov.settings.version == "V2"
    key = panel.ranked.df.iloc[0]["field"]
    cfg = panel.model.assay_configs([key], "ov2")[0]
    previews = panel.state.session.assays_v2.preview(cfg, ov.starts[0], ov.ends[-1])
    i = ov.index_of(key)
    by_start = {pd.Timestamp(s): w for w, s in enumerate(ov.starts)}
    checked = 0
    for p in previews:
        sd = p.scores.get(key)
        if not hasattr(sd, "score"):
            continue
        w = by_start[pd.Timestamp(p.window_start)]
        assert sd.score == pytest.approx(ov.score[i, w], rel=1e-9, abs=1e-12)
        checked += 1
    assert checked >= 20
    panel.fields.value = (key,)
    panel.prefix.value = "ov2"
    panel.create_button.click()
    assert panel.error == "" and panel.created[0]["version"] == 2
    assert any(a.name == f"ov2-{key}" for a in panel.state.session.assays_v2.list("All"))
    panel.version.value = "V1"
    panel.score_button.click()


def test_save_report_writes_one_html_without_secrets(panel, tmp_path, demo):
    panel.report_path.value = str(tmp_path / "sub" / "overview")
    panel.report_button.click()
    assert panel.error == "", panel.error
    out = tmp_path / "sub" / "overview.html"
    assert out.exists() and panel.last_report == out and "Saved report" in panel.message
    text = out.read_text()
    assert "<h1>Drift overview · housepricepipe</h1>" in text and "Drift overview: " in text
    assert text.count("Plotly.newPlot") >= 4  # timeline, flagged windows' bins, the heatmap
    token = panel.state.session.provider.access_token()
    assert len(token) > 20 and token not in text and token.split(".")[-1] not in text
    # the demo's password is the word "admin" (it is in plotly.js): only distinctive secrets can be looked for
    for secret in (demo.admin_password, demo.client_secret):
        assert len(secret) < 8 or secret not in text


def test_bad_settings_are_shown_inline(panel):
    panel.baseline_end.value = panel.baseline_start.value
    panel.score_button.click()
    assert "after" in panel.error and "Traceback" not in panel.error
    panel.baseline_end.value = "not a time"
    panel.score_button.click()
    assert "Baseline to" in panel.error
    panel.set_logs(panel.model.logs, pipeline=panel.state.pipeline)  # defaults again
    assert panel.error == ""


def test_the_console_has_an_overview_tab(demo_session):
    con = console(demo_session)
    assert "Overview" in list(con.tabs.titles)
    ov = con.panel("Overview")
    assert "select one in the Pipelines tab" in ov.pipeline_label.value
    ov.load_button.click()
    assert "Choose a pipeline first" in ov.error
    # selecting the demo workspace makes its pipeline known: the menu offers it, choosing it selects it
    assert con.panel("Workspaces").table.select_where("name", "housepricesaga")
    con.panel("Assays").wait()
    labels = [t for t, _v in ov.pipeline_menu.options]
    assert any(t.startswith("housepricepipe (id ") for t in labels), labels
    ov.pipeline_menu.value = next(v for t, v in ov.pipeline_menu.options if t.startswith("housepricepipe"))
    assert con.state.pipeline["name"] == "housepricepipe" and ov.pipeline_label.value == ""
    ov.load_button.click()
    assert ov.error == "" and ov.model.overview is not None and len(ov.model.overview.keys) == 19
