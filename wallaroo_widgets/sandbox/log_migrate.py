"""One-time migration of inference logs in the old layout (``inference_logs``: per-row JSON) to segments.

Runs in the Store's start-up write transaction: every old row is decoded as the old store read it, written
to fsync'd segment files (batches of rows with the same float32 outputs), indexed, and the old rows deleted
in the same commit — a crash before the commit leaves the old rows (migrated again next start) and orphan
files (removed later), never a loss or a duplicate.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import log_arrow

CHUNK = 200_000


def _old_records(rows: list[tuple]) -> list[tuple[list[str], dict[str, Any]]]:
    out = []
    for t, inj, outj, dtypes, cf, meta in rows:
        rec: dict[str, Any] = {"time": t}
        rec.update({f"in.{k}": v for k, v in json.loads(inj).items()})
        rec.update({f"out.{k}": v for k, v in json.loads(outj).items()})
        rec["check_failures"] = json.loads(cf)
        m = json.loads(meta)
        anomaly = m.pop("__anomaly__", None)
        rec.update({f"metadata.{k}": v for k, v in m.items()})
        if anomaly:
            rec.update({f"anomaly.{k}": v for k, v in anomaly.items()})
        out.append(([f"out.{f}" for f in json.loads(dtypes)], rec))
    return out


def migrate(store: Any, conn: sqlite3.Connection) -> int:
    """Move every ``inference_logs`` row into the log store (caller's write transaction) -> rows moved."""
    if conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='inference_logs'").fetchone() is None:
        return 0
    pipes = [r[0] for r in conn.execute("SELECT DISTINCT pipeline_id FROM inference_logs")]
    moved = 0
    for pid in pipes:
        last = 0
        while True:
            rows = conn.execute("SELECT id, time_ms, in_json, out_json, out_dtypes, check_failures, metadata_json "
                                "FROM inference_logs WHERE pipeline_id = ? AND id > ? ORDER BY id LIMIT ?",
                                (pid, last, CHUNK)).fetchall()
            if not rows:
                break
            last = rows[-1][0]
            recs = _old_records([r[1:] for r in rows])
            i = 0
            while i < len(recs):  # runs of rows with the same float32 outputs
                j = i
                while j < len(recs) and recs[j][0] == recs[i][0]:
                    j += 1
                f32 = recs[i][0]
                table = log_arrow.records_table([r for _, r in recs[i:j]], f32)
                store.index_segment(conn, pid, store.write_segment_file(pid, table), table, f32)
                moved += j - i
                i = j
    conn.execute("DELETE FROM inference_logs")
    return moved
