"""Inference logs as records: insert flattened records, read them back, vectorised values for assays (through
``logstore.LogStore``, the columnar store).

Float32 model outputs are stored as float32 and shown as their float32 *shortest* decimals (``0.99300325``),
so JSON shows them exactly as Wallaroo does; ``log_values`` widens them to float64 exactly, which is what
assay windows use (assay-math §1, §8). Inputs are stored as sent (float64).
"""

from __future__ import annotations

import gc
import json
import math
import sqlite3
from collections.abc import Iterable
from itertools import chain, repeat
from typing import Any

import numpy as np
import pyarrow as pa

from . import log_arrow
from .logstore import LogStore, values


def f32_shortest(value: Any) -> Any:
    """Round a number (or nested list) to float32 and return the shortest decimal as a Python float."""
    if isinstance(value, list | tuple):
        return [f32_shortest(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    f = np.float32(value)
    if not np.isfinite(f):
        return None
    return float(str(f))


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return _finite(value.tolist())
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return _finite(value.item())
    return value


def dumps_finite(value: Any, *, compact: bool = False) -> str:
    """JSON text (ASCII); NaN/inf (not JSON) become null, numpy values plain numbers. Logs and responses."""
    seps = (",", ":") if compact else None
    try:
        return json.dumps(value, allow_nan=False, separators=seps)
    except (ValueError, TypeError):
        return json.dumps(_finite(value), allow_nan=False, separators=seps)


def insert_logs(conn: sqlite3.Connection, pipeline_id: int, records: Iterable[dict[str, Any]],
                output_dtypes: dict[str, str] | None = None) -> int:
    """Log flattened get_baseline-shaped records in the caller's transaction; ``output_dtypes`` like
    ``{"out.dense_1": "float32"}``."""
    records = list(records)
    if not records:
        return 0
    f32 = [k for k, v in (output_dtypes or {}).items() if str(v).lower() == "float32" and k.startswith("out.")]
    return LogStore.of(conn).append(conn, pipeline_id, log_arrow.records_table(records, f32), f32)


def get_logs(conn: sqlite3.Connection, pipeline_id: int, start_ms: int | None = None, end_ms: int | None = None,
             model_name: str | None = None, limit: int | None = None) -> list[dict]:
    """Flattened records (``time``, ``in.*``, ``out.*``, ``check_failures``, ``metadata.*``), oldest first."""
    return table_records(_logs_table(conn, pipeline_id, start_ms, end_ms, model_name, limit))


def _logs_table(conn: sqlite3.Connection, pipeline_id: int, start_ms: int | None, end_ms: int | None,
                model_name: str | None, limit: int | None) -> Any:
    table = LogStore.of(conn).read(pipeline_id, None, start_ms, end_ms, model_name=model_name, conn=conn)
    return table if limit is None else table.slice(0, max(0, int(limit)))


def table_records(table: Any) -> list[dict]:
    """Records of a ``LogStore.read`` table; keys a row has no value for (null) are left out, as the old
    per-row store did for keys a record never had (``check_failures`` always present)."""
    if table.num_rows == 0:
        return []
    enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of new lists/dicts: the cyclic GC would rescan them many times
    try:
        return _records(table)
    finally:
        if enabled:
            gc.enable()


def _records(table: Any) -> list[dict]:
    cols = [(name, log_arrow.pylist(table.column(name), table.schema.field(name)))
            for name in table.column_names if name != "model_name"]
    names = [n for n, _ in cols]
    sparse = {n for n, c in zip(names, (v for _, v in cols), strict=True) if table.column(n).null_count}
    rows = zip(*(v for _, v in cols))  # noqa: B905 - equal lengths (one table); strict costs per row
    if not sparse:
        return list(map(dict, map(zip, repeat(names), rows)))  # C loops: ~5x a comprehension of dict(zip())
    return [{k: v for k, v in zip(names, r) if v is not None or k not in sparse or k == "check_failures"}  # noqa: B905
            for r in rows]


def log_values(conn: sqlite3.Connection, pipeline_id: int, path: str, index: int | None = 0,
               start_ms: int | None = None, end_ms: int | None = None,
               model_name: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(times_ms int64, values float64)`` of ``"out.<field>"`` / ``"in.<field>"`` element ``index``, oldest first.

    Float32 outputs are widened exactly (float32 -> float64); rows without the field are skipped.
    """
    direction, _, field = path.partition(".")
    if direction not in {"in", "out"} or not field:
        raise ValueError(f"path must be 'in.<field>' or 'out.<field>', got {path!r}")
    table = LogStore.of(conn).read(pipeline_id, [path], start_ms, end_ms, model_name=model_name, conn=conn)
    return values(table, path, index)


def records_json(records: list[dict]) -> bytes:
    """Log records as compact JSON (NaN/inf as null): orjson when installed, else ``dumps_finite``."""
    try:
        import orjson
    except ImportError:
        return dumps_finite(records, compact=True).encode()
    try:
        return orjson.dumps(records, option=orjson.OPT_SERIALIZE_NUMPY)
    except TypeError:
        return dumps_finite(records, compact=True).encode()


def logs_response(conn: sqlite3.Connection, pipeline_id: int, start_ms: int | None, end_ms: int | None,
                  model_name: str | None, limit: int | None) -> Any:
    """``get_baseline``'s HTTP answer: the records of ``get_logs`` as one JSON body."""
    from fastapi.responses import Response

    table = _logs_table(conn, pipeline_id, start_ms, end_ms, model_name, limit)
    body = table_json(table)
    return Response(records_json(table_records(table)) if body is None else body, media_type="application/json")


def table_json(table: Any) -> bytes | None:
    """``records_json(table_records(table))`` built by columns, byte for byte (no per-row dicts), or None when
    a column needs the row path (sparse, JSON text, nested lists) or orjson is not installed."""
    try:
        import orjson
    except ImportError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # ~10^5 short-lived lists and bytes: no cyclic GC passes over them
    try:
        return _table_json(orjson, table)
    finally:
        if enabled:
            gc.enable()


def _table_json(orjson: Any, table: Any) -> bytes | None:
    names = [n for n in table.column_names if n != "model_name"]
    if table.num_rows == 0 or not names:
        return None
    keys, cells = [], []
    for name in names:
        got = _column_json(orjson, table.column(name), table.schema.field(name), table.num_rows)
        if got is None:
            return None
        keys.append((orjson.dumps(name) + b":" + got[0][0], got[0][1]))  # '"key":[' and ']'
        cells.append(got[1])
    # a row is head cell0 mid0 cell1 ... cell(k-1) tail; rows are joined by "," in one flat join
    head, tail = b"{" + keys[0][0], keys[-1][1] + b"}"
    mids = [keys[i][1] + b"," + keys[i + 1][0] for i in range(len(keys) - 1)]
    row_end = tail + b"," + head
    streams = [x for i, c in enumerate(cells) for x in (c, repeat(mids[i] if i < len(mids) else row_end))]
    body = b"".join(chain.from_iterable(zip(*streams)))  # noqa: B905 - the repeat()s are endless
    return b"[" + head + body[: -len(row_end)] + tail + b"]"


def _column_json(orjson: Any, col: Any, field: Any, n: int) -> tuple[tuple[bytes, bytes], list[bytes]] | None:
    """``((opening, closing), cell JSON per row)`` of a column without nulls, or None. Numbers are written by
    orjson from numpy arrays when rows have one length (the digits of Python floats, float32 as their shortest
    decimals), else from the Python values; cells are cut at "," / "],[" (numbers and null hold neither)."""
    t = col.type
    if col.null_count or (field.metadata and field.metadata.get(b"json")):
        return None
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        memo: dict[str, bytes] = {}
        cells = [memo.get(w) or memo.setdefault(w, orjson.dumps(w)) for w in log_arrow.pylist(col, field)]
        return (b"", b""), cells
    scalar = pa.types.is_integer(t) or pa.types.is_floating(t)
    listed = (pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t)) and (
        pa.types.is_integer(t.value_type) or pa.types.is_floating(t.value_type) or pa.types.is_null(t.value_type))
    if not (scalar or listed):
        return None
    grid = _grid(col.combine_chunks())
    try:
        text = orjson.dumps(grid if grid is not None else log_arrow.pylist(col, field),
                            option=orjson.OPT_SERIALIZE_NUMPY)[1:-1]
    except orjson.JSONEncodeError:
        return None
    cells = text.split(b",") if scalar else text[1:-1].split(b"],[")  # "[a],[b]" -> "a],[b" -> cells
    return ((b"", b"") if scalar else (b"[", b"]"), cells) if len(cells) == n else None


_NP_OK = {np.dtype(x) for x in ("float64", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8")}


def _grid(arr: Any) -> np.ndarray | None:
    """Numbers of a numeric column (1-D) or of a list column whose rows have one length > 0 (2-D), as numpy
    (float32 -> its shortest decimals as float64, as ``log_arrow.pylist`` gives them); None otherwise."""
    t = arr.type
    if pa.types.is_fixed_size_list(t):
        arr, t = arr.cast(pa.list_(t.value_type)), pa.list_(t.value_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        offsets = arr.offsets.to_numpy()  # absolute in the child values, sliced or not
        lengths = np.diff(offsets)
        if not len(arr) or lengths.min() != lengths.max() or lengths[0] == 0:
            return None
        values = arr.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
        if values.null_count or not (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
            return None
        flat = log_arrow._np_numbers(values.to_numpy(zero_copy_only=False))
        return np.ascontiguousarray(flat).reshape(len(arr), int(lengths[0])) if flat.dtype in _NP_OK else None
    flat = log_arrow._np_numbers(arr.to_numpy(zero_copy_only=False))
    return np.ascontiguousarray(flat) if flat.dtype in _NP_OK else None
