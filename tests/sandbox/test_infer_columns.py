"""The vectorised inference path gives the records and logs the row path gives (same model, same body)."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from sandbox_http import linear_onnx

from wallaroo_widgets.sandbox import db, engine, infer_columns, logstore
from wallaroo_widgets.sandbox.db import Store

REF = {"name": "m", "sha": "abc"}


def _arrow(columns: dict) -> bytes:
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def _bodies() -> list[tuple[bytes, str]]:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(50, 3)).round(5)
    x32 = x.astype(np.float32)
    return [
        (json.dumps([{"dense_input": r} for r in x.tolist()]).encode(), "application/json; format=pandas-records"),
        (json.dumps([{"dense_input": [int(v * 10) for v in r]} for r in x.tolist()]).encode(), "application/json"),
        (json.dumps({"dense_input": x.tolist()}).encode(), "application/json"),
        (_arrow({"dense_input": pa.FixedSizeListArray.from_arrays(pa.array(x32.ravel()), 3)}),
         "application/vnd.apache.arrow.file"),
        (_arrow({"dense_input": pa.array(x.tolist(), pa.list_(pa.float64()))}), "application/vnd.apache.arrow.file"),
    ]


@pytest.mark.parametrize("case", range(5))
def test_columns_and_rows_give_the_same_records_and_logs(tmp_path, case):
    body, ctype = _bodies()[case]
    model = engine.OnnxModel(linear_onnx(3, 2)[0])
    batch = infer_columns.decode(body, ctype)
    assert batch is not None  # numeric bodies take the vectorised path
    elapsed = infer_columns.run(batch, [(REF, model)])
    meta = infer_columns.metadata(REF, elapsed, "v", "engine-x")
    got = infer_columns.records(batch, 123, meta)
    want, dtypes = engine.run_pipeline(engine.decode_body(body, ctype), [(REF, model)], pipeline_version="v",
                                       partition="engine-x")
    for w in want:
        w["time"], w["metadata"]["elapsed"] = 123, meta["elapsed"]
    assert json.loads(json.dumps(got)) == json.loads(json.dumps(want))
    table = pa.ipc.open_file(pa.BufferReader(infer_columns.arrow_response(batch, 123, meta))).read_all()
    assert table.equals(pa.ipc.open_file(pa.BufferReader(engine.arrow_bytes(want))).read_all())

    store = Store(tmp_path)
    store.ensure_user("a@example.com", "pw", admin=True)
    pids = [store.ensure_pipeline(workspace="w", pipeline=p, model="m", model_bytes=b"x")["pipeline_id"]
            for p in ("cols", "rows")]
    table, f32 = infer_columns.log_table(batch, 123, meta, "m")
    with store.tx(write=True) as conn:
        logstore.LogStore.of(conn).append(conn, pids[0], table, f32)
        db.insert_logs(conn, pids[1], [engine.flatten(r) for r in want], dtypes)
    with store.tx() as conn:
        assert db.get_logs(conn, pids[0]) == db.get_logs(conn, pids[1])
        for path, i in (("out.dense_1", 1), ("in.dense_input", 2)):
            a, b = db.log_values(conn, pids[0], path, i), db.log_values(conn, pids[1], path, i)
            np.testing.assert_array_equal(a[1], b[1])
        assert db.get_logs(conn, pids[0], model_name="m") and not db.get_logs(conn, pids[0], model_name="n")


@pytest.mark.parametrize("body", [b"[]", b'[{"a": "text"}]', b'[{"a": [1, 2]}, {"a": [1]}]', b'{"a": [1], "b": [1, 2]}',
                                  b'[{"a": 1}, {"b": 1}]', b'[{"a": true}]', b"not json"])
def test_other_bodies_take_the_row_path(body):
    assert infer_columns.decode(body, "application/json") is None
