"""Demo history: deterministic, independent of the date, a month ending before now, drift in the middle."""

from __future__ import annotations

import datetime as dt

import numpy as np

from wallaroo_widgets.sandbox import demo


def test_history_is_deterministic_and_shaped() -> None:
    a, b = demo.history(), demo.history()
    for x, y in [(a.offsets_ms, b.offsets_ms), (a.inputs, b.inputs), (a.outputs, b.outputs),
                 (a.elapsed_ns, b.elapsed_ns)]:
        assert np.array_equal(x, y)
    n = a.offsets_ms.size
    assert 0.9 * demo.DAYS * 24 * demo.PER_HOUR < n < 1.1 * demo.DAYS * 24 * demo.PER_HOUR
    assert a.inputs.shape == (n, 18) and a.outputs.dtype == np.float32
    assert (np.diff(a.offsets_ms) >= 0).all() and a.offsets_ms[0] >= 0 and a.offsets_ms[-1] < a.span_ms
    assert not np.array_equal(demo.history(seed=1).outputs[:50], a.outputs[:50])


def test_drift_episode_shifts_outputs_up() -> None:
    h = demo.history()
    day = h.offsets_ms // 86_400_000
    lo, hi = demo.DRIFT_DAYS
    normal = np.median(h.outputs[(day < lo - 1) | (day >= hi + 1)])
    drifted = np.median(h.outputs[(day >= lo + 1) & (day < hi)])
    assert 300_000 < normal < 800_000
    assert drifted > 1.6 * normal
    # every normal day looks like every other normal day
    for d in [0, 5, 25, 29]:
        assert abs(np.median(h.outputs[day == d]) / normal - 1) < 0.15


def test_records_are_anchored_before_end_and_date_independent() -> None:
    end1 = dt.datetime(2026, 3, 10, 12, 34, tzinfo=dt.timezone.utc)
    end2 = dt.datetime(2025, 7, 1, 0, 5, tzinfo=dt.timezone.utc)
    r1 = demo.demo_records(end1, model_sha="abc")
    r2 = demo.demo_records(end2, model_sha="abc")
    assert len(r1) == len(r2)
    start1 = int(demo.month_start(end1).timestamp() * 1000)
    assert start1 == int(dt.datetime(2026, 2, 8, 11, tzinfo=dt.timezone.utc).timestamp() * 1000)
    assert r1[0]["time"] >= start1 and r1[-1]["time"] < end1.timestamp() * 1000
    shift = r1[0]["time"] - r2[0]["time"]
    for x, y in zip(r1[::500], r2[::500], strict=True):
        assert x["time"] - y["time"] == shift
        assert x["in.tensor"] == y["in.tensor"] and x["out.variable"] == y["out.variable"]
    rec = r1[0]
    assert set(rec) == {"time", "in.tensor", "out.variable", "check_failures", "metadata.last_model",
                        "metadata.pipeline_version", "metadata.elapsed", "metadata.dropped", "metadata.partition"}
    assert len(rec["in.tensor"]) == 18 and isinstance(rec["out.variable"][0], float)
    assert float(np.float32(rec["out.variable"][0])) == rec["out.variable"][0]  # exact float32 widening
    assert '"model_name":"housepricemodel"' in rec["metadata.last_model"]
