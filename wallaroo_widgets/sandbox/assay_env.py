"""Lookups of the V1 assay code on a store connection (pipelines, workspaces, visibility, logs as a
``LogSource``), shared by the assay routers, the scheduler and the demo seed.

Transactions are the store's own (``Store.tx``); callers come from ``deps.require_user``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .assay_config import LogSource, Window, parse_path
from .errors import ApiError

# --- entities -------------------------------------------------------------------------------------------------

def pipeline_by_id(conn: Any, pipeline_id: int) -> dict | None:
    """``{"id", "name", "workspace_id"}`` or None."""
    row = conn.execute("SELECT id, name, workspace_id FROM pipelines WHERE id = ?", (pipeline_id,)).fetchone()
    return None if row is None else {"id": row[0], "name": row[1], "workspace_id": row[2]}


def pipeline_by_name(conn: Any, workspace_id: int, name: str | None) -> dict | None:
    if not name:
        return None
    row = conn.execute("SELECT id, name, workspace_id FROM pipelines WHERE workspace_id = ? AND name = ?",
                       (workspace_id, name)).fetchone()
    return None if row is None else {"id": row[0], "name": row[1], "workspace_id": row[2]}


def workspace_name(conn: Any, workspace_id: int) -> str | None:
    row = conn.execute("SELECT name FROM workspaces WHERE id = ?", (workspace_id,)).fetchone()
    return None if row is None else row[0]


def workspace_id_by_name(conn: Any, name: str) -> int | None:
    row = conn.execute("SELECT id FROM workspaces WHERE name = ?", (name,)).fetchone()
    return None if row is None else row[0]


def visible_workspaces(conn: Any, user: Any) -> list[int]:
    """Ids of the workspaces the user is a member of."""
    rows = conn.execute("SELECT workspace_id FROM workspace_members WHERE user_id = ?", (_uid(user),)).fetchall()
    return [r[0] for r in rows]


def can_access(conn: Any, user: Any, workspace_id: int) -> bool:
    return workspace_id in visible_workspaces(conn, user)


def _uid(user: Any) -> Any:
    return user["id"] if isinstance(user, dict) else user.id


def owned_assay(conn: Any, caller: Any, assay_id: int, name: str = "id") -> dict:
    """The stored assay ``assay_id`` if the caller may see it; unknown and foreign alike -> 404 naming ``name``."""
    from . import assay_store as st

    a = st.get_assay(conn, assay_id)
    if a is None or not can_access(conn, caller, a["workspace_id"]):
        raise ApiError(404, f"{name}: assay {assay_id} not found")
    return a


# --- logs -----------------------------------------------------------------------------------------------------

def log_source(conn: Any, workspace_id: int) -> LogSource:
    """``(pipeline_name, model_name, direction, field, index, start_ms, end_ms) -> (times_ms, values)``."""
    from . import db

    def source(pipeline_name, model_name, direction, field, index, start_ms, end_ms):
        pipe = pipeline_by_name(conn, workspace_id, pipeline_name)
        if pipe is None:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        return db.log_values(conn, pipe["id"], f"{direction}.{field}", index, start_ms, end_ms, model_name)

    return source


def first_log_ms(logs: LogSource, window: Window) -> int | None:
    direction, field, index = parse_path(window.path)
    times, _ = logs(window.pipeline_name, window.model_name, direction, field, index, None, None)
    return None if len(times) == 0 else int(np.min(times))


def get_logs(conn: Any, pipeline_id: int, start_ms: int | None, end_ms: int | None, model_name: str | None,
             limit: int | None) -> list[dict]:
    from . import db

    return db.get_logs(conn, pipeline_id, start_ms, end_ms, model_name, limit)
