"""SQLite persistence of V2 assays (UUID ids) and their results (tables ``assays_v2``, ``assay_v2_results``).

Functions take an open ``sqlite3.Connection``; the caller owns the transaction. A V2 assay is stored as its
wire object (``config``: baseline as ``{"Summary": …}``, scheduling, summarizer, targeting, window) plus
the scheduler's cursor ``next_run_index`` (k of the next grid time t_k = first_run + width + k·frequency;
empty windows advance it too). Results are unique per (assay, run index), so a window is never stored twice.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .assay_store import in_ids, select_results

SCHEMA = """
CREATE TABLE IF NOT EXISTS assays_v2 (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL,
    pipeline_id INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    config TEXT NOT NULL,
    next_run_index INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS assays_v2_workspace ON assays_v2(workspace_id);
CREATE TABLE IF NOT EXISTS assay_v2_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assay_id TEXT NOT NULL REFERENCES assays_v2(id) ON DELETE CASCADE,
    run_index INTEGER NOT NULL,
    window_end_us INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (assay_id, run_index)
);
"""

_COLS = ("id", "name", "workspace_id", "pipeline_id", "active", "config", "next_run_index", "created_at", "updated_at")


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def _row(row: tuple) -> dict[str, Any]:
    d = dict(zip(_COLS, row, strict=True))
    d["config"] = json.loads(d["config"])
    d["active"] = bool(d["active"])
    return d


def insert_assay(conn: sqlite3.Connection, *, assay_id: str, name: str, workspace_id: int, pipeline_id: int,
                 active: bool, config: dict, now: str) -> None:
    """Insert; ``ValueError`` when the name is taken (names are unique instance-wide, as in Wallaroo)."""
    try:
        conn.execute("INSERT INTO assays_v2 (id, name, workspace_id, pipeline_id, active, config, created_at,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (assay_id, name, workspace_id, pipeline_id, int(bool(active)),
                      json.dumps(config, allow_nan=False), now, now))
    except sqlite3.IntegrityError:
        raise ValueError(f"an assay named {name!r} already exists") from None


def get_assay(conn: sqlite3.Connection, assay_id: str) -> dict | None:
    row = conn.execute(f"SELECT {', '.join(_COLS)} FROM assays_v2 WHERE id = ?", (assay_id,)).fetchone()
    return None if row is None else _row(row)


def list_assays(conn: sqlite3.Connection, *, workspace_ids: list[int] | None = None,
                active: bool | None = None) -> list[dict]:
    """Newest first; ``workspace_ids`` None = all workspaces, ``active`` None = both."""
    where, args = [], []
    if workspace_ids is not None:
        where.append(in_ids("workspace_id", workspace_ids))
        args.extend(workspace_ids)
    if active is not None:
        where.append("active = ?")
        args.append(int(active))
    sql = f"SELECT {', '.join(_COLS)} FROM assays_v2" + (" WHERE " + " AND ".join(where) if where else "")
    return [_row(r) for r in conn.execute(sql + " ORDER BY created_at DESC, rowid DESC", args).fetchall()]


def set_active(conn: sqlite3.Connection, assay_id: str, active: bool, now: str) -> None:
    conn.execute("UPDATE assays_v2 SET active = ?, updated_at = ? WHERE id = ?", (int(bool(active)), now, assay_id))


def set_next_run_index(conn: sqlite3.Connection, assay_id: str, index: int) -> None:
    """Advance the run cursor (never backwards)."""
    conn.execute("UPDATE assays_v2 SET next_run_index = MAX(next_run_index, ?) WHERE id = ?", (index, assay_id))


def insert_results(conn: sqlite3.Connection, assay_id: str, results: list[tuple[int, int, dict]], now: str) -> int:
    """Store ``(run_index, window_end_us, body)`` (body without ``id``/``created_at``); windows already stored
    are skipped. Returns rows added."""
    added = 0
    for index, end_us, body in results:
        cur = conn.execute("INSERT OR IGNORE INTO assay_v2_results (assay_id, run_index, window_end_us, body,"
                           " created_at) VALUES (?, ?, ?, ?, ?)",
                           (assay_id, index, end_us, json.dumps(body, allow_nan=False), now))
        added += cur.rowcount
    return added


def get_results(conn: sqlite3.Connection, assay_id: str, start_us: int | None = None,
                end_us: int | None = None) -> list[dict]:
    """Stored results ascending by window end; ``start`` <= window_end < ``end``."""
    return select_results(conn, "assay_v2_results", "window_end_us", assay_id, start_us, end_us)
