"""Assay builder without a server: local re-scoring over logs, in-place figure updates, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift
from wallaroo_widgets.panels.builder import AssayBuilder
from wallaroo_widgets.panels.builder_model import AssayBuilderModel, column_values, widen_float32
from wallaroo_widgets.panels.figures import trace_ids

from .helpers import T0, synthetic_logs


def expected(logs: pd.DataFrame, **cfg) -> list[dict]:
    """The same computation done directly with the drift engine."""
    times, vals = column_values(logs, "output variable 0")
    summ = drift.Summarizer.from_dict({"type": "UnivariateContinuous", "bin_mode": cfg.get("bin_mode", "Quantile"),
                                       "num_bins": cfg.get("num_bins", 5), "aggregation": "Density",
                                       "metric": cfg.get("metric", "PSI"), "bin_weights": None,
                                       "provided_edges": None})
    b0, b1 = cfg["baseline"]
    sel = (times >= b0.value // 10**6) & (times < b1.value // 10**6)
    base = drift.summarize(vals[sel], summ, start=b0.to_pydatetime(), end=b1.to_pydatetime())
    return drift.score_windows(times, vals, base, summ, start=b1.to_pydatetime(), width=cfg.get("width", "24 hours"),
                               interval=cfg.get("interval"), warning_threshold=cfg.get("warning"),
                               alert_threshold=cfg.get("alert", 0.25))


def timeline_statuses(fig) -> list[str]:
    """Status of each window from the per-status marker traces (customdata[0] = window index)."""
    out: dict[int, str] = {}
    for trace in fig.data[1:]:
        for cd in trace.customdata or ():
            out[int(cd[0])] = trace.name
    return [out[i] for i in sorted(out)]


def test_float32_logs_are_widened_like_the_server_does():
    vals = np.array([0.99300325, 1.5199184e-06, 1.0])
    assert widen_float32(vals).tolist() == np.array(vals, dtype=np.float32).astype(np.float64).tolist()
    inputs = np.array([-1.0603297501, 2.3544967095])  # float64 inputs stay as sent
    assert widen_float32(inputs) is inputs


def test_builder_scores_match_drift_score_windows(builder):
    assert builder.error == "" and builder.iopath.value == "output variable 0"
    assert builder.iopath.options == ("output variable 0", "input tensor 0", "input tensor 1")
    want = expected(builder.model.logs, baseline=(T0, T0 + pd.Timedelta(hours=24)), width="6 hours")
    assert len(want) == 8  # 48 h after the baseline in 6 h windows
    trace = builder.timeline.data[0]
    np.testing.assert_array_equal(np.array(trace.y, dtype=float), [r["score"] for r in want])
    assert timeline_statuses(builder.timeline) == [r["status"] for r in want]
    assert want[-1]["status"] == "Alert" and want[0]["status"] == "Ok"  # the drift after 48 h is caught


def test_changing_bins_restyles_the_same_traces(builder):
    ids_timeline, ids_bins = trace_ids(builder.timeline), trace_ids(builder.bins)
    before = list(builder.timeline.data[0].y)
    builder.num_bins.value = 8
    assert builder.error == ""
    assert trace_ids(builder.timeline) == ids_timeline and trace_ids(builder.bins) == ids_bins
    want = expected(builder.model.logs, baseline=(T0, T0 + pd.Timedelta(hours=24)), width="6 hours", num_bins=8)
    assert list(builder.timeline.data[0].y) == [r["score"] for r in want] != before
    assert len(builder.bins.data[0].y) == 10  # 8 bins + 2 outlier bins
    builder.window_index.value = 3
    assert list(builder.bins.data[1].y) == want[3]["window_summary"]["aggregated_values"]
    builder.metric.value = "MaxDiff"
    want = expected(builder.model.logs, baseline=(T0, T0 + pd.Timedelta(hours=24)), width="6 hours", num_bins=8,
                    metric="MaxDiff")
    assert list(builder.timeline.data[0].y) == [r["score"] for r in want]


def test_threshold_changes_rescore_without_recomputing_the_baseline(builder):
    computed = dict(builder.model.stats)
    builder.warning_threshold.value = "0.05"
    builder.alert_threshold.value = "0.5"
    assert builder.model.stats["baseline_computed"] == computed["baseline_computed"]
    assert builder.model.stats["results_computed"] == computed["results_computed"] + 2
    shapes = [s.y0 for s in builder.timeline.layout.shapes]
    assert sorted(set(shapes)) == [0.05, 0.5]  # band + line per threshold
    builder.window_index.value = 1  # selecting a window re-uses the cached results
    assert builder.model.stats["results_computed"] == computed["results_computed"] + 2


@pytest.mark.parametrize(("widget", "value", "message"), [
    ("alert_threshold", "high", "Alert threshold must be a number"),
    ("weights", "1, 2", "Weights need 7 values"),
    ("width", "6 parsecs", "is not a duration"),
    ("baseline_end", "2024-02-01T00:00:00Z", "Baseline end must be after its start"),
])
def test_bad_inputs_show_inline_and_keep_the_last_figure(builder, widget, value, message):
    before = list(builder.timeline.data[0].y)
    getattr(builder, widget).value = value
    assert message in builder.error and "Traceback" not in builder.status.value
    assert list(builder.timeline.data[0].y) == before


def test_create_body_is_exactly_the_previewed_configuration(builder):
    builder.name.value = "my-assay"
    builder.warning_threshold.value = "0.1"
    builder.apply_widgets()
    body = builder.model.assay_config()
    assert body["baseline"] == {"static": builder.model.baseline()}
    assert body["summarizer"]["num_bins"] == 5 and body["window"]["width"] == "6 hours"
    assert body["window"]["path"] == "output variable 0" and body["window"]["start"].startswith("2024-03-02T00:00")
    assert (body["warning_threshold"], body["alert_threshold"]) == (0.1, 0.25)
    local = builder.model.results()
    assert local[0]["baseline_summary"] == body["baseline"]["static"]


def test_compare_flags_differences():
    model = AssayBuilderModel(synthetic_logs(hours=30), pipeline={"id": 1, "name": "p"})
    model.config.baseline_start, model.config.baseline_end = T0, T0 + pd.Timedelta(hours=6)
    model.config.width = "6 hours"
    local = model.results()
    server = [dict(r) for r in local]
    server[1]["score"] += 0.5
    server[1]["status"] = "Alert"
    diff = model.compare(server)
    assert diff["match"].tolist() == [True, False, True, True][: len(local)]
    assert diff["diff"].iloc[1] == pytest.approx(0.5)


def test_engine_warnings_are_shown_as_an_amber_warning(builder):
    builder.num_bins.value = 30
    assert builder.error == "" and "bins" in builder.warning.lower()
    assert 'class="ww-warning"' in builder.status.value and "#9888;" in builder.status.value  # not a green success
    assert len(builder.bins.data[0].y) == 32
    builder.num_bins.value = 7  # back in range: the warning goes
    assert builder.warning == "" and "ww-warning" not in builder.status.value


def test_clicking_a_timeline_point_selects_that_window(builder):
    alert_trace = next(t for t in builder.timeline.data if t.name == "Alert")
    index = int(alert_trace.customdata[0][0])
    from plotly.callbacks import Points

    alert_trace._dispatch_on_click(Points(point_inds=[0], xs=[], ys=[], trace_name="Alert", trace_index=3), None)
    assert builder.window_index.value == index
    assert list(builder.bins.data[1].y) == builder.model.last("results")[index]["window_summary"]["aggregated_values"]
    assert builder.baseline_fig.data[0].type == "histogram"  # the baseline preview


def selected_windows(fig) -> list[int]:
    """Window indexes the timeline shows as selected (Plotly's selectedpoints on the marker traces)."""
    return sorted(int(t.customdata[k][0]) for t in fig.data[1:] if t.selectedpoints is not None
                  for k in t.selectedpoints)


def test_the_chosen_window_is_the_highlighted_timeline_point(builder):
    builder.window_index.value = 2  # chosen by number, not by a click: the timeline follows
    assert selected_windows(builder.timeline) == [2]
    assert all(t.selectedpoints is not None for t in builder.timeline.data[1:] if t.customdata)  # others dimmed
    builder.num_bins.value = 8  # a re-score keeps the chosen window highlighted
    assert selected_windows(builder.timeline) == [2]


def test_vector_baseline(builder):
    vector = np.random.default_rng(5).normal(1.0, 0.3, 500).round(6).tolist()
    builder.baseline_kind.value = "vector"
    builder.baseline_vector.value = ", ".join(map(str, vector))
    assert builder.error == "", builder.error
    base = builder.model.baseline()
    assert base["count"] == 500 and base["start"] is None
    assert base == drift.summarize(np.array(vector), builder.model.summarizer())
    first = builder.model.results()[0]
    assert pd.Timestamp(first["window_start"]) == pd.Timestamp(builder.model.time_range()[0])  # starts at the logs
    builder.baseline_vector.value = "1, 2, x"
    assert builder.error == "Baseline vector entry must be a number, got 'x'"


def test_pipeline_dropdown_offers_known_pipelines_and_follows_the_selection():
    b = AssayBuilder()
    assert b.pipeline.options == () and b.pipeline.value is None
    b.state.remember_pipeline({"id": 7, "name": "housepricepipe", "workspace_id": 4})  # e.g. learnt from assays/list
    assert b.pipeline.value == 7  # not a blank dropdown
    b.state.remember_pipeline({"id": 9, "name": "other", "workspace_id": 4})
    assert b.pipeline.value == 7 and [o[1] for o in b.pipeline.options] == [7, 9]
    b.state.pipeline = {"id": 9, "name": "other", "workspace_id": 4}  # selected in the Pipelines tab
    assert b.pipeline.value == 9


def test_run_until_in_the_future_scores_only_closed_windows():
    """Windows end by min(run_until, now), as the server's run_interactive scores them."""
    now = pd.Timestamp.now(tz="UTC").floor("h")
    logs = synthetic_logs(hours=48)
    logs["time"] = logs["time"] - logs["time"].min() + (now - pd.Timedelta(hours=47, minutes=30))
    b = AssayBuilder()
    b.set_logs(logs, pipeline={"id": 1, "name": "p", "workspace_id": 1})
    start = logs["time"].min().floor("h")
    b.baseline_start.value = start.isoformat()
    b.baseline_end.value = (start + pd.Timedelta(hours=12)).isoformat()
    b.width.value = "6 hours"
    b.run_until.value = (now + pd.Timedelta(days=2)).isoformat()
    assert b.error == "", b.error
    ends = [pd.Timestamp(r["window_summary"]["end"]) for r in b.model.results()]
    assert ends and max(ends) <= pd.Timestamp.now(tz="UTC")
    assert len(ends) == (now - (start + pd.Timedelta(hours=12))) // pd.Timedelta(hours=6)


def test_text_fields_commit_once_not_per_keystroke(builder):
    texts = [w for w in vars(builder).values() if type(w).__name__ in ("Text", "Textarea")]
    assert len(texts) >= 13 and all(w.continuous_update is False for w in texts)
    before = builder.model.stats["results_computed"]
    builder.baseline_end.value = (T0 + pd.Timedelta(hours=12)).isoformat()  # what Enter / blur commits
    assert builder.error == "" and builder.model.stats["results_computed"] == before + 1


@pytest.mark.parametrize(("widget", "value", "message"), [
    ("baseline_start", "garbage", "Baseline from 'garbage' is not a date/time"),
    ("baseline_end", "garbage", "Baseline to 'garbage' is not a date/time"),
    ("window_start", "garbage", "Window start 'garbage' is not a date/time"),
    ("run_until", "soon", "Run until 'soon' is not a date/time"),
])
def test_bad_dates_name_the_field(builder, widget, value, message):
    getattr(builder, widget).value = value
    assert builder.error == message
    assert "DateParseError" not in builder.status.value and "Error:" not in builder.error


def test_provided_edges_errors_name_the_edges_field(builder):
    builder.bin_mode.value = "Provided"
    assert builder.error == "Edges: bin mode Provided needs 5 or 6 values (Bins or Bins + 1), got 0 (type them in " \
                            "the Edges field)"
    builder.provided_edges.value = "0.5, 1, 1.5"
    assert builder.error == "Edges: bin mode Provided needs 5 or 6 values (Bins or Bins + 1), got 3"
    builder.provided_edges.value = "0.5, 0.8, 1, 1.2, 1.5"
    assert builder.error == "" and builder.model.summarizer_dict()["provided_edges"] == [0.5, 0.8, 1, 1.2, 1.5]
    builder.weights.value = ", ".join(["1"] * 7)
    builder.aggregation.value = "Edges"  # an engine ValueError, shown with the builder's field names
    assert builder.error.startswith("Weights cannot be used with aggregation 'Edges'")
    assert "bin_weights" not in builder.error and "ValueError" not in builder.error


def test_picking_another_pipeline_blocks_create_until_logs_are_reloaded():
    b = AssayBuilder()
    b.state.remember_pipeline({"id": 1, "name": "p", "workspace_id": 1})
    b.state.remember_pipeline({"id": 2, "name": "other", "workspace_id": 1})
    b.set_logs(synthetic_logs(), pipeline={"id": 1, "name": "p", "workspace_id": 1})
    b.baseline_start.value, b.baseline_end.value = T0.isoformat(), (T0 + pd.Timedelta(hours=24)).isoformat()
    b.name.value = "a"
    assert b.notice.value == "" and not b.create_button.disabled and not b.preview_button.disabled
    b.pipeline.value = 2
    assert b.create_button.disabled and b.preview_button.disabled
    assert "Pipeline changed to other (id 2)" in b.notice.value and "Load logs" in b.notice.value
    b.num_bins.value = 7  # the next re-score keeps the notice (it is not the status message)
    assert b.error == "" and "Pipeline changed" in b.notice.value and b.create_button.disabled
    b.busy = True  # an action ending re-enables buttons: not these
    b.busy = False
    assert b.create_button.disabled and b.preview_button.disabled
    b.create()  # called from Python anyway: refused before any request
    assert b.error.startswith("Pipeline changed to other") and b.created is None
    b.pipeline.value = 1  # back to the loaded pipeline
    assert b.notice.value == "" and not b.create_button.disabled
    b.model_name.value = "m2"  # a model filter other than the loaded logs'
    assert "Model changed to m2" in b.notice.value and b.create_button.disabled
    b.model_name.value = ""
    assert b.notice.value == "" and not b.preview_button.disabled


def test_date_fields_are_wide_enough_for_a_full_iso_timestamp(builder):
    stamp = "2026-11-08T00:00:00+00:00"
    for w in (builder.baseline_start, builder.baseline_end, builder.window_start, builder.logs_start,
              builder.logs_end, builder.run_until):
        total, label = float(w.layout.width.rstrip("em")), float(w.style.description_width.rstrip("em"))
        assert total - label >= len(stamp) * 0.6 + 6, w.description  # ~0.6em a character, plus padding
    assert builder.width.layout.width == "22em"  # the short fields stay compact
