"""The columnar inference-log store of the sandbox. Public read: ``LogStore.read``.

    store = LogStore.of(conn)            # the log store of a Store connection (or LogStore.for_store(store))
    table = store.read(pipeline_id, ["out.variable"], start_ms, end_ms, model_name=None, conn=conn)
    #  -> pyarrow.Table: "time" (int64 epoch ms, oldest first, ties in logging order) + the asked columns
    #     (all columns when ``columns`` is None; a column a batch lacks is null there). Float32 outputs are
    #     float32 columns. ``values(table, "out.variable", 0)`` -> (times_ms, float64 values) for assays.

Layout (docs/architecture.md, "Inference log store"): per pipeline, immutable Arrow IPC files
``<data dir>/logs/p<pipeline id>/<uuid>.arrow``, each sorted by time, indexed in SQLite (``log_segments``:
file, rows, min/max time, float32 columns). Reading one column over a time range memory-maps only the
segments whose time span overlaps it, binary-searches the range and touches only that column's buffers.
Small writes (an inference call) go to ``log_staging`` — one Arrow batch per call, a row in the same SQLite
transaction (WAL, ``synchronous=FULL``): acknowledged means committed and fsync'd, a failed call commits
nothing. When a pipeline's staged rows pass ``FLUSH_ROWS`` (or ``FLUSH_BATCHES`` calls) they are written to a
segment (fsync'd file + directory, then index row and staging delete in one transaction). Large writes
(calls of ``DIRECT_ROWS`` rows or more, import-logs chunks) go straight to segments. Models, pipelines,
assays and users stay in SQLite tables.
Logs in the old layout (``inference_logs`` rows of per-row JSON) migrate to segments once, on first start.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import log_arrow

FLUSH_ROWS = 50_000
FLUSH_BATCHES = 256
DIRECT_ROWS = 10_000  # calls this large skip staging (a 10k-row batch as a SQLite BLOB costs 3x the segment)
ORPHAN_AGE_S = 3600.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS log_segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id INTEGER NOT NULL, file TEXT NOT NULL UNIQUE,
    rows INTEGER NOT NULL, min_ms INTEGER NOT NULL, max_ms INTEGER NOT NULL, f32 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS log_segments_time ON log_segments(pipeline_id, min_ms);
CREATE TABLE IF NOT EXISTS log_staging (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id INTEGER NOT NULL, rows INTEGER NOT NULL,
    min_ms INTEGER NOT NULL, max_ms INTEGER NOT NULL, f32 TEXT NOT NULL, batch BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS log_staging_pipeline ON log_staging(pipeline_id, id);
"""

_REGISTRY: dict[str, LogStore] = {}
_REGISTRY_LOCK = threading.Lock()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


class LogStore:
    """Inference logs of one sandbox data dir (thread-safe; one instance per dir via ``of``/``for_dir``)."""

    def __init__(self, data_dir: str | os.PathLike) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "logs"
        self._cache: OrderedDict[str, pa.Table] = OrderedDict()
        self._lock = threading.Lock()

    # --- finding the store ----------------------------------------------------------------------------------------
    @classmethod
    def for_dir(cls, data_dir: str | os.PathLike) -> LogStore:
        key = str(Path(data_dir).resolve())
        with _REGISTRY_LOCK:
            store = _REGISTRY.get(key)
            if store is None:
                store = _REGISTRY[key] = cls(key)
            return store

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> LogStore:
        """The log store next to the SQLite file of ``conn`` (the Store's ``sandbox.db``)."""
        path = next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main")
        return cls.for_dir(Path(path).parent)

    # --- schema, migration, cleanup (Store start) -------------------------------------------------------------------
    def start(self, conn: sqlite3.Connection) -> None:
        """Create the index tables, migrate old-layout logs once, drop orphan files (call in a write tx)."""
        for statement in filter(str.strip, SCHEMA.split(";")):
            conn.execute(statement)  # not executescript: that would commit the caller's transaction
        from .log_migrate import migrate

        migrate(self, conn)
        self._drop_orphans(conn)

    def _drop_orphans(self, conn: sqlite3.Connection) -> None:
        """Files no index row names (a crash between writing and committing), older than ORPHAN_AGE_S."""
        if not self.root.exists():
            return
        known = {r[0] for r in conn.execute("SELECT file FROM log_segments")}
        cutoff = time.time() - ORPHAN_AGE_S
        for path in self.root.glob("p*/*"):
            rel = f"{path.parent.name}/{path.name}"
            with contextlib.suppress(OSError):
                if rel not in known and path.stat().st_mtime < cutoff:
                    path.unlink()

    # --- writing ------------------------------------------------------------------------------------------------
    def write_segment_file(self, pipeline_id: int, table: pa.Table) -> str:
        """Write a sorted batch as a new segment file (fsync'd; not yet indexed) -> its name under logs/."""
        folder = self.root / f"p{int(pipeline_id)}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.arrow"
        tmp = folder / f".{name}.tmp"
        with pa.OSFile(str(tmp), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as w:
                w.write_table(table, max_chunksize=1 << 20)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, folder / name)
        _fsync_dir(folder)
        return f"{folder.name}/{name}"

    @staticmethod
    def index_segment(conn: sqlite3.Connection, pipeline_id: int, file: str, table: pa.Table,
                      f32: Iterable[str]) -> None:
        times = table.column("time")
        LogStore.index_file(conn, pipeline_id, file, table.num_rows, int(times[0].as_py()), int(times[-1].as_py()),
                            f32)

    @staticmethod
    def index_file(conn: sqlite3.Connection, pipeline_id: int, file: str, rows: int, min_ms: int, max_ms: int,
                   f32: Iterable[str]) -> None:
        """Index a written segment file (its rows become visible when the caller commits)."""
        conn.execute("INSERT INTO log_segments (pipeline_id, file, rows, min_ms, max_ms, f32) VALUES (?,?,?,?,?,?)",
                     (int(pipeline_id), file, int(rows), int(min_ms), int(max_ms), json.dumps(sorted(set(f32)))))

    def append(self, conn: sqlite3.Connection, pipeline_id: int, table: pa.Table, f32: Iterable[str] = ()) -> int:
        """Log a sorted batch inside the caller's transaction (durable and atomic with it) -> rows."""
        if table.num_rows == 0:
            return 0
        f32 = sorted(set(f32))
        if table.num_rows >= min(DIRECT_ROWS, _flush_rows()):  # a big call: its own segment (3x cheaper)
            self.index_segment(conn, pipeline_id, self.write_segment_file(pipeline_id, table), table, f32)
            return table.num_rows
        times = table.column("time")
        conn.execute("INSERT INTO log_staging (pipeline_id, rows, min_ms, max_ms, f32, batch) VALUES (?,?,?,?,?,?)",
                     (int(pipeline_id), table.num_rows, int(times[0].as_py()), int(times[-1].as_py()),
                      json.dumps(f32), ipc_bytes(table)))
        rows, batches = conn.execute("SELECT COALESCE(SUM(rows), 0), COUNT(*) FROM log_staging WHERE pipeline_id = ?",
                                     (int(pipeline_id),)).fetchone()
        if rows >= _flush_rows() or batches >= FLUSH_BATCHES:
            self.flush(conn, pipeline_id)
        return table.num_rows

    def flush(self, conn: sqlite3.Connection, pipeline_id: int) -> None:
        """Move a pipeline's staged batches into one segment (caller's write transaction)."""
        staged = conn.execute("SELECT id, f32, batch FROM log_staging WHERE pipeline_id = ? ORDER BY id",
                              (int(pipeline_id),)).fetchall()
        if not staged:
            return
        for f32, group in _runs([(json.loads(f), _batch(b)) for _, f, b in staged]):
            table = log_arrow.finish(_concat(group))
            self.index_segment(conn, pipeline_id, self.write_segment_file(pipeline_id, table), table, f32)
        conn.execute("DELETE FROM log_staging WHERE pipeline_id = ? AND id <= ?", (int(pipeline_id), staged[-1][0]))

    # --- reading ------------------------------------------------------------------------------------------------
    def _segment(self, file: str) -> pa.Table:
        with self._lock:
            table = self._cache.get(file)
            if table is not None:
                self._cache.move_to_end(file)
                return table
        table = pa.ipc.open_file(pa.memory_map(str(self.root / file), "r")).read_all()  # zero-copy, lazy pages
        with self._lock:
            self._cache[file] = table
            while len(self._cache) > 256:
                self._cache.popitem(last=False)
        return table

    def read(self, pipeline_id: int, columns: Sequence[str] | None = None, start_ms: int | None = None,
             end_ms: int | None = None, *, model_name: str | None = None,
             conn: sqlite3.Connection | None = None) -> pa.Table:
        """THE read of inference logs: ``time`` + ``columns`` of rows with start_ms <= time < end_ms, oldest
        first (ties in logging order); ``model_name`` filters on the logged model. See the module docstring."""
        if conn is None:
            with contextlib.closing(self._connect()) as own:
                return self.read(pipeline_id, columns, start_ms, end_ms, model_name=model_name, conn=own)
        own_tx = not conn.in_transaction  # segments and staging from one snapshot (a flush moves rows between)
        if own_tx:
            conn.execute("BEGIN")
        try:
            parts = self._parts(conn, pipeline_id, start_ms, end_ms)
        finally:
            if own_tx:
                conn.execute("COMMIT")
        return _combine(parts, columns, model_name)

    def _parts(self, conn: sqlite3.Connection, pipeline_id: int, start_ms: int | None,
               end_ms: int | None) -> list[tuple[list[str], pa.Table]]:
        lo = -(2**63) if start_ms is None else int(start_ms)
        hi = 2**63 - 1 if end_ms is None else int(end_ms)
        parts: list[tuple[list[str], pa.Table]] = []
        for file, f32 in conn.execute("SELECT file, f32 FROM log_segments WHERE pipeline_id = ? AND min_ms < ? "
                                      "AND max_ms >= ? ORDER BY id", (int(pipeline_id), hi, lo)):
            parts.append((json.loads(f32), _slice(self._segment(file), lo, hi)))
        for f32, blob in conn.execute("SELECT f32, batch FROM log_staging WHERE pipeline_id = ? AND min_ms < ? "
                                      "AND max_ms >= ? ORDER BY id", (int(pipeline_id), hi, lo)):
            parts.append((json.loads(f32), _slice(_batch(blob), lo, hi)))
        return parts

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.data_dir / "sandbox.db", timeout=30.0)
        conn.execute("PRAGMA busy_timeout=30000")
        return conn


def _flush_rows() -> int:
    """FLUSH_ROWS, or ``WALLAROO_WIDGETS_LOG_FLUSH_ROWS`` (tests flush often to exercise segments under load)."""
    return int(os.environ.get("WALLAROO_WIDGETS_LOG_FLUSH_ROWS") or FLUSH_ROWS)


def values(table: pa.Table, column: str, index: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(times_ms int64, values float64)`` of element ``index`` of a column read by ``LogStore.read``
    (float32 outputs widened exactly; rows without a number there are skipped)."""
    if column not in table.column_names or table.num_rows == 0:
        return np.empty(0, np.int64), np.empty(0, np.float64)
    rows, vals = log_arrow.values_of(table.column(column), table.schema.field(column), index)
    times = table.column("time").to_numpy()
    return times[rows].astype(np.int64, copy=False), vals


def _batch(blob: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.BufferReader(blob)).read_all()


def _runs(items: list[tuple[list[str], pa.Table]]) -> Iterable[tuple[list[str], list[pa.Table]]]:
    """Consecutive batches with the same float32 columns."""
    group: list[pa.Table] = []
    key: list[str] | None = None
    for f32, table in items:
        if key is not None and f32 != key:
            yield key, group
            group = []
        key = f32
        group.append(table)
    if group:
        yield key or [], group


def _concat(tables: list[pa.Table]) -> pa.Table:
    if len(tables) == 1:
        return tables[0]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.concat_tables([_as_json(t) for t in tables], promote_options="permissive")


def _as_json(table: pa.Table) -> pa.Table:
    """Every record column as JSON text (batches whose types cannot be unified)."""
    cols, fields = [], []
    for f, col in zip(table.schema, table.columns, strict=True):
        if f.name in {"time", "model_name"} or (f.metadata and f.metadata.get(b"json")):
            cols.append(col)
            fields.append(f)
            continue
        values = log_arrow.pylist(col, f)
        cols.append(pa.array([None if v is None else json.dumps(v) for v in values], pa.string()))
        fields.append(pa.field(f.name, pa.string(), metadata=log_arrow.JSON_META))
    return pa.Table.from_arrays(cols, schema=pa.schema(fields))


def _slice(table: pa.Table, lo: int, hi: int) -> pa.Table:
    times = table.column("time").to_numpy()
    a, b = np.searchsorted(times, lo, "left"), np.searchsorted(times, hi, "left")
    return table.slice(a, b - a)


def _combine(parts: list[tuple[list[str], pa.Table]], columns: Sequence[str] | None,
             model_name: str | None) -> pa.Table:
    tables = []
    for f32, table in parts:
        if model_name is not None:
            mask = table.column("model_name").to_numpy(zero_copy_only=False) == model_name
            table = table.filter(mask)
        if table.num_rows == 0:
            continue
        keep = ["time"] + [c for c in (table.column_names[2:] if columns is None else columns)
                           if c in table.column_names and c != "time"]
        table = table.select(keep)
        for name in f32:
            if name in table.column_names:
                i = table.column_names.index(name)
                arr = log_arrow.to_float32(table.column(name).combine_chunks())
                table = table.set_column(i, table.schema.field(name).with_type(arr.type), arr)
        tables.append(table)
    if not tables:
        return pa.table({"time": pa.array([], pa.int64())})
    out = _concat(tables)
    times = out.column("time").to_numpy()
    if len(tables) > 1 and np.any(np.diff(times) < 0):
        out = out.take(pa.array(np.argsort(times, kind="stable")))
    return out
