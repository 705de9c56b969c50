"""The one place where the assay router, scheduler, demo seed and import-logs touch sandbox-core's store.

Everything else in the assay code works on plain values (sqlite3 connections, ``LogSource`` functions),
so adapting to the store API is confined to this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
from fastapi import Request

from .assay_config import LogSource, Window, parse_path

# --- store access ----------------------------------------------------------------------------------------------

def open_store(data_dir: str) -> Any:
    """The sandbox store on ``data_dir`` (also usable while a server runs on it)."""
    from .db import Store

    return Store(data_dir)


@contextlib.contextmanager
def store_connection(store: Any) -> Iterator[Any]:
    """A sqlite3 connection of the store (the Store created the assay tables); committed on success."""
    conn = store.connect()
    try:
        yield conn
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


def app_store(request: Request) -> Any:
    return request.app.state.store


@contextlib.contextmanager
def connection(request: Request, write: bool = False) -> Iterator[Any]:
    """One store transaction for a request (``write`` queues on the store's writer lock)."""
    with app_store(request).tx(write=write) as conn:
        yield conn


def authenticated(request: Request) -> Any:
    """Router dependency: the caller, authenticated once per request (401/403 as sandbox-core answers)."""
    user = getattr(request.state, "user", None)
    if user is not None:
        return user
    from .deps import require_user

    return require_user(request)


def caller(request: Request) -> Any:
    """The authenticated user of this request (``deps.Caller``)."""
    return authenticated(request)


def wake_scheduler(request: Request) -> None:
    sched = getattr(request.app.state, "assay_scheduler", None)
    if sched is not None:
        sched.wake()


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


def insert_logs(store: Any, pipeline_id: int, records: list[dict], output_dtypes: dict[str, str]) -> int:
    with store_connection(store) as conn:
        from . import db

        return db.insert_logs(conn, pipeline_id, records, output_dtypes)


# --- seeding / import -------------------------------------------------------------------------------------------

def workspace_exists(store: Any, name: str) -> bool:
    with store_connection(store) as conn:
        return workspace_id_by_name(conn, name) is not None


def ensure_user(store: Any, email: str, password: str, admin: bool = False) -> Any:
    return store.ensure_user(email, password, admin=admin)


def user_by_email(store: Any, email: str) -> Any:
    from . import db

    with store.tx() as conn:
        return db.get_user(conn, email=email)


def admin_user(store: Any) -> Any:
    return store.admin_user()


def add_member(store: Any, workspace_id: int, user: Any, user_type: str) -> None:
    store.add_member(workspace_id, _uid(user), user_type)


def ensure_target(store: Any, *, workspace: str, pipeline: str, model: str, owner: Any = None,
                  model_bytes: bytes | None = None, deploy: bool = False) -> dict:
    """Workspace, model and pipeline by name, created when missing -> ``{workspace_id, pipeline_id, model_sha}``."""
    return store.ensure_pipeline(workspace=workspace, pipeline=pipeline, model=model, owner=owner,
                                 model_bytes=model_bytes, deploy=deploy)
