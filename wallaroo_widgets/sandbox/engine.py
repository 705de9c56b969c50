"""The inference engine: decode request bodies, run ONNX models with onnxruntime (CPU), build records."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from .bodies import bad_text, text_error
from .errors import ApiError
from .logs import f32_shortest

_ONNX_DTYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
                "tensor(int32)": np.int32, "tensor(float16)": np.float16, "tensor(bool)": np.bool_}


def decode_body(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """Rows (dicts) of a pandas-records JSON, legacy column-dict JSON or Arrow IPC file/stream body."""
    if not body:
        raise ApiError(400, "empty inference body")
    ctype = (content_type or "").lower()
    if "arrow" in ctype:
        import pyarrow as pa

        try:
            try:
                table = pa.ipc.open_file(pa.BufferReader(body)).read_all()
            except pa.ArrowInvalid:
                table = pa.ipc.open_stream(pa.BufferReader(body)).read_all()
        except pa.ArrowException as exc:
            raise ApiError(400, f"body is not an Arrow IPC file: {exc}") from None
        rows = table.to_pylist()
        for field in table.schema:  # float32 columns echo in float32 shortest form, as JSON clients see them
            t = field.type
            while pa.types.is_list(t) or pa.types.is_fixed_size_list(t) or pa.types.is_large_list(t):
                t = t.value_type
            if pa.types.is_float32(t):
                for row in rows:
                    row[field.name] = f32_shortest(row[field.name])
        return rows
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise ApiError(400, f"malformed JSON inference body: {exc}") from None
    where = bad_text(data)
    if where is not None:
        raise ApiError(400, text_error(where))
    if isinstance(data, list):
        if not all(isinstance(r, dict) for r in data):
            raise ApiError(400, "pandas-records body must be a JSON array of objects")
        return data
    if isinstance(data, dict):
        cols = {k: v for k, v in data.items() if isinstance(v, list)}
        if not cols or len(cols) != len(data):
            raise ApiError(400, "column-dict body must map every column to a list of values")
        lengths = {len(v) for v in cols.values()}
        if len(lengths) != 1:
            raise ApiError(400, "column-dict body: columns have different lengths")
        n = lengths.pop()
        return [{k: v[i] for k, v in cols.items()} for i in range(n)]
    raise ApiError(400, "inference body must be a JSON array of row objects or a column dict")


class OnnxModel:
    """One loaded ONNX model (onnxruntime CPU session)."""

    def __init__(self, data: bytes) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(data, sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own error types
            raise ApiError(400, f"model cannot be loaded by onnxruntime: {str(exc)[:200]}") from None
        self.inputs = self.session.get_inputs()
        self.outputs = self.session.get_outputs()

    def _array(self, spec: Any, values: list[Any], column: str) -> np.ndarray:
        dtype = _ONNX_DTYPES.get(spec.type, np.float32)
        try:
            arr = np.asarray(values, dtype=dtype)
        except (TypeError, ValueError):
            raise ApiError(400, f"column '{column}': values are not numeric arrays of one shape") from None
        shape = list(spec.shape)
        if arr.ndim == 1 and len(shape) == 2:
            arr = arr.reshape(-1, 1)
        if arr.ndim != len(shape):
            raise ApiError(400, f"column '{column}': rank {arr.ndim} does not match model input '{spec.name}' "
                                f"shape {shape}")
        for have, want in zip(arr.shape[1:], shape[1:], strict=True):
            if isinstance(want, int) and have != want:
                raise ApiError(400, f"column '{column}': shape {list(arr.shape[1:])} does not match model input "
                                    f"'{spec.name}' shape {shape[1:]}")
        return arr

    def run(self, columns: dict[str, list[Any]]) -> dict[str, np.ndarray]:
        """Feed columns by input name (a single column feeds a single input whatever its name)."""
        feed = {}
        if len(self.inputs) == 1 and len(columns) == 1:
            (col, values), = columns.items()
            feed[self.inputs[0].name] = self._array(self.inputs[0], values, col)
        else:
            for spec in self.inputs:
                if spec.name not in columns:
                    raise ApiError(400, f"missing input column '{spec.name}' (have {sorted(columns)})")
                feed[spec.name] = self._array(spec, columns[spec.name], spec.name)
        try:
            outs = self.session.run(None, feed)  # InferenceSession.run is thread-safe
        except Exception as exc:  # noqa: BLE001 - bad shapes/values surface as onnxruntime errors
            raise ApiError(400, f"inference failed: {str(exc)[:300]}") from None
        return {spec.name: np.asarray(o) for spec, o in zip(self.outputs, outs, strict=True)}


class ModelCache:
    """Loaded models by sha256 (bounded)."""

    def __init__(self, limit: int = 32) -> None:
        self.limit = limit
        self._models: dict[str, OnnxModel] = {}
        self._lock = threading.Lock()

    def get(self, sha: str, loader: Any) -> OnnxModel:
        with self._lock:
            model = self._models.get(sha)
        if model is None:
            model = OnnxModel(loader())
            with self._lock:
                if len(self._models) >= self.limit:
                    self._models.pop(next(iter(self._models)))
                self._models[sha] = model
        return model


def _out_value(arr: np.ndarray) -> Any:
    if arr.dtype == np.float32:
        return f32_shortest(arr.reshape(-1).tolist() if arr.ndim <= 1 else arr.tolist())
    vals = arr.reshape(-1).tolist() if arr.ndim <= 1 else arr.tolist()
    return vals if isinstance(vals, list) else [vals]


def run_pipeline(rows: list[dict[str, Any]], steps: Sequence[tuple[dict, OnnxModel]], *, pipeline_version: str,
                 partition: str) -> tuple[list[dict], dict[str, str]]:
    """Run model steps in order -> (response records, output dtypes ``{"out.<name>": "float32"}``)."""
    if not rows:
        raise ApiError(400, "inference body has no rows")
    if not steps:
        raise ApiError(400, "pipeline has no model steps to run")
    names = list(rows[0].keys())
    for i, r in enumerate(rows):
        if list(r.keys()) != names and set(r.keys()) != set(names):
            raise ApiError(400, f"row {i} has columns {sorted(r)}; expected {sorted(names)}")
    columns: dict[str, list[Any]] = {k: [r[k] for r in rows] for k in names}
    t0 = time.perf_counter_ns()
    outputs: dict[str, np.ndarray] = {}
    for _ref, model in steps:
        outputs = model.run(columns)
        columns = {k: v.tolist() for k, v in outputs.items()}
    elapsed = time.perf_counter_ns() - t0
    ref = steps[-1][0]
    last_model = json.dumps({"model_name": ref["name"], "model_sha": ref["sha"]}, separators=(",", ":"))
    now_ms = int(time.time() * 1000)
    dtypes = {f"out.{k}": "float32" for k, v in outputs.items() if v.dtype == np.float32}
    records = []
    for i, row in enumerate(rows):
        out = {k: _out_value(v[i]) for k, v in outputs.items()}
        records.append({"time": now_ms, "in": row, "out": out, "check_failures": [],
                        "metadata": {"last_model": last_model, "pipeline_version": pipeline_version,
                                     "elapsed": [int(elapsed), 0], "dropped": [], "partition": partition}})
    return records, dtypes


def flatten(record: dict) -> dict:
    """A response record -> the flattened log shape (``in.x``, ``out.y``, ``metadata.z``)."""
    flat: dict[str, Any] = {"time": record["time"]}
    for section in ("in", "out"):
        flat.update({f"{section}.{k}": v for k, v in record[section].items()})
    flat["check_failures"] = record["check_failures"]
    flat.update({f"metadata.{k}": v for k, v in record["metadata"].items()})
    return flat


def arrow_bytes(records: list[dict]) -> bytes | None:
    """Records as an Arrow IPC file, or None when they do not form a table."""
    import pyarrow as pa

    try:
        table = pa.Table.from_pylist(records)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()
