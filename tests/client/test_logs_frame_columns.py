"""``logs_frame`` builds flat, same-shaped records by columns: the frame json_normalize gives, faster."""

from __future__ import annotations

import pandas as pd
import pytest

from wallaroo_widgets.api import frames

FLAT = [{"time": 1_700_000_000_000 + i, "in.x": [float(i), 2.0], "out.y": [0.5 * i], "check_failures": [],
         "metadata.last_model": '{"model_name":"m"}', "metadata.elapsed": [3, 0]} for i in range(5)]


@pytest.mark.parametrize("records", [
    FLAT,
    [{**r, "metadata.partition": "p"} if i % 2 else r for i, r in enumerate(FLAT)],   # keys differ per record
    [{**FLAT[0], "metadata.extra": {"a": 1}}, {**FLAT[1], "metadata.extra": {"a": 2}}],  # a nested object
    [{"out.y": None, "time": "2024-01-01T00:00:00Z"}],
    [{"in.a": [1], "time": 1}, {"in.b": [2], "time": 2}],                              # same size, other keys
    [{}],
])
def test_same_frame_as_json_normalize(records):
    got = frames.logs_frame(records)
    want = frames.records_frame(records)
    pd.testing.assert_frame_equal(got, want)
