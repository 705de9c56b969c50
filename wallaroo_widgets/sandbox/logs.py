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
from itertools import repeat
from typing import Any

import numpy as np

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
    table = LogStore.of(conn).read(pipeline_id, None, start_ms, end_ms, model_name=model_name, conn=conn)
    if limit is not None:
        table = table.slice(0, max(0, int(limit)))
    return table_records(table)


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

    return Response(records_json(get_logs(conn, pipeline_id, start_ms, end_ms, model_name, limit)),
                    media_type="application/json")
