"""Inference-log batches as Arrow tables: flattened records -> columns, columns -> records / assay values.

A batch has ``time`` (int64 epoch ms, sorted), ``model_name`` (string, for the model filter) and one column
per record key in record order (``in.*``, ``out.*``, ``check_failures``, ``metadata.*``, ``anomaly.*``).
Numbers keep their Arrow type; non-finite numbers are null (JSON has no NaN: the old store wrote null too).
A column Arrow cannot type (mixed kinds of values) is JSON text, flagged ``json`` in its field metadata.
Float32 outputs are the columns named in the batch's ``f32`` set: values widen exactly to float64 for assays
and print as their float32 shortest decimals in records (see ``logs.f32_shortest``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..drift.float32 import shortest_as_float64

JSON_META = {b"json": b"1"}
_ORDER = ("in.", "out.", "check_failures", "metadata.", "anomaly.")


def _rank(key: str) -> int:
    return next(i for i, p in enumerate(_ORDER) if key.startswith(p))


def record_keys(records: Sequence[dict[str, Any]]) -> list[str]:
    """Log keys of the records (first-seen order within each section; sections in record order)."""
    seen: dict[str, None] = {}
    for rec in records:
        for key in rec:
            head, _, rest = key.partition(".")
            if (head in {"in", "out", "metadata", "anomaly"} and rest) or key == "check_failures":
                seen.setdefault(key)
    seen.setdefault("check_failures")
    return sorted(seen, key=_rank)


def model_names(last_models: pa.Array) -> pa.Array:
    """``model_name`` per row from ``metadata.last_model`` (JSON text or null), decoded once per distinct value."""
    if not isinstance(last_models, pa.DictionaryArray):
        last_models = pc.dictionary_encode(last_models)
    names = []
    for text in last_models.dictionary.to_pylist():
        try:
            value = json.loads(text) if isinstance(text, str) else text
            names.append(value.get("model_name") if isinstance(value, dict) else None)
        except ValueError:
            names.append(None)
    return pa.array(names, pa.string()).take(last_models.indices)


def _finite(arr: pa.Array) -> pa.Array:
    """Non-finite floats -> null, at any list depth."""
    t = arr.type
    if pa.types.is_floating(t):
        return pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, t))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        inner = _finite(arr.values)  # offsets are absolute in the child values, sliced or not
        if inner is arr.values:
            return arr
        return type(arr).from_arrays(arr.offsets, inner, mask=arr.is_null() if arr.null_count else None)
    if pa.types.is_fixed_size_list(t):
        return _finite(arr.cast(pa.list_(t.value_type)))
    return arr


def column(values: list[Any]) -> tuple[pa.Array, bool]:
    """An Arrow column of Python values -> (array, is_json_text)."""
    try:
        arr = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return pa.array([None if v is None else json.dumps(v, allow_nan=False) if _plain_ok(v) else
                         json.dumps(_nulls(v)) for v in values], pa.string()), True
    if pa.types.is_struct(arr.type) or pa.types.is_map(arr.type) or _has_struct(arr.type):
        return pa.array([None if v is None else json.dumps(_nulls(v)) for v in values], pa.string()), True
    return _finite(arr), False


def _has_struct(t: pa.DataType) -> bool:
    while pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        t = t.value_type
    return pa.types.is_struct(t)


def _plain_ok(v: Any) -> bool:
    try:
        json.dumps(v, allow_nan=False)
    except (ValueError, TypeError):
        return False
    return True


def _nulls(v: Any) -> Any:
    from .logs import _finite as finite_py

    return finite_py(v)


def records_table(records: Sequence[dict[str, Any]], f32: Iterable[str] = ()) -> pa.Table:
    """Flattened records (``time`` int ms) -> a batch sorted by time (stable); ``f32`` output columns float32."""
    f32 = set(f32)
    keys = record_keys(records)
    arrays, fields = [pa.array([int(r["time"]) for r in records], pa.int64())], [pa.field("time", pa.int64())]
    for key in keys:
        default = [] if key == "check_failures" else None
        arr, is_json = column([r.get(key, default) for r in records])
        if key in f32 and not is_json:
            arr = to_float32(arr)
        arrays.append(arr)
        fields.append(pa.field(key, arr.type, metadata=JSON_META if is_json else None))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    return finish(table)


def to_float32(arr: pa.Array) -> pa.Array:
    """Float64 (or int) values, at any list depth, as float32 (the exact float32 of a float32 shortest decimal)."""
    t = arr.type
    depth, inner = 0, t
    while pa.types.is_list(inner) or pa.types.is_large_list(inner) or pa.types.is_fixed_size_list(inner):
        inner, depth = inner.value_type, depth + 1
    if not (pa.types.is_floating(inner) or pa.types.is_integer(inner) or pa.types.is_null(inner)):
        return arr
    target = pa.float32()
    for _ in range(depth):
        target = pa.list_(target)
    return arr.cast(target, safe=False)


def finish(table: pa.Table) -> pa.Table:
    """Add ``model_name`` (from ``metadata.last_model``) and sort by time, stable."""
    if "model_name" not in table.column_names:
        names = (model_names(table.column("metadata.last_model").combine_chunks())
                 if "metadata.last_model" in table.column_names else pa.nulls(table.num_rows, pa.string()))
        table = table.add_column(1, "model_name", names)
    times = table.column("time").to_numpy()
    if times.size > 1 and np.any(np.diff(times) < 0):
        table = table.take(pa.array(np.argsort(times, kind="stable")))
    return table


# --- reading ------------------------------------------------------------------------------------------------------

def values_of(col: pa.ChunkedArray, field: pa.Field, index: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, float64 values) of element ``index`` of a log column, as the old per-row rule: lists
    take element ``index`` (rows too short skip), scalars are taken as they are, null/bool/text/nested skip."""
    pos, vals, base = [], [], 0
    for chunk in col.chunks:
        p, v = _chunk_values(chunk, field, 0 if index is None else index)
        pos.append(p + base)
        vals.append(v)
        base += len(chunk)
    if not pos:
        return np.empty(0, np.int64), np.empty(0, np.float64)
    return np.concatenate(pos), np.concatenate(vals)


def _numeric(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t)


def _chunk_values(arr: pa.Array, field: pa.Field, index: int) -> tuple[np.ndarray, np.ndarray]:
    empty = np.empty(0, np.int64), np.empty(0, np.float64)
    t = arr.type
    if field.metadata and field.metadata.get(b"json"):
        return _json_values(arr, index)
    if _numeric(t):
        ok = arr.is_valid().to_numpy(zero_copy_only=False)
        return np.flatnonzero(ok), arr.filter(ok).cast(pa.float64()).to_numpy(zero_copy_only=False)
    if pa.types.is_fixed_size_list(t):
        arr, t = arr.cast(pa.list_(t.value_type)), pa.list_(t.value_type)
    if not (pa.types.is_list(t) or pa.types.is_large_list(t)) or not _numeric(t.value_type):
        return empty
    offsets = arr.offsets.to_numpy()  # absolute positions in arr.values, sliced or not
    lengths = np.diff(offsets)
    ok = (lengths > index) & arr.is_valid().to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(ok)
    if not rows.size:
        return empty
    picked = arr.values.take(pa.array(offsets[rows] + index))
    valid = picked.is_valid().to_numpy(zero_copy_only=False)
    return rows[valid], picked.filter(valid).cast(pa.float64()).to_numpy(zero_copy_only=False)


def _json_values(arr: pa.Array, index: int) -> tuple[np.ndarray, np.ndarray]:
    rows, vals = [], []
    for i, text in enumerate(arr.to_pylist()):
        v = None if text is None else json.loads(text)
        if isinstance(v, list):
            if index >= len(v):
                continue
            v = v[index]
        if v is None or isinstance(v, bool | str | list | dict):
            continue
        rows.append(i)
        vals.append(v)
    return np.asarray(rows, np.int64), np.asarray(vals, np.float64)


def pylist(col: pa.ChunkedArray, field: pa.Field) -> list[Any]:
    """A column as Python values for records: float32 as shortest decimals, JSON text decoded."""
    out: list[Any] = []
    for chunk in col.chunks:
        out.extend(_chunk_pylist(chunk, field))
    return out


def _chunk_pylist(arr: pa.Array, field: pa.Field) -> list[Any]:
    t = arr.type
    if field.metadata and field.metadata.get(b"json"):
        return [None if s is None else json.loads(s) for s in _dict_pylist(arr)]
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return _dict_pylist(arr)
    inner, depth = t, 0
    while pa.types.is_list(inner) or pa.types.is_fixed_size_list(inner) or pa.types.is_large_list(inner):
        inner, depth = inner.value_type, depth + 1
    if depth == 1 and _numeric(inner) and arr.null_count == 0:
        if pa.types.is_fixed_size_list(t):
            arr = arr.cast(pa.list_(inner))
        offsets = arr.offsets.to_numpy()  # absolute positions in the (unsliced) child values
        values = arr.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0])) if len(arr) else arr.values
        offsets = offsets - offsets[0]
        if values.null_count == 0:
            flat = _np_numbers(values.to_numpy(zero_copy_only=False))
            lengths = np.diff(offsets)
            if lengths.size and np.all(lengths == lengths[0]) and lengths[0] > 0:
                return flat.reshape(len(arr), int(lengths[0])).tolist()  # one C loop, no slicing per row
            flat = flat.tolist()
            return [flat[a:b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]
    if depth == 0 and _numeric(t) and arr.null_count == 0:
        return _py_numbers(arr.to_numpy(zero_copy_only=False))
    if pa.types.is_float32(inner):
        return _f32_nested(arr.to_pylist())
    return arr.to_pylist()


def _np_numbers(a: np.ndarray) -> np.ndarray:
    if a.dtype == np.float32:
        return shortest_as_float64(a)  # the float32 shortest decimals, as JSON shows them
    return a


def _py_numbers(a: np.ndarray) -> list[Any]:
    return _np_numbers(a).tolist()


def _f32_nested(value: Any) -> Any:
    from .logs import f32_shortest

    return f32_shortest(value)


def _dict_pylist(arr: pa.Array) -> list[Any]:
    """Strings decoded once per distinct value (constants such as ``metadata.last_model`` repeat per row)."""
    if not pa.types.is_dictionary(arr.type):
        if len(arr) < 64:
            return arr.to_pylist()
        arr = pc.dictionary_encode(arr)
    words = arr.dictionary.to_pylist()
    idx = arr.indices
    if idx.null_count:
        return [None if i is None else words[i] for i in idx.to_pylist()]
    return [words[i] for i in idx.to_numpy().tolist()]
