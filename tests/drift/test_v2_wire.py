"""V2 typed objects: ``from_api`` / ``to_api`` round trips on the reference's literal JSON, and field errors."""

from __future__ import annotations

import copy
import json
import math
import uuid

import pytest

from wallaroo_widgets.drift import v2

from .v2_examples import ASSAY, PREVIEW_BODY, RESULT, SCHEDULE_SCHEDULING, STATIC_BASELINE


def test_assay_round_trip() -> None:
    assay = v2.AssayV2.from_api(ASSAY)
    assert assay.to_api() == ASSAY
    assert assay.id == uuid.UUID(ASSAY["id"]) and assay.active is True
    assert assay.scheduling.first_run.utcoffset().total_seconds() == -6 * 3600  # echoed with its offset
    assert assay.scheduling.frequency.total_seconds() == 60 and assay.window.width_seconds == 60
    [path] = assay.targeting.iopath
    assert path.key == "out.Model_Confidence_Level" and path.thresholds == v2.Thresholds(0.1, 0.1)
    summary = assay.baseline.summaries["out.Model_Confidence_Level"]
    assert summary.bins.edges[-1] == math.inf and summary.start is None
    json.dumps(assay.to_api())  # plain JSON


def test_result_round_trip() -> None:
    res = v2.AssayResultV2.from_api(RESULT)
    assert res.to_api() == RESULT
    assert isinstance(res.scores["out.Model_Confidence_Level"], v2.ScoreData) and res.status == "Alert"


def test_preview_body_pieces_round_trip() -> None:
    assert v2.baseline_from_api(PREVIEW_BODY["baseline"]).to_api() == PREVIEW_BODY["baseline"]
    assert v2.Scheduling.from_api(PREVIEW_BODY["scheduling"]).to_api(with_end=False) == PREVIEW_BODY["scheduling"]
    assert v2.Scheduling.from_api(SCHEDULE_SCHEDULING).to_api() == SCHEDULE_SCHEDULING
    assert v2.UnivariateContinuous.from_api(PREVIEW_BODY["summarizer"]).to_api() == PREVIEW_BODY["summarizer"]
    targeting = v2.Targeting.from_api(PREVIEW_BODY["targeting"])
    assert targeting.to_api() == PREVIEW_BODY["targeting"] and targeting.keys == ["out.variable.0"]
    assert v2.RollingWindow.from_api(PREVIEW_BODY["window"]).to_api() == PREVIEW_BODY["window"]
    assert v2.baseline_from_api(STATIC_BASELINE).to_api() == STATIC_BASELINE


def test_other_unions_round_trip() -> None:
    for mode in ("None", {"Equal": 7}, {"Quantile": 3}, {"QuantileWithExplicitOutliers": 4}, {"Provided": [1.0, 2.5]}):
        assert v2.BinMode.from_api(mode).to_api() == mode
    vector = {"Vector": [1.0, None, 3.5]}
    assert v2.baseline_from_api(vector).to_api() == vector
    rolling = {"Rolling": {"start": "2025-07-15T20:04:47+00:00", "width": {"seconds": 3600}}}
    assert v2.baseline_from_api(rolling).to_api() == rolling
    cron = {"first_run": "2025-07-15T20:04:47+00:00", "run_frequency": {"Cron": "0 * * * *"}, "end": None}
    assert v2.Scheduling.from_api(cron).to_api() == cron
    failed = {"out.variable.0": "no data", "in.tensor.3": {"score": 1.0, "scores": [0.5, 0.5], "bin_index": 1}}
    assert v2.scores_from_api(failed)["out.variable.0"] == "no data"


def test_preview_result_shape() -> None:
    summary = v2.SeriesSummary.from_api(RESULT["summaries"]["out.Model_Confidence_Level"])
    sd = v2.ScoreData.from_api(RESULT["scores"]["out.Model_Confidence_Level"])
    prev = v2.PreviewResult(0, uuid.uuid4(), summary.end, summary.end, 77, 40, 12, "ws",
                            {"out.Model_Confidence_Level": sd}, {"out.Model_Confidence_Level": summary})
    out = prev.to_api()
    assert "window_start" not in out and out["id"] == 0
    minimal = out["summaries"]["out.Model_Confidence_Level"]
    assert "name" not in minimal and "aggregation" not in minimal and minimal["start"] == "2025-03-19T16:43:00Z"
    assert v2.PreviewResult.from_api(out).to_api() == out
    assert prev.window_start == summary.start


def test_numbers_are_written_as_floats() -> None:
    th = v2.Thresholds.from_api({"warning": 0, "alert": 1})
    assert th.to_api() == {"warning": 0.0, "alert": 1.0} and isinstance(th.to_api()["alert"], float)
    sd = v2.ScoreData.from_api({"score": 0, "scores": [0, 1]})
    assert isinstance(sd.to_api()["score"], float) and sd.to_api()["bin_index"] is None
    assert v2.Thresholds.from_api(None).to_api() == {"warning": None, "alert": None}  # both keys always


@pytest.mark.parametrize(("path", "value", "field"), [
    (("summarizer", "UnivariateContinuous", "metric"), "KL", "assay.summarizer.UnivariateContinuous.metric"),
    (("summarizer", "UnivariateContinuous", "bin_mode"), {"Quantile": 0}, "assay.summarizer.UnivariateContinuous.bin_mode.Quantile"),
    (("scheduling", "run_frequency"), {"SimpleRunFrequency": {"quantity": 1, "unit": "Month"}},
     "assay.scheduling.run_frequency.SimpleRunFrequency.unit"),
    (("window", "width", "seconds"), 0, "assay.window.width.seconds"),
    (("targeting", "iopath", 0, "thresholds", "alert"), "high", "assay.targeting.iopath[0].thresholds.alert"),
    (("baseline",), {"Summary": {"k": {"aggregated_values": [1.0]}}}, "assay.baseline.Summary.k.bins"),
    (("id",), "not-a-uuid", "assay.id"),
    (("scheduling", "first_run"), "yesterday", "assay.scheduling.first_run"),
])
def test_bad_fields_are_named(path, value, field) -> None:
    data = copy.deepcopy(ASSAY)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(v2.WireError) as err:
        v2.AssayV2.from_api(data)
    assert err.value.field == field and str(err.value).startswith(field)


def test_edges_must_be_sorted_and_finite() -> None:
    bins = RESULT["summaries"]["out.Model_Confidence_Level"]["bins"]
    with pytest.raises(v2.WireError, match="sorted"):
        v2.Bins.from_api({**bins, "edges": [2.0, 1.0, "INFINITY"]})
    with pytest.raises(v2.WireError, match="INFINITY"):
        v2.Bins.from_api({**bins, "edges": [1.0, "x"]})
