"""V1 config → V2 (the SDK's mapping) and the SDK-like results DataFrame."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import drift
from wallaroo_widgets.drift import v2

from .v2_examples import ASSAY, PREVIEW_BODY, RESULT

T0 = pd.Timestamp("2025-07-15T20:06:58.424304Z")


def v1_config(**over) -> dict:
    base = {"vector": [718445.6, 276709.06, None, 342604.4]}
    cfg = {"name": "house price assay", "pipeline_id": 40, "pipeline_name": "houseprice-pipe", "workspace_id": 12,
           "workspace_name": "ws", "active": True, "status": "created", "baseline": {"calculated": base},
           "window": {"path": "output variable 0", "width": "1 minute", "start": T0.isoformat(),
                      "model_name": None, "locations": ["houseprice-edge-demonstration-01"], "workspace_id": 12},
           "summarizer": {"type": "UnivariateContinuous", "bin_mode": "Quantile", "num_bins": 5,
                          "aggregation": "Density", "metric": "PSI", "bin_weights": None},
           "alert_threshold": 0.25, "warning_threshold": None, "run_until": "2025-07-15T20:10:00+00:00"}
    cfg.update(over)
    return cfg


def test_v1_config_becomes_the_sdk_preview_and_schedule_bodies() -> None:
    cfg = v2.convert_v1_config(v1_config())
    body = cfg.preview_api()
    for key in ("preview_end", "preview_start", "scheduling", "summarizer", "targeting", "window"):
        assert body[key] == PREVIEW_BODY[key], key
    assert body["baseline"] == {"Vector": [718445.6, 276709.06, None, 342604.4]}
    sched = cfg.to_api()
    assert sched["name"] == "house price assay" and sched["scheduling"]["end"] == "2025-07-15T20:10:00+00:00"
    assert cfg.targeting.keys == ["out.variable.0"] and cfg.targeting.iopath[0].thresholds == v2.Thresholds(None, 0.25)


def test_v1_knobs_map_to_v2() -> None:
    cfg = v2.convert_v1_config(v1_config(
        summarizer={"bin_mode": "Provided", "num_bins": 3, "provided_edges": [3.0, 1.0, 2.0], "metric": "MaxDiff",
                    "aggregation": "Cumulative"},
        window={"path": "input tensor", "width": "24 hours", "interval": "12 hours", "locations": []},
        baseline={"calculated": {"fixed_window": {"start": "2025-07-14T00:00:00+00:00", "width": "2 hours"}}},
        warning_threshold=0.1, alert_threshold=0.5, run_until=None), now=T0.to_pydatetime())
    assert cfg.summarizer == v2.UnivariateContinuous(v2.BinMode.provided([1.0, 2.0, 3.0]), "Cumulative", "MaxDiff")
    assert cfg.window.width_seconds == 86400 and (cfg.scheduling.quantity, cfg.scheduling.unit) == (12, "Hour")
    assert cfg.scheduling.first_run == T0.to_pydatetime() and cfg.scheduling.end is None
    assert cfg.targeting.iopath[0].key == "in.tensor" and cfg.targeting.data_origin.locations is None
    assert cfg.baseline.to_api() == {"Static": ["2025-07-14T00:00:00+00:00", "2025-07-14T02:00:00+00:00"]}
    with pytest.raises(ValueError, match="Previews require an end time"):
        cfg.preview_api()
    with pytest.raises(ValueError, match="whole number of minutes"):
        v2.convert_v1_config(v1_config(window={"path": "output variable 0", "width": "90 s"}))


def test_converted_v1_summary_scores_like_v1() -> None:
    """A V1 static Summary wrapped as V2 keeps its 7-bin layout: V2 scoring equals V1 scoring."""
    rng = np.random.default_rng(1)
    base_vals, win_vals = rng.normal(0, 1, 400), rng.normal(0.3, 1, 300)
    s1 = drift.Summarizer(num_bins=5)
    b1 = drift.summarize(base_vals, s1)
    v1_score = drift.score(b1, drift.summarize_window(win_vals, b1, s1), s1)
    cfg = v2.convert_v1_config(v1_config(baseline={"static": b1}))
    base = cfg.baseline.summaries["out.variable.0"]
    assert base.bins.edges[-1] == math.inf and base.labels[0] == "left_outlier" and len(base.aggregated_values) == 7
    sd = v2.score(base, v2.summarize_window(win_vals, base), cfg.summarizer)
    assert sd.score == v1_score["score"] and list(sd.scores) == v1_score["scores"]


def test_results_frame_like_the_sdk() -> None:
    assay = v2.AssayV2.from_api(ASSAY)
    failed = {**RESULT, "id": 2, "scores": {"out.Model_Confidence_Level": "boom"}, "summaries": {}}
    df = v2.results_frame([RESULT, failed], assay.targeting, assay_name=assay.name)
    assert list(df.columns[:18]) == ["id", "assay_id", "assay_name", "iopath", "pipeline_id", "pipeline_name",
                                     "workspace_id", "workspace_name", "score", "start", "min", "max", "mean",
                                     "median", "std", "warning_threshold", "alert_threshold", "status"]
    [row] = df.to_dict("records")
    assert row["score"] == 4.1648763041561505 and row["status"] == "Alert" and row["start"] == "2025-03-19T16:43:00Z"
    assert row["iopath"] == "out.Model_Confidence_Level" and row["pipeline_name"] == "rum-assay-nan-jcw"
    assert row["scores_0"] == 1.2875503299472804 and row["count"] == 256 and row["alert_threshold"] == 0.1
    both = v2.results_frame([RESULT, failed], assay.targeting, include_failures=True)
    assert len(both) == 2 and both["error"].iloc[1] == "boom" and np.isnan(both["score"].iloc[1])
    # status follows each iopath's own thresholds, not the stored status
    lenient = v2.Targeting(assay.targeting.data_origin, (v2.DataPath("out.Model_Confidence_Level", None,
                                                                        v2.Thresholds(None, 5.0)),))
    assert v2.results_frame([RESULT], lenient)["status"].tolist() == ["Ok"]
