"""Streaming ``import-logs``: the input is read in chunks straight into Arrow log batches.

JSON lines (blocks cut at line ends, parsed by pyarrow's JSON reader) and Parquet (row groups) become Arrow
tables without per-row Python objects when their columns are already numbers / lists of numbers; any other
chunk (stringified lists, ISO times mixed with numbers, a JSON array, CSV) goes through the per-record
``import_logs.normalize`` rules, a chunk at a time. Every chunk is written to an fsync'd segment file as it
comes; the segments are indexed in one transaction at the end, so a bad record anywhere imports nothing.
Output fields are float32 when every chunk says so (``--output-dtype auto``).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..drift.float32 import is_float32_shortest as float32_shortest
from . import import_logs as il
from . import log_arrow
from .import_csv import csv_table

#: JSON-lines bytes parsed at a time: the parser's buffers are a few times this, so it bounds peak memory
#: (1M rows, mimalloc: 8 MB blocks ~240 MB peak, 32 MB blocks ~350 MB)
BLOCK_BYTES = 8 << 20
#: records per chunk of the per-record paths (CSV, JSON arrays, odd JSON lines) and Parquet batches
ROWS = 50_000
#: rows per segment file: parsed chunks are gathered (as compact Arrow columns) up to this many
SEGMENT_ROWS = 250_000
_NON_SPACE = re.compile(rb"\S")
_BETWEEN = re.compile(rb"\}\s*,\s*\{")  # between two objects of a JSON array


# --- reading chunks -------------------------------------------------------------------------------------------

def chunks(path: str | Path) -> Iterator[pa.Table | list[dict[str, Any]]]:
    """Arrow tables (fast path) or lists of raw records, in file order."""
    path = Path(path)
    if not path.is_file():
        raise il.ImportError_(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=ROWS):
            yield pa.Table.from_batches([batch])
    elif suffix in {".csv", ".tsv"}:
        yield from _csv(path, suffix)
    else:
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip()
        if head[:1] == b"[":
            yield from _json_array(path)
        else:
            yield from _json_lines(path)


def _csv(path: Path, suffix: str) -> Iterator[list[dict[str, Any]]]:
    import pandas as pd

    for frame in pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False,
                             chunksize=ROWS):
        frame = frame.drop(columns=[c for c in frame.columns if c == "" or c.startswith("Unnamed:")])
        table = csv_table(frame)  # numbers as columns, else the per-record rules
        yield table if table is not None else [{k: il._csv_cell(v) for k, v in row.items()}
                                                for row in frame.to_dict("records")]


def _json_array(path: Path) -> Iterator[pa.Table | list[dict[str, Any]]]:
    """A JSON array in blocks cut between top-level objects (``}, {``): a block's objects go to pyarrow's JSON
    reader as JSON lines, or, when it refuses them, to the standard parser as one array. A cut inside a string
    leaves an unterminated string that both reject: then the cut before it is tried."""
    with path.open("rb") as fh:
        data = fh.read(BLOCK_BYTES)
        lead = _NON_SPACE.search(data)
        if lead is None or data[lead.start():lead.start() + 1] != b"[":
            raise il.ImportError_(f"{path}: expected a JSON array of records")
        rest, eof = data[lead.start() + 1:], False
        while not eof:
            block = fh.read(BLOCK_BYTES)
            data, eof = rest + block, not block
            if eof:
                end = data.rstrip()
                if not end.endswith(b"]"):
                    raise il.ImportError_(f"{path}: invalid JSON (the array is not closed)")
                data, cuts = end, [(len(end) - 1, len(end))]
            else:
                found = list(_BETWEEN.finditer(data, max(0, len(data) - (1 << 20)))) or list(_BETWEEN.finditer(data))
                cuts = [(m.start() + 1, m.end() - 1) for m in found[-1:-4:-1]]  # (piece end, rest start)
                if not cuts:  # one object larger than the block so far
                    rest = data
                    continue
            for cut, resume in cuts:
                got, error = _array_piece(memoryview(data)[:cut])
                if error is None:
                    rest = data[resume:]
                    break
            else:
                if eof or len(data) > 4 * BLOCK_BYTES:
                    raise il.ImportError_(f"{path}: invalid JSON ({error})")
                rest = data  # every cut fell inside a string: read on
                continue
            if got is not None:
                yield got


def _array_piece(piece: memoryview) -> tuple[pa.Table | list | None, str | None]:
    """``(objects, None)`` of ``obj, obj, ...`` (None when blank), or ``(None, message)`` when not JSON."""
    import pyarrow.json as pj

    if not _NON_SPACE.search(piece):
        return None, None
    lines = _BETWEEN.sub(b"}\n{", piece)
    for multiline in (False, True):  # one object a line (parsed in parallel), else pretty-printed objects
        try:
            return pj.read_json(pa.BufferReader(lines), parse_options=pj.ParseOptions(newlines_in_values=multiline)), None
        except pa.ArrowException:
            pass
    del lines
    try:
        return json.loads(b"[" + bytes(piece) + b"]") or None, None
    except json.JSONDecodeError as exc:
        return None, exc.msg


def _json_lines(path: Path) -> Iterator[pa.Table | list[dict[str, Any]]]:
    import pyarrow.json as pj

    with path.open("rb") as fh:
        rest, line_no = b"", 0
        while True:
            block = fh.read(BLOCK_BYTES)
            data = rest + block if rest else block
            cut = data.rfind(b"\n") + 1 if block else len(data)  # whole lines; at the end, what is left
            rest = data[cut:]
            if _NON_SPACE.search(data, 0, cut):
                view = memoryview(data)[:cut]  # parsed in place, not copied
                try:
                    yield pj.read_json(pa.BufferReader(pa.py_buffer(view)))
                except pa.ArrowException:
                    yield _json_lines_slow(bytes(view), path, line_no)
                del view
            line_no += data.count(b"\n", 0, cut)
            del data
            if not block:
                return


def _json_lines_slow(data: bytes, path: Path, line_no: int) -> list[dict[str, Any]]:
    out = []
    for i, line in enumerate(data.decode("utf-8").splitlines()):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise il.ImportError_(f"{path}: invalid JSON ({exc.msg} at line {line_no + i + 1})") from None
    return out


# --- normalising a chunk ----------------------------------------------------------------------------------------

def _numeric_list(t: pa.DataType) -> bool:
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return True
    while pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        t = t.value_type
    return pa.types.is_integer(t) or pa.types.is_floating(t)


def fast_table(table: pa.Table, first: int) -> pa.Table | None:
    """A chunk in the canonical log shape, or None when a column needs the per-record rules."""
    names = table.column_names
    if "time" not in names or not any(n.startswith("out.") and len(n) > 4 for n in names):
        return None
    t = table.column("time").type
    if not (pa.types.is_integer(t) or pa.types.is_timestamp(t)):
        return None
    if table.column("time").null_count:
        return None
    cols: dict[str, pa.Array] = {}
    for name in names:
        col = table.column(name).combine_chunks()
        if name == "time":
            ms = col.cast(pa.timestamp("ms", tz=col.type.tz)).cast(pa.int64()) if pa.types.is_timestamp(col.type) \
                else col.cast(pa.int64())
            arr = ms.to_numpy()
            if arr.size and (arr.min() < il._MS_RANGE[0] or arr.max() > il._MS_RANGE[1]):
                return None
            cols["time"] = ms
        elif name.startswith(("in.", "out.")) and len(name.split(".", 1)[1]) > 0:
            if not _numeric_list(col.type) or col.null_count:
                return None
            if not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)
                    or pa.types.is_fixed_size_list(col.type)):
                col = pa.ListArray.from_arrays(pa.array(np.arange(len(col) + 1, dtype=np.int32)), col)
            cols[name] = log_arrow._finite(col)
        elif name == "check_failures":
            if not (pa.types.is_list(col.type) and pa.types.is_null(col.type.value_type)) or col.null_count:
                return None
            cols[name] = col
        elif name.startswith(("metadata.", "anomaly.")) and len(name.split(".", 1)[1]) > 0:
            if pa.types.is_struct(col.type) or log_arrow._has_struct(col.type):
                return None
            cols[name] = col
        else:
            return None  # unexpected fields get the per-record error message
    if "check_failures" not in cols:
        cols["check_failures"] = pa.ListArray.from_arrays(pa.array(np.zeros(len(table) + 1, np.int32)),
                                                          pa.array([], pa.null()))
    order = ["time"] + sorted((n for n in cols if n != "time"), key=log_arrow._rank)
    return pa.table({n: cols[n] for n in order})


def chunk_table(chunk: pa.Table | list[dict[str, Any]], first: int) -> tuple[pa.Table, set[str]]:
    """A chunk (Arrow or records) -> (canonical log batch, not yet sorted; its float32-looking outputs)."""
    if isinstance(chunk, pa.Table):
        fast = fast_table(chunk, first)
        if fast is not None:
            return fast, f32_fields(fast)
        chunk = chunk.to_pylist()
    records = il.normalize(chunk, first=first)
    if not records:
        raise il.ImportError_("no records to import")
    f32 = {k for k, v in il.output_dtypes(records).items() if v == "float32"}
    return log_arrow.records_table(records).drop_columns(["model_name"]), f32


def f32_fields(table: pa.Table) -> set[str]:
    """Output columns whose every value is a float32 shortest decimal in this chunk."""
    out = set()
    for name in table.column_names:
        if not name.startswith("out."):
            continue
        col = table.column(name).combine_chunks()
        while pa.types.is_list(col.type) or pa.types.is_large_list(col.type) or pa.types.is_fixed_size_list(col.type):
            col = col.flatten()
        if not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)) or col.null_count:
            continue
        vals = col.cast(pa.float64()).to_numpy(zero_copy_only=False)
        if vals.size and float32_shortest(vals):
            out.add(name)
    return out


def with_last_model(table: pa.Table, last_model: str) -> pa.Table:
    """``metadata.last_model`` defaulted (as the per-record import did), then ``model_name`` and time order."""
    if "metadata.last_model" in table.column_names:
        i = table.column_names.index("metadata.last_model")
        col = table.column(i)
        if col.null_count and pa.types.is_string(col.type):
            table = table.set_column(i, "metadata.last_model", pc.fill_null(col, last_model))
    else:
        const = pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(table), np.int32)), pa.array([last_model]))
        names = table.column_names
        at = next((i for i, n in enumerate(names) if n.startswith(("metadata.", "anomaly."))), len(names))
        table = table.add_column(at, "metadata.last_model", const)
    return log_arrow.finish(table)


# --- the import --------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def system_memory_pool() -> Iterator[None]:
    """Arrow allocations from the C allocator while importing: it hands freed blocks back to the OS at once,
    where mimalloc (pyarrow's default) keeps them a while, so peak memory no longer depends on when that
    happens (1M rows: ~180 MB peak instead of 235-250 MB, same CPU)."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def import_file(open_store: Any, path: str | Path, *, workspace: str, pipeline: str, model: str,
                owner: str | None = None, output_dtype: str = "auto") -> dict[str, Any]:
    """Stream ``path`` into the log store; ``open_store()`` is called once the first chunk parsed (a bad file
    never creates a data dir). Returns ``{"records", "workspace_id", "pipeline_id", "output_dtypes"}``."""
    with system_memory_pool():
        return _import_file(open_store, path, workspace=workspace, pipeline=pipeline, model=model, owner=owner,
                            output_dtype=output_dtype)


def _import_file(open_store: Any, path: str | Path, *, workspace: str, pipeline: str, model: str,
                 owner: str | None, output_dtype: str) -> dict[str, Any]:
    from .logstore import LogStore

    store = target = ls = None
    written: list[tuple[str, int, int, int]] = []
    pending: list[pa.Table] = []  # parsed chunks not yet in a segment (same schema), < SEGMENT_ROWS rows
    fields: set[str] = set()
    not_f32: set[str] = set()
    rows = 0

    def write_pending() -> None:
        table = log_arrow.finish(pending[0] if len(pending) == 1 else pa.concat_tables(pending))
        pending.clear()
        times = table.column("time")
        written.append((ls.write_segment_file(target["pipeline_id"], table), table.num_rows,
                        int(times[0].as_py()), int(times[-1].as_py())))

    try:
        for chunk in chunks(path):
            table, f32 = chunk_table(chunk, rows)
            del chunk
            if store is None:
                store, target = _target(open_store(), workspace, pipeline, model, owner)
                ls = LogStore.for_dir(store.data_dir)
                last_model = json.dumps({"model_name": model, "model_sha": target.get("model_sha") or ""},
                                        separators=(",", ":"))
            outs = {n for n in table.column_names if n.startswith("out.")}
            fields |= outs
            not_f32 |= outs - f32
            table = with_last_model(table, last_model)
            rows += table.num_rows
            if pending and not table.schema.equals(pending[0].schema, check_metadata=True):
                write_pending()
            pending.append(table)
            del table
            if sum(t.num_rows for t in pending) >= SEGMENT_ROWS:
                write_pending()
        if pending:
            write_pending()
        if not rows:
            raise il.ImportError_(f"{path}: no records")
        dtypes = {f: ("float64" if f in not_f32 else "float32") if output_dtype == "auto" else output_dtype
                  for f in sorted(fields)}
        chosen = [f for f, d in dtypes.items() if d == "float32"]
        with store.tx(write=True) as conn:
            for file, n, lo, hi in written:
                ls.index_file(conn, target["pipeline_id"], file, n, lo, hi, chosen)
        written = []
    finally:
        for file, *_ in written:  # not indexed: an error on the way imports nothing
            with contextlib.suppress(OSError):
                (ls.root / file).unlink()
    return {"records": rows, "workspace_id": target["workspace_id"], "pipeline_id": target["pipeline_id"],
            "output_dtypes": dtypes}


def _target(store: Any, workspace: str, pipeline: str, model: str, owner: str | None) -> tuple[Any, dict]:
    from . import db

    owner_user = None
    if owner is not None:
        with store.tx() as conn:
            owner_user = db.get_user(conn, email=owner)
        if owner_user is None:
            raise il.ImportError_(f"--owner: no user with email {owner!r}")
    return store, store.ensure_pipeline(workspace=workspace, pipeline=pipeline, model=model, owner=owner_user)
