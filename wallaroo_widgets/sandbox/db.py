"""SQLite store of the sandbox: schema, connections, transactions and entity helpers.

One file ``sandbox.db`` in the data dir (WAL, foreign keys, ``synchronous=FULL``); model files live
content-addressed under ``models/<sha256>``. Every request runs in one transaction (``Store.tx``).
Inference logs live in the columnar ``sandbox.logstore`` (Arrow segments indexed here); the record helpers
(``insert_logs``, ``get_logs``, ``log_values``) are in ``sandbox.logs`` and re-exported here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..drift import timeutil
from .logs import get_logs, insert_logs, log_values  # noqa: F401 - re-exported store API
from .logstore import LogStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, password_hash TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1, is_admin INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL,
    first_name TEXT, last_name TEXT);
CREATE TABLE IF NOT EXISTS workspaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
    created_by TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS workspace_members (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_type TEXT NOT NULL, PRIMARY KEY (workspace_id, user_id));
CREATE TABLE IF NOT EXISTS models (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id), owner_id TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (workspace_id, name));
CREATE TABLE IF NOT EXISTS model_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, model_id INTEGER NOT NULL REFERENCES models(id),
    model_version TEXT NOT NULL UNIQUE, sha TEXT NOT NULL, file_name TEXT NOT NULL, size INTEGER NOT NULL,
    visibility TEXT, conversion TEXT, status TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pipelines (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id), owner_id TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (workspace_id, name));
CREATE TABLE IF NOT EXISTS pipeline_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    version TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deployments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, deploy_id TEXT NOT NULL,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    pipeline_version_id INTEGER NOT NULL REFERENCES pipeline_versions(id),
    model_version_ids TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, deployed_at REAL NOT NULL,
    created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deployments_pipeline ON deployments(pipeline_id, active);
CREATE TABLE IF NOT EXISTS inference_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    time_ms INTEGER NOT NULL, model_name TEXT, in_json TEXT NOT NULL, out_json TEXT NOT NULL,
    out_dtypes TEXT NOT NULL, check_failures TEXT NOT NULL, metadata_json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS inference_logs_time ON inference_logs(pipeline_id, time_ms);
"""

DB_FILE = "sandbox.db"


def now_iso() -> str:
    """Current UTC time in RFC 3339 with ``+00:00``."""
    return timeutil.iso_offset(timeutil.now())


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 20_000).hex()
    return f"pbkdf2${salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, _digest = stored.split("$")
    except ValueError:
        return False
    return secrets.compare_digest(hash_password(password, salt), stored)


def default_workspace_name(email: str) -> str:
    return f"{email} - Default Workspace"


class Store:
    """The sandbox's SQLite database and model files in ``data_dir`` (thread-safe; one connection per use)."""

    def __init__(self, data_dir: str | os.PathLike) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "models").mkdir(exist_ok=True)
        self.path = self.data_dir / DB_FILE
        self._init_lock = threading.Lock()
        self._local = threading.local()
        self._write_lock = threading.RLock()
        with self._init_lock, contextlib.closing(self.connect()) as conn:
            conn.executescript(SCHEMA)
            from . import assay_store, assay_v2_store

            assay_store.ensure_schema(conn)
            assay_v2_store.ensure_schema(conn)
            conn.commit()
            conn.execute("BEGIN IMMEDIATE")
            LogStore.for_dir(self.data_dir).start(conn)  # index tables; old-layout logs migrate once
            conn.commit()

    # --- connections -------------------------------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        """A new connection (WAL, foreign keys, synchronous=FULL); the caller commits and closes it."""
        conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @contextlib.contextmanager
    def tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction: ``BEGIN IMMEDIATE`` for writes (no lock upgrades), committed on success.

        Uses this thread's cached connection (a nested ``tx`` in the same thread gets a fresh one). Writers
        of this process queue on a lock, so SQLite's busy back-off (sleeps) only applies across processes.
        """
        if write:
            with self._write_lock:
                with self._tx(True) as conn:
                    yield conn
            return
        with self._tx(False) as conn:
            yield conn

    @contextlib.contextmanager
    def _tx(self, write: bool) -> Iterator[sqlite3.Connection]:
        conn = getattr(self._local, "conn", None)
        nested = conn is None or conn.in_transaction
        if nested:
            conn = self.connect()
            if getattr(self._local, "conn", None) is None:
                self._local.conn, nested = conn, False
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if nested:
                conn.close()

    # --- model files ---------------------------------------------------------------------------------------------
    def model_path(self, sha: str) -> Path:
        return self.data_dir / "models" / sha

    def write_model_file(self, data: bytes) -> str:
        """Store bytes content-addressed by sha256 (atomic rename, fsync); returns the sha."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.model_path(sha)
        if target.exists() and target.stat().st_size == len(data):
            return sha
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            dir_fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)  # the rename itself survives a crash
            finally:
                os.close(dir_fd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return sha

    # --- logs by names ----------------------------------------------------------------------------------------------
    def _pipeline_id(self, conn: sqlite3.Connection, workspace_id: int, pipeline_name: str) -> int | None:
        row = conn.execute("SELECT id FROM pipelines WHERE workspace_id = ? AND name = ?",
                           (workspace_id, pipeline_name)).fetchone()
        return None if row is None else row[0]

    def inference_logs(self, workspace_id: int, pipeline_name: str, model_name: str | None = None,
                       start: Any = None, end: Any = None, limit: int | None = None) -> list[dict]:
        """Flattened log records of a pipeline (oldest first); ``start``/``end`` as epoch ms or datetimes."""
        with self.tx() as conn:
            pid = self._pipeline_id(conn, workspace_id, pipeline_name)
            return [] if pid is None else get_logs(conn, pid, _ms(start), _ms(end), model_name, limit)

    def iopath_values(self, workspace_id: int, pipeline_name: str, iopath: str, model_name: str | None = None,
                      start: Any = None, end: Any = None) -> tuple[Any, Any]:
        """``(times_ms, values float64)`` for an iopath such as ``"output dense_1 0"`` or ``"input tensor 3"``."""
        parts = iopath.split()
        if len(parts) != 3 or parts[0] not in {"input", "output"} or not parts[2].lstrip("-").isdigit():
            raise ValueError(f"iopath must look like 'output dense_1 0', got {iopath!r}")
        direction = "in" if parts[0] == "input" else "out"
        with self.tx() as conn:
            pid = self._pipeline_id(conn, workspace_id, pipeline_name)
            if pid is None:
                import numpy as np

                return np.empty(0, np.int64), np.empty(0, np.float64)
            return log_values(conn, pid, f"{direction}.{parts[1]}", int(parts[2]), _ms(start), _ms(end), model_name)

    # --- entities used by the server, the demo seed and import-logs ---------------------------------------------
    def ensure_user(self, email: str, password: str, *, admin: bool = False) -> dict:
        """The user with this email, created (with a default workspace) when missing."""
        with self.tx(write=True) as conn:
            return create_user(conn, email, password, admin=admin, exist_ok=True)

    def add_member(self, workspace_id: int, user_id: str, user_type: str = "collaborator") -> None:
        with self.tx(write=True) as conn:
            conn.execute("INSERT OR REPLACE INTO workspace_members VALUES (?, ?, ?)",
                         (workspace_id, user_id, user_type.upper()))

    def admin_user(self) -> dict | None:
        with self.tx() as conn:
            row = conn.execute("SELECT * FROM users WHERE is_admin = 1 ORDER BY created_ms LIMIT 1").fetchone()
            return None if row is None else user_row(conn, row)

    def ensure_pipeline(self, *, workspace: str, pipeline: str, model: str, owner: Any = None,
                        model_bytes: bytes | None = None, deploy: bool = False) -> dict:
        """Workspace, model and pipeline by name, created when missing (owner None = the admin).

        Returns ``{"workspace_id", "pipeline_id", "model_sha"}``; ``deploy=True`` also deploys the pipeline.
        """
        owner_id = _uid(owner) if owner is not None else (self.admin_user() or {}).get("id")
        if owner_id is None:
            raise ValueError("no owner: create the admin user first")
        sha = self.write_model_file(model_bytes) if model_bytes is not None else None
        with self.tx(write=True) as conn:
            ws = conn.execute("SELECT id FROM workspaces WHERE name = ?", (workspace,)).fetchone()
            wid = ws[0] if ws else create_workspace(conn, workspace, owner_id)
            conn.execute("INSERT OR IGNORE INTO workspace_members VALUES (?, ?, 'OWNER')", (wid, owner_id))
            m = conn.execute("SELECT id FROM models WHERE workspace_id = ? AND name = ?", (wid, model)).fetchone()
            if m is None:
                data = model_bytes if model_bytes is not None else b""
                sha = sha or self.write_model_file(data)
                mid, vid = add_model_version(conn, wid, model, owner_id, sha, f"{model}.onnx", len(data))
            else:
                mid = m[0]
                v = conn.execute("SELECT id, sha FROM model_versions WHERE model_id = ? ORDER BY id DESC LIMIT 1",
                                 (mid,)).fetchone()
                vid, sha = v[0], v[1]
            p = conn.execute("SELECT id FROM pipelines WHERE workspace_id = ? AND name = ?",
                             (wid, pipeline)).fetchone()
            if p is None:
                step = {"ModelInference": {"models": [version_ref(conn, vid)]}}
                pid, pvid, _ = create_pipeline(conn, wid, pipeline, owner_id, {"steps": [step]})
            else:
                pid = p[0]
                pvid = conn.execute("SELECT MAX(id) FROM pipeline_versions WHERE pipeline_id = ?", (pid,)).fetchone()[0]
            if deploy and active_deployment(conn, pid) is None:
                create_deployment(conn, pipeline, pid, pvid, [vid], started_at=0.0)
        return {"workspace_id": wid, "pipeline_id": pid, "model_sha": sha}


def _ms(value: Any) -> int | None:
    """Epoch milliseconds of an int (ms), a datetime or an ISO-8601 string; None stays None."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, str | dt.datetime):
        return timeutil.epoch_ms(value)
    raise ValueError(f"not a time: {value!r}")


def _uid(user: Any) -> str:
    return user["id"] if isinstance(user, dict) else user.id


# --- row helpers (take an open connection; the caller owns the transaction) -------------------------------------

def user_row(conn: sqlite3.Connection, row: tuple) -> dict:
    cols = [c[1] for c in conn.execute("PRAGMA table_info(users)")]
    return dict(zip(cols, row, strict=True))


def get_user(conn: sqlite3.Connection, *, user_id: str | None = None, email: str | None = None) -> dict | None:
    if user_id is not None:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    else:
        row = conn.execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()
    return None if row is None else user_row(conn, row)


def create_user(conn: sqlite3.Connection, email: str, password: str, *, admin: bool = False,
                exist_ok: bool = False) -> dict:
    """Insert a user and their ``"<email> - Default Workspace"``; duplicate email -> ValueError."""
    existing = get_user(conn, email=email)
    if existing is not None:
        if exist_ok:
            return existing
        raise ValueError(f"a user with email {email!r} already exists")
    uid = str(uuid.uuid4())
    conn.execute("INSERT INTO users (id, email, password_hash, enabled, is_admin, created_ms) VALUES (?,?,?,?,?,?)",
                 (uid, email, hash_password(password), 1, int(admin),
                  timeutil.epoch_ms(timeutil.now())))
    name = default_workspace_name(email)
    if conn.execute("SELECT 1 FROM workspaces WHERE name = ?", (name,)).fetchone() is None:
        create_workspace(conn, name, uid)
    return get_user(conn, user_id=uid)


def create_workspace(conn: sqlite3.Connection, name: str, owner_id: str) -> int:
    """Insert a workspace owned by ``owner_id``; duplicate name -> ValueError."""
    try:
        cur = conn.execute("INSERT INTO workspaces (name, created_at, created_by) VALUES (?, ?, ?)",
                           (name, now_iso(), owner_id))
    except sqlite3.IntegrityError:
        raise ValueError(f"workspace name already exists: {name!r}") from None
    wid = int(cur.lastrowid)
    conn.execute("INSERT INTO workspace_members VALUES (?, ?, 'OWNER')", (wid, owner_id))
    return wid


def add_model_version(conn: sqlite3.Connection, workspace_id: int, name: str, owner_id: str, sha: str,
                      file_name: str, size: int, *, visibility: str | None = None, conversion: dict | None = None,
                      status: str = "ready") -> tuple[int, int]:
    """A new version of model ``name`` (the model is created if missing) -> (model id, version id)."""
    now = now_iso()
    row = conn.execute("SELECT id FROM models WHERE workspace_id = ? AND name = ?", (workspace_id, name)).fetchone()
    vid = None
    if row is None:
        # new models get the same id for model and first version (the seeds use the upload id as both)
        top = conn.execute("SELECT MAX(COALESCE((SELECT MAX(id) FROM models), 0),"
                           " COALESCE((SELECT MAX(id) FROM model_versions), 0))").fetchone()[0]
        mid = vid = int(top) + 1
        conn.execute("INSERT INTO models (id, name, workspace_id, owner_id, created_at, updated_at) "
                     "VALUES (?,?,?,?,?,?)", (mid, name, workspace_id, owner_id, now, now))
    else:
        mid = row[0]
        conn.execute("UPDATE models SET updated_at = ? WHERE id = ?", (now, mid))
    vid = int(conn.execute(
        "INSERT INTO model_versions (id, model_id, model_version, sha, file_name, size, visibility, conversion, status,"
        " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (vid, mid, str(uuid.uuid4()), sha, file_name, size, visibility, json.dumps(conversion), status, owner_id,
         now)).lastrowid)
    return mid, vid


def version_ref(conn: sqlite3.Connection, version_id: int) -> dict:
    """``{"name", "version", "sha"}`` of a model version (a pipeline step's model reference)."""
    row = conn.execute("SELECT m.name, v.model_version, v.sha FROM model_versions v JOIN models m "
                       "ON m.id = v.model_id WHERE v.id = ?", (version_id,)).fetchone()
    return {"name": row[0], "version": row[1], "sha": row[2]}


def create_pipeline(conn: sqlite3.Connection, workspace_id: int, name: str, owner_id: str,
                    definition: dict) -> tuple[int, int, str]:
    """Create the pipeline (or reuse it by name) and add a version -> (pipeline id, version id, version UUID)."""
    now = now_iso()
    row = conn.execute("SELECT id FROM pipelines WHERE workspace_id = ? AND name = ?", (workspace_id, name)).fetchone()
    if row is None:
        pid = int(conn.execute("INSERT INTO pipelines (name, workspace_id, owner_id, created_at, updated_at) "
                               "VALUES (?,?,?,?,?)", (name, workspace_id, owner_id, now, now)).lastrowid)
    else:
        pid = row[0]
        conn.execute("UPDATE pipelines SET updated_at = ? WHERE id = ?", (now, pid))
    version = str(uuid.uuid4())
    pvid = int(conn.execute("INSERT INTO pipeline_versions (pipeline_id, version, definition, created_at) "
                            "VALUES (?,?,?,?)", (pid, version, json.dumps(definition), now)).lastrowid)
    return pid, pvid, version


def active_deployment(conn: sqlite3.Connection, pipeline_id: int) -> dict | None:
    row = conn.execute("SELECT id, deploy_id, pipeline_version_id, model_version_ids, deployed_at FROM deployments "
                       "WHERE pipeline_id = ? AND active = 1 ORDER BY id DESC LIMIT 1", (pipeline_id,)).fetchone()
    if row is None:
        return None
    return {"id": row[0], "deploy_id": row[1], "pipeline_version_id": row[2],
            "model_version_ids": json.loads(row[3]), "deployed_at": row[4], "pipeline_id": pipeline_id}


def create_deployment(conn: sqlite3.Connection, deploy_id: str, pipeline_id: int, pipeline_version_id: int,
                      model_version_ids: list[int], started_at: float) -> int:
    """Deactivate the pipeline's previous deployment and add a new active one -> deployment id."""
    conn.execute("UPDATE deployments SET active = 0 WHERE pipeline_id = ?", (pipeline_id,))
    return int(conn.execute(
        "INSERT INTO deployments (deploy_id, pipeline_id, pipeline_version_id, model_version_ids, active,"
        " deployed_at, created_at) VALUES (?,?,?,?,1,?,?)",
        (deploy_id, pipeline_id, pipeline_version_id, json.dumps(model_version_ids), started_at,
         now_iso())).lastrowid)
