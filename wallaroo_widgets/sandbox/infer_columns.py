"""Vectorised inference: body -> numpy columns -> ONNX Runtime -> one set of columns for the response and the log.

Arrow IPC bodies become numpy arrays without Python rows; pandas-records / column-dict JSON is parsed by
orjson and gathered per column. A batch whose columns are not numeric arrays of one shape (text, ragged
lists) returns None from ``decode`` and the row path in ``engine`` handles it. The records, the Arrow
response and the logged batch all come from the same arrays: the logged batch is what
``log_arrow.records_table`` would build from the records (float32 outputs float32, shown as shortest decimals).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
import pyarrow as pa

from ..drift.float32 import shortest_as_float64
from .errors import ApiError


@dataclass
class Batch:
    """Input columns: ``feed`` (for the model), ``echo`` (values as the response / log show them)."""

    n: int
    feed: dict[str, np.ndarray]
    echo: dict[str, pa.Array]
    rows: list[dict[str, Any]] | None = None  # the JSON rows (echoed as sent), None for Arrow bodies
    outputs: dict[str, np.ndarray] = field(default_factory=dict)


def _numeric(arr: np.ndarray) -> bool:
    return arr.dtype.kind in "iuf" and arr.ndim in (1, 2)


def _list_array(arr: np.ndarray) -> pa.Array:
    """(n,) -> scalars; (n, k) -> list<k values> per row."""
    if arr.ndim == 1:
        return pa.array(arr)
    flat = pa.array(np.ascontiguousarray(arr).reshape(-1))
    offsets = pa.array(np.arange(0, arr.size + 1, max(arr.shape[1], 1), dtype=np.int32)[: arr.shape[0] + 1])
    return pa.ListArray.from_arrays(offsets, flat)


def decode(body: bytes, content_type: str) -> Batch | None:
    """A numeric batch, or None (the row path decodes it, with its error messages)."""
    if not body:
        return None
    if "arrow" in (content_type or "").lower():
        return _arrow(body)
    try:
        import orjson
    except ImportError:
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None  # the row path gives the 400 message (and parses what orjson refuses, e.g. NaN)
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        names = list(data[0])
        if not names or any(len(r) != len(names) or r.keys() != data[0].keys() for r in data):
            return None
        cols = {k: [r[k] for r in data] for k in names}
        rows = data
    elif isinstance(data, dict) and data and all(isinstance(v, list) for v in data.values()):
        cols, rows = data, None
        if len({len(v) for v in cols.values()}) != 1:
            return None
    else:
        return None
    feed, echo = {}, {}
    for name, values in cols.items():
        if any(isinstance(v, bool) for v in values[:1]):
            return None
        try:
            arr = np.asarray(values)
        except (ValueError, TypeError):
            return None
        if not _numeric(arr):
            return None
        feed[name] = arr
        echo[name] = _list_array(arr) if arr.ndim == 2 else pa.array(arr)
    n = len(next(iter(cols.values())))
    if rows is None:  # column dict: the row path made rows from it
        rows = [{k: v[i] for k, v in cols.items()} for i in range(n)]
    return Batch(n=n, feed=feed, echo=echo, rows=rows) if n else None


def _arrow(body: bytes) -> Batch | None:
    try:
        try:
            table = pa.ipc.open_file(pa.BufferReader(body)).read_all()
        except pa.ArrowInvalid:
            table = pa.ipc.open_stream(pa.BufferReader(body)).read_all()
    except pa.ArrowException:
        return None
    if table.num_rows == 0 or table.num_columns == 0:
        return None
    feed, echo = {}, {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        col = col.combine_chunks()
        t = col.type
        if col.null_count:
            return None
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            arr = col.to_numpy(zero_copy_only=False)
        elif pa.types.is_fixed_size_list(t) or pa.types.is_list(t) or pa.types.is_large_list(t):
            if not (pa.types.is_integer(t.value_type) or pa.types.is_floating(t.value_type)):
                return None
            if pa.types.is_fixed_size_list(t):
                k = t.list_size
            else:
                lengths = np.diff(col.offsets.to_numpy())
                if not lengths.size or np.any(lengths != lengths[0]):
                    return None
                k = int(lengths[0])
            values = col.flatten()
            if values.null_count or k == 0:
                return None
            arr = values.to_numpy(zero_copy_only=False).reshape(len(col), k)
        else:
            return None
        feed[name] = arr
        shown = shortest_as_float64(arr).reshape(arr.shape) if arr.dtype == np.float32 else arr
        echo[name] = _list_array(shown) if shown.ndim == 2 else pa.array(shown)
    return Batch(n=table.num_rows, feed=feed, echo=echo)


def run(batch: Batch, steps: list[tuple[dict, Any]]) -> int:
    """Run the model steps in order on the batch -> elapsed ns."""
    if not steps:
        raise ApiError(400, "pipeline has no model steps to run")
    t0 = time.perf_counter_ns()
    columns: dict[str, Any] = batch.feed
    for _ref, model in steps:
        batch.outputs = model.run(columns)
        columns = batch.outputs
    return time.perf_counter_ns() - t0


def _shown(arr: np.ndarray) -> np.ndarray:
    """Output values as the records show them: float32 as shortest decimals (non-finite as NaN -> null)."""
    out = shortest_as_float64(arr).reshape(arr.shape) if arr.dtype == np.float32 else arr
    return out.reshape(arr.shape[0], -1) if out.ndim <= 2 else out


def metadata(ref: dict, elapsed: int, pipeline_version: str, partition: str) -> dict[str, Any]:
    last_model = json.dumps({"model_name": ref["name"], "model_sha": ref["sha"]}, separators=(",", ":"))
    return {"last_model": last_model, "pipeline_version": pipeline_version, "elapsed": [int(elapsed), 0],
            "dropped": [], "partition": partition}


def records(batch: Batch, now_ms: int, meta: dict[str, Any]) -> list[dict]:
    """The response records (same shape as ``engine.run_pipeline``'s)."""
    rows = batch.rows if batch.rows is not None else _echo_rows(batch)
    outs = {k: _shown(v).tolist() for k, v in batch.outputs.items()}
    out_rows = map(dict, map(zip, repeat(list(outs)), zip(*outs.values())))  # noqa: B905 - one batch, equal lengths
    return [{"time": now_ms, "in": row, "out": out, "check_failures": [], "metadata": meta}
            for row, out in zip(rows, out_rows)]  # noqa: B905


def _echo_rows(batch: Batch) -> list[dict]:
    cols = {k: v.to_pylist() for k, v in batch.echo.items()}
    return list(map(dict, map(zip, repeat(list(cols)), zip(*cols.values()))))  # noqa: B905


def _const(value: Any, n: int) -> pa.Array:
    if isinstance(value, str):
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([value]))
    return pa.array([value] * n)


def log_table(batch: Batch, now_ms: int, meta: dict[str, Any], model_name: str) -> tuple[pa.Table, list[str]]:
    """The batch to log (``LogStore.append``) and its float32 output columns."""
    n = batch.n
    cols: dict[str, pa.Array] = {"time": pa.array(np.full(n, now_ms, np.int64)),
                                 "model_name": _const(model_name, n)}
    for name, arr in batch.echo.items():
        cols[f"in.{name}"] = _finite(arr)
    f32 = []
    for name, out in batch.outputs.items():
        flat = out.reshape(n, -1) if out.ndim <= 2 else None
        if flat is None:
            arr, _ = engine_column([v.tolist() for v in out])
        else:
            arr = _finite(_list_array(flat))
        if out.dtype == np.float32:
            f32.append(f"out.{name}")
        cols[f"out.{name}"] = arr
    cols["check_failures"] = pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.null()))
    for key, value in meta.items():
        cols[f"metadata.{key}"] = _const(value, n)
    return pa.table(cols), f32


def engine_column(values: list[Any]) -> tuple[pa.Array, bool]:
    from .log_arrow import column

    return column(values)


def _finite(arr: pa.Array) -> pa.Array:
    from .log_arrow import _finite as finite

    return finite(arr)


def arrow_response(batch: Batch, now_ms: int, meta: dict[str, Any]) -> bytes:
    """The Arrow IPC answer built from the columns: the table ``engine.arrow_bytes`` makes of the records."""
    n = batch.n
    ins = pa.StructArray.from_arrays(list(batch.echo.values()), list(batch.echo))
    shown = {k: _shown(v) for k, v in batch.outputs.items()}
    if any(v.ndim > 2 for v in shown.values()):
        outs = pa.array([dict(zip(shown, vals, strict=True)) for vals in zip(*(v.tolist() for v in shown.values()),
                                                                              strict=True)])
    else:
        outs = pa.StructArray.from_arrays([_list_array(v) for v in shown.values()], list(shown))
    empty = pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.null()))
    metas = pa.StructArray.from_arrays([pa.array([v] * n) if not isinstance(v, str) else
                                        pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)),
                                                                       pa.array([v])).cast(pa.string())
                                        for v in meta.values()], list(meta))
    table = pa.table({"time": pa.array(np.full(n, now_ms, np.int64)), "in": ins, "out": outs,
                      "check_failures": empty, "metadata": metas})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
