"""Inference logs in SQLite: insert flattened records, read them back, vectorised values for assays.

Float32 model outputs are stored as their float32 *shortest* decimals (``0.99300325``), so JSON shows
them exactly as Wallaroo does; ``log_values`` widens them back to float64 exactly (through float32),
which is what assay windows use (assay-math §1, §8). Inputs are stored as sent (float64).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable
from typing import Any

import numpy as np

_SECTIONS = ("in", "out", "metadata", "anomaly")


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


def _model_name(meta: dict) -> str | None:
    last = meta.get("last_model")
    if isinstance(last, str):
        try:
            return json.loads(last).get("model_name")
        except (ValueError, AttributeError):
            return None
    return last.get("model_name") if isinstance(last, dict) else None


def split_record(record: dict[str, Any]) -> dict[str, dict]:
    """A flattened record -> ``{"in": {...}, "out": {...}, "metadata": {...}, "anomaly": {...}}``."""
    parts: dict[str, dict] = {s: {} for s in _SECTIONS}
    for key, value in record.items():
        head, _, rest = key.partition(".")
        if head in parts and rest:
            parts[head][rest] = value
    return parts


def insert_logs(conn: sqlite3.Connection, pipeline_id: int, records: Iterable[dict[str, Any]],
                output_dtypes: dict[str, str] | None = None) -> int:
    """Insert flattened get_baseline-shaped records; ``output_dtypes`` like ``{"out.dense_1": "float32"}``."""
    f32 = {k.removeprefix("out.") for k, v in (output_dtypes or {}).items() if str(v).lower() == "float32"}
    names: dict[Any, str | None] = {}
    rows = []
    for rec in records:
        parts = split_record(rec)
        out = {k: (f32_shortest(v) if k in f32 else v) for k, v in parts["out"].items()}
        meta = parts["metadata"]
        if parts["anomaly"]:
            meta = {**meta, "__anomaly__": parts["anomaly"]}
        key = meta.get("last_model")
        key = key if isinstance(key, str) else json.dumps(key)
        if key not in names:
            names[key] = _model_name(meta)
        rows.append((pipeline_id, int(rec["time"]), names[key], dumps_finite(parts["in"]), dumps_finite(out),
                     json.dumps(sorted(f32 & out.keys())), dumps_finite(rec.get("check_failures", [])), dumps_finite(meta)))
    conn.executemany("INSERT INTO inference_logs (pipeline_id, time_ms, model_name, in_json, out_json, out_dtypes,"
                     " check_failures, metadata_json) VALUES (?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def _where(pipeline_id: int, start_ms: int | None, end_ms: int | None, model_name: str | None) -> tuple[str, list]:
    where, args = ["pipeline_id = ?"], [pipeline_id]
    if start_ms is not None:
        where.append("time_ms >= ?")
        args.append(int(start_ms))
    if end_ms is not None:
        where.append("time_ms < ?")
        args.append(int(end_ms))
    if model_name:
        where.append("model_name = ?")
        args.append(model_name)
    return " AND ".join(where), args


def get_logs(conn: sqlite3.Connection, pipeline_id: int, start_ms: int | None = None, end_ms: int | None = None,
             model_name: str | None = None, limit: int | None = None) -> list[dict]:
    """Flattened records (``time``, ``in.*``, ``out.*``, ``check_failures``, ``metadata.*``), oldest first."""
    where, args = _where(pipeline_id, start_ms, end_ms, model_name)
    sql = f"SELECT time_ms, in_json, out_json, check_failures, metadata_json FROM inference_logs WHERE {where}" \
          " ORDER BY time_ms, id"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(int(limit))
    out = []
    for t, inj, outj, cf, meta in conn.execute(sql, args):
        rec: dict[str, Any] = {"time": t}
        rec.update({f"in.{k}": v for k, v in json.loads(inj).items()})
        rec.update({f"out.{k}": v for k, v in json.loads(outj).items()})
        rec["check_failures"] = json.loads(cf)
        m = json.loads(meta)
        anomaly = m.pop("__anomaly__", None)
        rec.update({f"metadata.{k}": v for k, v in m.items()})
        if anomaly:
            rec.update({f"anomaly.{k}": v for k, v in anomaly.items()})
        out.append(rec)
    return out


def log_values(conn: sqlite3.Connection, pipeline_id: int, path: str, index: int | None = 0,
               start_ms: int | None = None, end_ms: int | None = None,
               model_name: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(times_ms int64, values float64)`` of ``"out.<field>"`` / ``"in.<field>"`` element ``index``, oldest first.

    Float32 outputs are widened exactly (float32 -> float64); rows without the field are skipped.
    """
    direction, _, field = path.partition(".")
    if direction not in {"in", "out"} or not field:
        raise ValueError(f"path must be 'in.<field>' or 'out.<field>', got {path!r}")
    col = "in_json" if direction == "in" else "out_json"
    where, args = _where(pipeline_id, start_ms, end_ms, model_name)
    times: list[int] = []
    values: list[float] = []
    f32_flags: list[bool] = []
    for t, text, dtypes in conn.execute(
            f"SELECT time_ms, {col}, out_dtypes FROM inference_logs WHERE {where} ORDER BY time_ms, id", args):
        v = json.loads(text).get(field)
        if isinstance(v, list):
            if index is None:
                index = 0
            if index >= len(v):
                continue
            v = v[index]
        if v is None or isinstance(v, bool | str | list | dict):
            continue
        times.append(t)
        values.append(v)
        f32_flags.append(direction == "out" and f'"{field}"' in dtypes)
    vals = np.asarray(values, dtype=np.float64)
    if f32_flags and any(f32_flags):
        mask = np.asarray(f32_flags)
        vals[mask] = vals[mask].astype(np.float32).astype(np.float64)
    return np.asarray(times, dtype=np.int64), vals
