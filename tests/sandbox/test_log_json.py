"""get_baseline's body built by columns (``logs.table_json``) is byte for byte the body of the row path."""

from __future__ import annotations

import json

import numpy as np
import pytest

from wallaroo_widgets.sandbox import log_arrow, logs

orjson = pytest.importorskip("orjson")

LAST = json.dumps({"model_name": "m", "model_sha": "abc"}, separators=(",", ":"))


def _rows(table) -> bytes:
    return logs.records_json(logs.table_records(table))


def _records(n: int) -> list[dict]:
    rng = np.random.default_rng(7)
    out = []
    for i in range(n):
        out.append({"time": 1_700_000_000_000 + i * 997, "in.x": [float(v) for v in rng.normal(size=i % 3)],
                    "in.n": [int(i), -i], "in.s": float(rng.normal()) * 1e-30, "in.k": i,
                    "out.y": [float(np.float32(rng.normal() * 1e6))], "check_failures": [],
                    "metadata.last_model": LAST if i % 2 else json.dumps({"model_name": "m, \"2\""}),
                    "metadata.partition": "engine-1"})
    return out


def test_columns_give_the_row_path_bytes():
    table = log_arrow.records_table(_records(50), ["out.y"])
    body = logs.table_json(table)
    assert body is not None and body == _rows(table)
    assert [r["metadata.last_model"] for r in json.loads(body)[:2]] == [json.dumps({"model_name": 'm, "2"'}), LAST]
    for a, b in ((0, 1), (13, 17), (49, 1)):  # slices: list offsets not at 0
        part = table.slice(a, b)
        assert logs.table_json(part) == _rows(part)


def test_sparse_nested_and_json_text_columns_take_the_row_path():
    recs = _records(4)
    recs[1].pop("in.k")  # a key one record lacks: null there, left out of that record
    assert logs.table_json(log_arrow.records_table(recs)) is None
    recs = _records(4)
    recs[0]["in.x"] = [[1.0, 2.0]]  # nested lists
    table = log_arrow.records_table(recs)
    assert logs.table_json(table) is None and json.loads(_rows(table))[0]["in.x"] == [[1.0, 2.0]]
    recs = _records(4)
    recs[2]["in.s"] = "text"  # mixed kinds: a JSON-text column
    assert logs.table_json(log_arrow.records_table(recs)) is None
