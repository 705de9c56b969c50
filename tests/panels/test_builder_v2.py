"""The assay builder targeting Assays V2 against the real sandbox: V2 bins and labels re-scored locally,
Preview on server (V2 ``preview``) equal to the local scores window by window, Create (V2 ``schedule``) of
exactly the previewed configuration; switching the one V1/V2 control back gives V1 again."""

from __future__ import annotations

import uuid

import pandas as pd

from wallaroo_widgets.panels import AssayBuilder, ConsoleState

from .helpers import T0, create_on_server, preview_on_server
from .test_builder_sandbox import _pipeline_record, logged_pipeline  # noqa: F401  (module fixture)


def test_builder_v2_previews_on_server_and_schedules(session, logged_pipeline):  # noqa: F811
    state = ConsoleState(session=session)
    rec = state.remember_pipeline(_pipeline_record(session, logged_pipeline))
    state.pipeline = rec
    builder = AssayBuilder(state=state)
    assert builder.target.value == "V1"  # the sandbox answers V1: V1 stays the default
    builder.load_button.click()
    assert builder.error == "", builder.error
    builder.baseline_start.value = T0.isoformat()
    builder.baseline_end.value = (T0 + pd.Timedelta(hours=24)).isoformat()
    builder.width.value = "6 hours"
    builder.warning_threshold.value = "0.1"
    v1_bins = len(builder.model.baseline()["aggregated_values"])
    builder.target.value = "V2"
    assert builder.error == "", builder.error
    base = builder.model.baseline()
    assert len(base["aggregated_values"]) == 5 == v1_bins - 2  # V2 Quantile 5: five bins, no outlier bins
    assert base["labels"] == ["< 20%", "20% - 40%", "40% - 60%", "60% - 80%", "> 80%"]
    local = builder.model.results()
    assert local and {r["status"] for r in local} <= {"Ok", "Warning", "Alert"}

    previewed = preview_on_server(builder, session, "/v2/api/assays/preview", local)

    posted = create_on_server(builder, session, "/v2/api/assays/schedule", f"v2-built-{uuid.uuid4().hex[:6]}")
    for k in ("baseline", "summarizer", "targeting", "window"):
        assert posted[k] == previewed[k], k  # exactly the previewed configuration
    stored = session.assays_v2.get(builder.created["assay_id"])
    assert stored.name == builder.name.value and stored.targeting.keys == ["out.variable.0"]
    assert list(stored.baseline.summaries["out.variable.0"].aggregated_values) == base["aggregated_values"]

    builder.target.value = "V1"
    assert len(builder.model.baseline()["aggregated_values"]) == v1_bins and builder.error == ""
