"""Assay config parsing, float32 artefact and the scheduler's run_assay on a real SQLite file.

Logs come from a plain numpy LogSource here; the HTTP tests (test_assays_http.py) use the server's store.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from wallaroo_widgets.drift.types import AssayResult
from wallaroo_widgets.sandbox import assay_config as ac
from wallaroo_widgets.sandbox import assay_store as st
from wallaroo_widgets.sandbox import onnx_models
from wallaroo_widgets.sandbox.scheduler import run_assay, run_status

DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials"
SUMM = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
        "num_bins": 5, "bin_weights": None, "provided_edges": None}
T0 = pd.Timestamp("2024-07-29T19:48:46.944191Z")


def numpy_logs(times: np.ndarray, values: np.ndarray):
    def source(pipeline, model, direction, field, index, start_ms, end_ms):
        mask = np.ones(times.size, bool)
        if start_ms is not None:
            mask &= times >= start_ms
        if end_ms is not None:
            mask &= times < end_ms
        return times[mask], values[mask]
    return source


@pytest.fixture(scope="module")
def cc_outputs() -> np.ndarray:
    rows = json.loads((DATA / "ccfraud" / "cc_data_api_1k.df.json").read_text())
    x = np.array([r["dense_input"] for r in rows], dtype=np.float32)
    sess = ort.InferenceSession(onnx_models.ccfraud_onnx(), providers=["CPUExecutionProvider"])
    return sess.run(None, {"dense_input": x})[0][:, 0]


def _window(**kw) -> dict:
    return {"pipeline_name": "p", "model_name": "m", "path": "output dense_1 0", "width": "1 minute",
            "start": T0.isoformat(), "workspace_id": 1, **kw}


def test_float32_artefact_vector_vs_fixed_window(cc_outputs) -> None:
    """assay-math §8: a vector baseline of float32 shortest decimals scores the widened window > 0; fixed_window 0."""
    times = np.full(cc_outputs.size, ac.to_ms(T0) + 1000, dtype=np.int64)
    logs = numpy_logs(times, cc_outputs.astype(np.float64))
    summ = ac.parse_summarizer(SUMM)
    w = ac.Window.parse(_window())
    vec = [float(str(v)) for v in cc_outputs]  # what a client gets back in JSON
    scores = {}
    for kind, raw in [("vector", {"vector": vec}),
                      ("fixed", {"calculated": {"fixed_window": _window()}})]:
        base = ac.summarize(ac.Baseline.parse(raw, window=w), summ, logs)
        res = ac.score_range(w, base, summ, logs, start=T0, until=T0 + pd.Timedelta(minutes=5), warning=None,
                             alert=0.25)
        assert len(res) == 1 and res[0].window_summary.count == 1001
        scores[kind] = res[0].to_api()
    assert scores["fixed"]["score"] == 0.0
    v = scores["vector"]
    assert 0 < v["score"] < 1e-4 and v["status"] == "Ok"
    # the window counts move across edges that the decimals put slightly off the widened values
    assert v["window_summary"]["aggregated_values"] != v["baseline_summary"]["aggregated_values"]
    assert st.stored_score(v["score"]) == float(str(np.float32(v["score"])))
    assert abs(st.stored_score(v["score"]) - v["score"]) < 1e-6 * v["score"]


@pytest.mark.parametrize(("body", "field"), [
    ({"vector": []}, "baseline.vector"),
    ({"vector": ["a"]}, "baseline.vector"),
    ({"Fixed": {"pipeline": "p", "start_at": "2024-01-02T00:00:00Z", "end_at": "2024-01-01T00:00:00Z"}},
     "end_at"),
    ({"Fixed": {"pipeline": "p", "start_at": "nope", "end_at": "2024-01-01T00:00:00Z"}}, "start_at"),
    ({"static": {"count": 3}}, "baseline.static"),
    ({"weird": {}}, "unknown baseline type"),
    ({"static": {}, "vector": [1]}, "baseline"),
])
def test_bad_baselines_name_the_field(body, field) -> None:
    with pytest.raises(ac.BadRequest, match=field):
        ac.Baseline.parse(body, window=ac.Window.parse(_window()))


@pytest.mark.parametrize(("window", "field"), [
    ({"width": "soon"}, "window.width"), ({"path": "sideways x 0"}, "window.path"),
    ({"path": "output x y"}, "window.path"), ({"start": "yesterday"}, "window.start"),
    ({"pipeline_name": None}, "window.pipeline_name"), ({"interval": 5}, "window.interval"),
])
def test_bad_windows_name_the_field(window, field) -> None:
    with pytest.raises(ac.BadRequest, match=field):
        ac.Window.parse(_window(**window))


def test_seed000_window_dialect_and_fixed_baseline() -> None:
    w = ac.Window.parse({"pipeline": "p", "model": "m", "width": "24 hours"}, iopath="input tensor 3")
    assert w.to_dict() == {"interval": "24 hours", "model_name": "m", "path": "input tensor 3",
                           "pipeline_name": "p", "start": None, "width": "24 hours", "workspace_id": None,
                           "locations": []}
    assert ac.parse_path("out.variable.0") == ("out", "variable", 0)
    b = ac.Baseline.parse({"Fixed": {"pipeline": "p", "model": "m", "start_at": "2024-01-01T00:00:00Z",
                                     "end_at": "2024-01-02T00:00:00+00:00"}}, window=w)
    assert b.kind == "logs" and b.window.path == "input tensor 3"
    assert (b.end - b.start) == pd.Timedelta(days=1)
    assert ac.parse_dt("2024-07-29T19:54:43.286044715Z", "x").nanosecond == 715


def _assay(conn, start: pd.Timestamp, **cfg) -> dict:
    w = _window(width="1 hour", start=start.isoformat())
    config = {"baseline": {"calculated": {"fixed_window": {**w, "start": (start - pd.Timedelta(hours=1)).isoformat()}}},
              "window": w, "summarizer": SUMM, "alert_threshold": 0.25, "warning_threshold": None, **cfg}
    aid = st.insert_assay(conn, name=f"a{start.value}", workspace_id=1, pipeline_id=7, pipeline_name="p",
                          active=True, config=config, run_until=None, next_run=None, now=ac.iso(start))
    conn.commit()
    return st.get_assay(conn, aid)


def test_run_assay_catches_up_past_windows_once(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "a.db")
    st.ensure_schema(conn)
    rng = np.random.default_rng(3)
    start = pd.Timestamp("2025-01-01T00:00:00Z")
    # 1 baseline hour + 6 hourly windows; hour 4 is empty, hour 5 is shifted up
    times, values = [], []
    for h in range(-1, 6):
        if h == 3:
            continue
        t = ac.to_ms(start) + h * 3_600_000 + np.sort(rng.integers(0, 3_600_000, 200))
        times.append(t)
        values.append(rng.normal(10 if h != 4 else 14, 1, 200))
    logs = numpy_logs(np.concatenate(times).astype(np.int64), np.concatenate(values))
    a = _assay(conn, start)
    now = start + pd.Timedelta(hours=5, minutes=30)  # windows 0..4 closed, window 5 not yet
    assert run_assay(conn, a, now, logs) == 4        # window 3 is empty: no result
    res = st.get_results(conn, a["id"])
    starts = [pd.Timestamp(r["window_start"]) for r in res]
    assert starts == [start + pd.Timedelta(hours=h) for h in (0, 1, 2, 4)]
    assert [r["status"] for r in res][:3] == ["Ok", "Ok", "Ok"] and res[3]["status"] == "Alert"
    assert all(r["assay_id"] == a["id"] and r["id"] is not None and r["created_at"] for r in res)
    assert all(r["score"] == float(str(np.float32(r["score"]))) for r in res)
    again = st.get_assay(conn, a["id"])
    assert json.loads(again["status"]) == {"run_at": now.isoformat(), "num_ok": 3, "num_warnings": 0, "num_alerts": 1}
    assert pd.Timestamp(again["next_run"]) == start + pd.Timedelta(hours=6)
    # idempotent: same time again adds nothing; later time adds exactly the next window
    assert run_assay(conn, again, now, logs) == 0
    assert run_assay(conn, st.get_assay(conn, a["id"]), now + pd.Timedelta(hours=1), logs) == 1
    assert len(st.get_results(conn, a["id"])) == 5
    # a result row can never be duplicated even if the cursor were lost
    conn.execute("UPDATE assays SET cursor_ms = NULL WHERE id = ?", (a["id"],))
    assert run_assay(conn, st.get_assay(conn, a["id"]), now + pd.Timedelta(hours=1), logs) == 0
    assert len(st.get_results(conn, a["id"])) == 5
    # start inclusive, end exclusive, ascending
    sub = st.get_results(conn, a["id"], ac.to_ms(start + pd.Timedelta(hours=1)), ac.to_ms(start + pd.Timedelta(hours=4)))
    assert [pd.Timestamp(r["window_start"]) for r in sub] == [start + pd.Timedelta(hours=h) for h in (1, 2)]


def test_run_until_stops_the_schedule(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "b.db")
    st.ensure_schema(conn)
    start = pd.Timestamp("2025-01-01T00:00:00Z")
    t = ac.to_ms(start) + np.arange(-3600, 10 * 3600, 60) * 1000
    logs = numpy_logs(t.astype(np.int64), np.sin(np.arange(t.size)))
    a = _assay(conn, start)
    conn.execute("UPDATE assays SET run_until = ? WHERE id = ?", (ac.iso(start + pd.Timedelta(hours=3)), a["id"]))
    assert run_assay(conn, st.get_assay(conn, a["id"]), start + pd.Timedelta(hours=9), logs) == 3
    after = st.get_assay(conn, a["id"])
    assert after["next_run"] is None
    assert run_assay(conn, after, start + pd.Timedelta(hours=20), logs) == 0


def test_run_status_format() -> None:
    s = run_status(pd.Timestamp("2024-07-29T18:55:14.728247+00:00"),
                   [AssayResult(None, status="Ok"), AssayResult(None, status="Alert")])
    assert s == ('{"run_at": "2024-07-29T18:55:14.728247+00:00",  "num_ok": 1, "num_warnings": 0, '
                 '"num_alerts": 1}')


def test_duplicate_assay_name(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "c.db")
    st.ensure_schema(conn)
    kw = dict(name="x", workspace_id=1, pipeline_id=1, pipeline_name="p", active=True, config={}, run_until=None,
              next_run=None, now="2025-01-01T00:00:00Z")
    st.insert_assay(conn, **kw)
    with pytest.raises(ValueError, match="assay name already exists"):
        st.insert_assay(conn, **kw)


def test_engine_results_are_plain_json(cc_outputs) -> None:
    """score_range's results give the engine's records back with to_api: they must be plain JSON types, the
    baseline parsed once."""
    times = ac.to_ms(T0) + np.arange(cc_outputs.size, dtype=np.int64) * 1000
    logs = numpy_logs(times, cc_outputs.astype(np.float64))
    w = ac.Window.parse(_window(width="2 minutes"))
    for metric in ("PSI", "MaxDiff", "SumDiff"):
        summ = ac.parse_summarizer({**SUMM, "metric": metric})
        base = ac.summarize(ac.Baseline.parse({"vector": cc_outputs[:300].tolist()}), summ, logs)
        res = ac.score_range(w, base, summ, logs, start=T0, until=T0 + pd.Timedelta(hours=1), warning=0.1, alert=0.2)
        assert len(res) == 9  # 1001 s of data in 2-minute windows
        assert all(r.baseline_summary is base for r in res)
        res = [r.to_api() for r in res]
        assert json.loads(json.dumps(res, allow_nan=False)) == res

        def plain(o):
            if isinstance(o, dict):
                return all(plain(v) for v in o.values())
            if isinstance(o, list):
                return all(plain(v) for v in o)
            return o is None or type(o) in (str, int, float, bool)
        assert plain(res)
