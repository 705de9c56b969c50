"""DataFrame conversion with the response shapes from the reference (docs/spec/mlops-api.md)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from wallaroo_widgets.api import frames
from wallaroo_widgets.api._base import ApiList

SUMMARY_B = {"count": 1001, "min": 1.5e-06, "max": 1.0, "mean": 0.0066, "median": 0.00054, "std": 0.0766,
             "edges": [1.5e-06, 0.00026, 0.00045, 0.00068, 0.00097, 1.0, None],
             "edge_names": ["left_outlier", "q_20", "q_40", "q_60", "q_80", "q_100", "right_outlier"],
             "aggregated_values": [0.0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.0], "aggregation": "Density",
             "start": None, "end": None}


def _result(i: int, start: str, end: str, score: float, status: str) -> dict:
    win = dict(SUMMARY_B, count=1000 + i, mean=0.1 * i, start=start, end=end)
    return {"id": i, "assay_id": 4, "window_start": start, "analyzed_at": "2024-07-29T19:50:07.144395Z",
            "elapsed_millis": 9, "pipeline_id": 1, "workspace_id": 6, "workspace_name": "ws",
            "baseline_summary": SUMMARY_B, "window_summary": win, "warning_threshold": None,
            "alert_threshold": 0.25, "score": score, "scores": [0.0] * 7, "bin_index": None,
            "summarizer": {"type": "UnivariateContinuous"}, "status": status,
            "created_at": "2024-07-29T19:50:07.156553Z"}


def test_results_one_row_per_window_sorted_with_window_end():
    rows = [_result(2, "2024-07-29T19:49:46.944191Z", "2024-07-29T19:50:46.944191Z", 0.3, "Alert"),
            _result(1, "2024-07-29T19:48:46.944191Z", "2024-07-29T19:49:46.944191Z", 1.995546e-05, "Ok")]
    df = frames.results_frame(rows)
    assert list(df["id"]) == [1, 2]
    assert str(df["window_start"].dt.tz) == "UTC"
    assert df.loc[0, "window_end"] == pd.Timestamp("2024-07-29T19:49:46.944191Z")
    assert df.loc[0, "window_end"] - df.loc[0, "window_start"] == pd.Timedelta(minutes=1)
    assert df["score"].tolist() == [1.995546e-05, 0.3]
    assert df["status"].tolist() == ["Ok", "Alert"]
    assert df["baseline_count"].tolist() == [1001, 1001] and df["window_count"].tolist() == [1001, 1002]
    assert math.isnan(df.loc[0, "warning_threshold"]) and df.loc[0, "alert_threshold"] == 0.25
    assert df.loc[1, "window_mean"] == pytest.approx(0.2)
    assert df.loc[0, "window_summary"]["edges"][-1] is None  # nested summaries kept for plotting
    assert df.loc[0, "scores"] == [0.0] * 7


def test_results_empty_has_columns():
    df = frames.results_frame([])
    assert df.empty and {"window_start", "window_end", "score", "status"} <= set(df.columns)


def test_assay_list_status_json_string_parsed():
    status = '{"run_at": "2024-07-29T18:55:14.728247311+00:00",  "num_ok": 3, "num_warnings": 1, "num_alerts": 2}'
    items = [{"id": 10, "name": "a", "active": True, "status": status, "warning_threshold": None,
              "alert_threshold": 0.25, "pipeline_id": 6, "pipeline_name": "p", "last_run": None,
              "next_run": "2024-01-09T19:10:00.429482+00:00", "run_until": None,
              "baseline": {"static": SUMMARY_B}, "window": {"width": "24 hours", "path": "output dense_1 0"},
              "summarizer": {"metric": "PSI", "num_bins": 5}},
             {"id": 9, "name": "b", "active": False, "status": "created", "alert_threshold": 0.25, "pipeline_id": 6}]
    df = frames.assays_frame(items)
    assert df.loc[0, "num_ok"] == 3 and df.loc[0, "num_warnings"] == 1 and df.loc[0, "num_alerts"] == 2
    assert df.loc[0, "run_at"] == pd.Timestamp("2024-07-29T18:55:14.728247311Z")
    assert df.loc[0, "status"] == "ran" and df.loc[1, "status"] == "created"
    assert pd.isna(df.loc[1, "num_ok"]) and pd.isna(df.loc[1, "run_at"])
    assert df.loc[0, "window.width"] == "24 hours" and df.loc[0, "baseline_type"] == "static"
    assert df.loc[0, "next_run"].tzinfo is not None
    assert frames.parse_assay_status(json.loads(status))["num_alerts"] == 2
    assert frames.parse_assay_status("{broken")["num_ok"] is None


def test_edges_null_and_infinity():
    assert frames.edges_to_float([0.5, 1, None]) == [0.5, 1.0, math.inf]
    assert frames.edges_to_float(["-INFINITY", 2.0, "INFINITY"]) == [-math.inf, 2.0, math.inf]


def test_users_frame_admin_without_email():
    users = [{"id": "u1", "username": "admin", "enabled": True, "createdTimestamp": 1677704179667},
             {"id": "u2", "username": "j@x.ai", "email": "j@x.ai", "enabled": False,
              "createdTimestamp": 1677704179000, "access": {"manage": True}}]
    df = frames.users_frame(users)
    assert list(df.columns[:5]) == ["id", "email", "username", "enabled", "created_at"]
    assert pd.isna(df.loc[0, "email"]) and df.loc[1, "email"] == "j@x.ai"
    assert df.loc[0, "created_at"] == pd.Timestamp("2023-03-01T20:56:19.667Z")
    assert bool(df.loc[1, "access.manage"]) is True


def test_workspaces_frame():
    df = frames.workspaces_frame([{"id": 13, "name": "w", "created_at": "2023-03-02T19:44:20.279346+00:00",
                                   "created_by": "uuid", "archived": False, "models": [16, 17], "pipelines": [25]}])
    assert df.loc[0, "num_models"] == 2 and df.loc[0, "num_pipelines"] == 1
    assert df.loc[0, "created_at"] == pd.Timestamp("2023-03-02T19:44:20.279346Z")


def test_logs_frame_flattens_inference_records():
    rec = {"time": 1704827280654, "in": {"dense_input": [1.0, 2.0]}, "out": {"dense_1": [0.99300325]},
           "check_failures": [], "metadata": {"last_model": '{"model_name":"m","model_sha":"bc"}',
                                              "elapsed": [5039007, 602225], "partition": "engine-x"}}
    df = ApiList([rec, rec], frame=frames.logs_frame).df
    assert {"time", "in.dense_input", "out.dense_1", "metadata.last_model", "metadata.partition"} <= set(df.columns)
    assert df.loc[0, "time"] == pd.Timestamp("2024-01-09T19:08:00.654Z")
    assert df.loc[1, "out.dense_1"] == [0.99300325]
    flat = {"time": 1704827224734, "in.dense_input": [1.0], "out.dense_1": [0.5], "anomaly.count": 0}
    assert frames.logs_frame([flat]).loc[0, "out.dense_1"] == [0.5]


def test_models_frame_both_shapes():
    flat = [{"id": 17, "name": "m", "owner_id": '""', "created_at": "2024-01-01T00:00:00Z", "updated_at": None}]
    newer = [{"id": 3, "name": "n", "owner_id": "o", "workspace_id": 7, "created_at": "2024-01-01T00:00:00Z",
              "updated_at": "2024-01-02T00:00:00Z", "model_versions": [{}, {}], "workspace": {"id": 7, "name": "w"}}]
    assert frames.models_frame(flat).loc[0, "name"] == "m"
    df = frames.models_frame(newer)
    assert df.loc[0, "num_versions"] == 2 and df.loc[0, "workspace_name"] == "w"
    assert df.loc[0, "updated_at"] == pd.Timestamp("2024-01-02", tz="UTC")


def test_to_utc_nine_digit_fraction_and_garbage():
    s = frames.to_utc(["2024-07-29T19:54:43.286044715Z", "2024-01-09T19:10:00.429482+00:00", None, "nope"])
    assert s[0].nanosecond == 715 and s[1].microsecond == 429482
    assert pd.isna(s[2]) and pd.isna(s[3])


def test_model_fields_that_look_like_times_are_left_alone():
    rec = {"time": 1704827280654, "created_at": "2024-01-09T19:08:00Z",
           "in": {"start": [1.5, 2.5], "end_at": 7, "created_at": "not a time"},
           "out": {"start_at": [0.25], "last_run": 3}, "anomaly": {"end": 2},
           "metadata": {"start": 12, "elapsed": [1, 2]}}
    flat = {"time": 1704827224734, "in.start_at": 1e15, "out.end": [0.5], "anomaly.start": 1}
    for df in (frames.logs_frame([rec]), ApiList([rec]).df):
        assert df.loc[0, "time"] == pd.Timestamp("2024-01-09T19:08:00.654Z")
        assert df.loc[0, "created_at"] == pd.Timestamp("2024-01-09T19:08:00Z")  # top-level times still convert
        assert df.loc[0, "in.start"] == [1.5, 2.5] and df.loc[0, "in.end_at"] == 7
        assert df.loc[0, "in.created_at"] == "not a time" and df.loc[0, "out.start_at"] == [0.25]
        assert df.loc[0, "out.last_run"] == 3 and df.loc[0, "anomaly.end"] == 2 and df.loc[0, "metadata.start"] == 12
    df = frames.logs_frame([flat])
    assert df.loc[0, "in.start_at"] == 1e15 and df.loc[0, "anomaly.start"] == 1
    assert str(df["time"].dt.tz) == "UTC"


def test_to_utc_mixed_column_with_out_of_range_numbers_is_nat():
    s = frames.to_utc(pd.Series([1704827280654, "2024-01-09T19:08:00Z", 1e300, 10**20, True], dtype=object))
    assert s[0] == pd.Timestamp("2024-01-09T19:08:00.654Z") and s[1] == pd.Timestamp("2024-01-09T19:08:00Z")
    assert s[2:].isna().all() and str(s.dtype) == "datetime64[ns, UTC]"
    assert frames.to_utc([1e300, 5.0]).isna().tolist() == [True, False]
