"""Background runner of active assays: scores every window that has closed and stores the results.

Windows already stored are never scored again (a per-assay cursor plus a unique key on the window
start), past windows are caught up when an assay starts in the past, and nothing runs beyond
``min(run_until, now)``. ``run_once()`` is the whole job; the thread only calls it every ``tick`` seconds
(or at once after ``wake()``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from .. import drift
from ..drift.types import AssayResult
from . import assay_store as st
from .assay_config import (
    Baseline,
    Window,
    finish_results,
    iso,
    parse_summarizer,
    score_range,
    summarize,
    to_ms,
)

log = logging.getLogger("wallaroo_widgets.sandbox.scheduler")


def run_status(now: pd.Timestamp, results: list[AssayResult]) -> str:
    """The JSON-encoded run summary Wallaroo puts in an assay's ``status`` (its double space included)."""
    counts = {s: sum(1 for r in results if r.status == s) for s in ("Ok", "Warning", "Alert")}
    return (f'{{"run_at": {json.dumps(now.isoformat())},  "num_ok": {counts["Ok"]}, '
            f'"num_warnings": {counts["Warning"]}, "num_alerts": {counts["Alert"]}}}')


@contextlib.contextmanager
def _same(conn) -> Iterator[Any]:
    yield conn
    conn.commit()


def run_assay(conn, assay: dict, now: pd.Timestamp, logs, writer: Callable[[], Any] | None = None) -> int:
    """Score and store the closed, not yet stored windows of one assay; returns results added.

    Reads use ``conn``; the (short) writes go through ``writer()``, a context manager yielding a connection
    in a write transaction (default: ``conn`` itself, committed).
    """
    writer = writer or (lambda: _same(conn))
    cfg = assay["config"]
    window = Window.parse(cfg["window"])
    baseline = Baseline.parse(cfg["baseline"], window=window)
    summ = parse_summarizer(cfg["summarizer"])
    interval, width = window.interval_td, window.width_td
    if assay["cursor_ms"] is not None:
        start = pd.Timestamp(assay["cursor_ms"], unit="ms", tz="UTC") + interval
    else:
        start = window.start or baseline.end
        if start is None:
            direction, fld, idx = _path(window)
            times, _ = logs(window.pipeline_name, window.model_name, direction, fld, idx, None, None)
            if len(times) == 0:
                return 0
            start = pd.Timestamp(int(min(times)), unit="ms", tz="UTC")
    run_until = pd.Timestamp(assay["run_until"]) if assay["run_until"] else None
    until = min(run_until, now) if run_until is not None else now
    plan = drift.plan_windows(start, width, interval, until)
    stamp = iso(now)
    if len(plan) == 0:
        nxt = start + width
        next_run = iso(nxt) if run_until is None or nxt <= run_until else None
        if next_run != assay["next_run"]:  # write only on change: ticks are frequent
            with writer() as w:
                st.update_run(w, assay["id"], cursor_ms=None, last_run=None, next_run=next_run, status=None,
                              now=stamp)
        return 0
    base = summarize(baseline, summ, logs)
    t0 = pd.Timestamp.now(tz="UTC")
    results = score_range(window, base, summ, logs, start=start, until=until, warning=cfg.get("warning_threshold"),
                          alert=cfg.get("alert_threshold"))
    elapsed = int((pd.Timestamp.now(tz="UTC") - t0).total_seconds() * 1000)
    records = finish_results(results, assay_id=assay["id"],
                             pipeline={"id": assay["pipeline_id"], "workspace_id": assay["workspace_id"]},
                             workspace_name=assay.get("workspace_name"), elapsed_ms=elapsed, analyzed_at=stamp)
    starts = [to_ms(pd.Timestamp(r.window_start)) for r in records]
    last = plan[-1]
    nxt = last + interval + width
    with writer() as w:
        added = st.insert_results(w, assay["id"], records, starts, stamp)
        st.update_run(w, assay["id"], cursor_ms=to_ms(last), last_run=stamp,
                      next_run=iso(nxt) if run_until is None or nxt <= run_until else None,
                      status=run_status(now, records), now=stamp)
    return added


def _path(window: Window) -> tuple[str, str, int]:
    from .assay_config import parse_path

    return parse_path(window.path)


class AssayScheduler:
    """Runs ``run_once`` every ``tick`` seconds on a daemon thread until ``stop()``.

    ``connect`` returns a new sqlite3 connection (reads); ``writer`` a write-transaction context (default:
    that connection, committed); ``log_source(conn, workspace_id)`` and ``workspace_name(conn, workspace_id)``
    come from the store.
    """

    def __init__(self, connect: Callable[[], Any], log_source: Callable, workspace_name: Callable,
                 tick: float = 5.0, clock: Callable[[], pd.Timestamp] | None = None,
                 writer: Callable[[], Any] | None = None) -> None:
        self.connect, self.log_source, self.workspace_name = connect, log_source, workspace_name
        self.writer = writer
        self.tick = float(tick)
        self.clock = clock or (lambda: pd.Timestamp.now(tz="UTC"))
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.errors: dict[int | str, str] = {}

    @classmethod
    def for_store(cls, store: Any, tick: float = 5.0) -> AssayScheduler:
        """A scheduler reading and writing through sandbox-core's store."""
        from . import assay_env

        return cls(store.connect, assay_env.log_source, assay_env.workspace_name, tick=tick,
                   writer=lambda: store.tx(write=True))

    def run_once(self, now: pd.Timestamp | None = None) -> int:
        """One pass over all active assays; returns results added. Errors are logged per assay, never raised."""
        now = now or self.clock()
        added = 0
        with self._lock:
            conn = self.connect()
            try:
                st.ensure_schema(conn)
                for assay in st.list_assays(conn, active_only=True):
                    assay["workspace_name"] = self.workspace_name(conn, assay["workspace_id"])
                    try:
                        added += run_assay(conn, assay, now, self.log_source(conn, assay["workspace_id"]),
                                           self.writer)
                        self.errors.pop(assay["id"], None)
                    except Exception as exc:  # noqa: BLE001 - one bad assay must not stop the others
                        conn.rollback()
                        if self.errors.get(assay["id"]) != str(exc):
                            log.warning("assay %s not run: %s", assay["id"], exc)
                            self._record_error(conn, assay, exc, now)
                        self.errors[assay["id"]] = str(exc)
            finally:
                conn.close()
            added += self._run_v2(now)
        return added

    def _run_v2(self, now: pd.Timestamp) -> int:
        """The V2 assays on the same tick (``assay_v2_run``); errors logged once per assay and message."""
        from . import assay_v2_run

        def report(assay_id: str, exc: Exception) -> None:
            if self.errors.get(assay_id) != str(exc):
                log.warning("V2 assay %s not run: %s", assay_id, exc)
            self.errors[assay_id] = str(exc)

        return assay_v2_run.run_all(self.connect, self.writer or (lambda: _same(self.connect())), now, report)

    def _record_error(self, conn: Any, assay: dict, exc: Exception, now: pd.Timestamp) -> None:
        """Show why the assay does not run in its ``status`` (``"error: ..."``; a later good run replaces it)."""
        status = f"error: {exc}"[:500]
        if assay["status"] == status:
            return
        try:
            with (self.writer or (lambda: _same(conn)))() as w:
                st.update_run(w, assay["id"], cursor_ms=None, last_run=None, next_run=assay["next_run"],
                              status=status, now=iso(now))
        except Exception:  # noqa: BLE001 - reporting must not stop the scheduler
            log.exception("assay %s: could not store the error status", assay["id"])

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the thread must survive a bad tick
                log.exception("assay scheduler tick failed")
            self._wake.wait(self.tick)
            self._wake.clear()

    def start(self) -> AssayScheduler:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="assay-scheduler", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        """Run a pass now (after an assay was created or re-activated)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
