"""SQLite persistence of V1 assays and their results (tables ``assays`` and ``assay_results``).

Functions take an open ``sqlite3.Connection``; the caller owns the transaction. Results are unique
per (assay, window start), so re-running a window never duplicates it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import numpy as np

from ..drift.types import AssayResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS assays (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL,
    pipeline_id INTEGER,
    pipeline_name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'created',
    config TEXT NOT NULL,
    run_until TEXT,
    next_run TEXT,
    last_run TEXT,
    cursor_ms INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS assays_pipeline ON assays(pipeline_id);
CREATE TABLE IF NOT EXISTS assay_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assay_id INTEGER NOT NULL REFERENCES assays(id) ON DELETE CASCADE,
    window_start_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (assay_id, window_start_ms)
);
"""


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def in_ids(column: str, ids: list[int]) -> str:
    """``column IN (?, …)`` for ``ids`` (``IN (NULL)``, true of no row, when there are none)."""
    return f"{column} IN ({','.join('?' * len(ids)) or 'NULL'})"


def select_results(conn: sqlite3.Connection, table: str, column: str, assay_id: int | str, start: int | None,
                   end: int | None, limit: int | None = None) -> list[dict]:
    """One assay's stored results of ``table`` (the V1 or V2 results table) whose ``column`` is in [start, end)
    (None: open), ascending by it, at most ``limit``: each its body with its ``id`` and ``created_at``."""
    sql = f"SELECT id, body, created_at FROM {table} WHERE assay_id = ?"
    args: list[Any] = [assay_id]
    if start is not None:
        sql += f" AND {column} >= ?"
        args.append(start)
    if end is not None:
        sql += f" AND {column} < ?"
        args.append(end)
    sql += f" ORDER BY {column} ASC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    out = []
    for rid, body, created in conn.execute(sql, args).fetchall():
        d = json.loads(body)
        d["id"] = rid
        d["created_at"] = created
        out.append(d)
    return out


def _row(cur: sqlite3.Cursor, row: tuple) -> dict[str, Any]:
    d = {c[0]: v for c, v in zip(cur.description, row, strict=True)}
    if "config" in d:
        d["config"] = json.loads(d["config"])
    return d


def insert_assay(conn: sqlite3.Connection, *, name: str, workspace_id: int, pipeline_id: int | None,
                 pipeline_name: str, active: bool, config: dict, run_until: str | None, next_run: str | None,
                 now: str) -> int:
    """Insert; raises ``ValueError("assay name already exists")`` on a duplicate name."""
    try:
        cur = conn.execute(
            "INSERT INTO assays (name, workspace_id, pipeline_id, pipeline_name, active, status, config, run_until,"
            " next_run, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'created', ?, ?, ?, ?, ?)",
            (name, workspace_id, pipeline_id, pipeline_name, int(bool(active)), json.dumps(config, allow_nan=False), run_until,
             next_run, now, now))
    except sqlite3.IntegrityError:
        raise ValueError("assay name already exists") from None
    return int(cur.lastrowid)


def get_assay(conn: sqlite3.Connection, assay_id: int) -> dict | None:
    cur = conn.execute("SELECT * FROM assays WHERE id = ?", (assay_id,))
    row = cur.fetchone()
    return None if row is None else _row(cur, row)


def list_assays(conn: sqlite3.Connection, *, pipeline_id: int | None = None,
                workspace_ids: list[int] | None = None, active_only: bool = False) -> list[dict]:
    """Newest first."""
    where, args = [], []
    if pipeline_id is not None:
        where.append("pipeline_id = ?")
        args.append(pipeline_id)
    if workspace_ids is not None:
        where.append(in_ids("workspace_id", workspace_ids))
        args.extend(workspace_ids)
    if active_only:
        where.append("active = 1")
    sql = "SELECT * FROM assays" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
    cur = conn.execute(sql, args)
    return [_row(cur, r) for r in cur.fetchall()]


def list_item(a: dict, workspace_name: str | None) -> dict:
    """The assays/list item of a stored assay (every documented key, explicit nulls)."""
    c = a["config"]
    return {"id": a["id"], "name": a["name"], "active": bool(a["active"]), "status": a["status"],
            "warning_threshold": c.get("warning_threshold"), "alert_threshold": c.get("alert_threshold"),
            "pipeline_id": a["pipeline_id"], "pipeline_name": a["pipeline_name"], "last_run": a["last_run"],
            "next_run": a["next_run"], "run_until": a["run_until"], "updated_at": a["updated_at"],
            "created_at": a["created_at"], "baseline": c["baseline"], "window": c["window"],
            "summarizer": c["summarizer"], "workspace_id": a["workspace_id"], "workspace_name": workspace_name}


def set_active(conn: sqlite3.Connection, assay_id: int, active: bool, now: str) -> None:
    conn.execute("UPDATE assays SET active = ?, updated_at = ? WHERE id = ?", (int(bool(active)), now, assay_id))


def update_run(conn: sqlite3.Connection, assay_id: int, *, cursor_ms: int | None, last_run: str | None,
               next_run: str | None, status: str | None, now: str) -> None:
    conn.execute(
        "UPDATE assays SET cursor_ms = COALESCE(?, cursor_ms), last_run = COALESCE(?, last_run), next_run = ?,"
        " status = COALESCE(?, status), updated_at = ? WHERE id = ?",
        (cursor_ms, last_run, next_run, status, now, assay_id))


def stored_score(score: float) -> float:
    """The score as stored results show it: rounded to float32, printed in float32 shortest form."""
    return float(str(np.float32(score)))


def insert_results(conn: sqlite3.Connection, assay_id: int, results: list[AssayResult],
                   window_starts_ms: list[int], now: str) -> int:
    """Store results' wire dicts (score rounded to float32); windows already stored are skipped. Returns rows
    added."""
    added = 0
    for res, start_ms in zip(results, window_starts_ms, strict=True):
        body = res.to_api()
        body["score"] = stored_score(body["score"])
        cur = conn.execute(
            "INSERT OR IGNORE INTO assay_results (assay_id, window_start_ms, body, created_at) VALUES (?, ?, ?, ?)",
            (assay_id, start_ms, json.dumps(body), now))
        added += cur.rowcount
    return added


def get_results(conn: sqlite3.Connection, assay_id: int, start_ms: int | None = None, end_ms: int | None = None,
                limit: int | None = None) -> list[dict]:
    """Stored results' wire dicts (as ``insert_results`` wrote them, served as they are), ascending by window
    start; ``start`` inclusive, ``end`` exclusive."""
    return select_results(conn, "assay_results", "window_start_ms", assay_id, start_ms, end_ms, limit)
