"""V2 assays on the sandbox's data: baselines, window grids, results, previews, and the scheduler's job.

Rules (docs/spec/assays-v2.md §6): scheduled runs at t_k = first_run + width + k·frequency (the first window starts at
``first_run``), window (t_k − width, t_k]; back-filled up to now, nothing after ``end``, nothing while
inactive; windows without data store nothing. Previews: windows [P + k·frequency, P + k·frequency + width]
(start exclusive, as runs) while the window end ≤ preview_end. Several iopaths: one score per iopath, the
status the worst of them; an iopath without data in a window that others have gets a string score.
Logs are read through ``db.log_values`` only; the math and the result objects are ``drift.v2``'s.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..drift import v2
from . import assay_v2_store as st
from . import db
from .assay_v2_models import UNITS, parse_time

MAX_WINDOWS = 10_000  # per preview call, per scheduler pass of one assay
server_time = v2.wire.server_time


def _us(ts: pd.Timestamp) -> int:
    return int(ts.value // 1000)


def _ms_after(ts: pd.Timestamp) -> int:
    """First millisecond strictly after ``ts`` (log times are epoch ms; windows are start-exclusive)."""
    return int(ts.value // 1_000_000) + 1


@dataclass(frozen=True)
class Path:
    key: str
    field: str
    index: int | None
    thresholds: v2.Thresholds


@dataclass(frozen=True)
class Plan:
    """A V2 config as the runner needs it (parsed from the stored / requested wire dicts)."""

    summarizer: v2.UnivariateContinuous
    paths: tuple[Path, ...]
    pipeline_id: int
    workspace_id: int
    model: str | None
    width: pd.Timedelta
    freq: pd.Timedelta
    first_run: pd.Timestamp
    end: pd.Timestamp | None

    @classmethod
    def parse(cls, cfg: dict) -> Plan:
        t, sched = cfg["targeting"], cfg["scheduling"]
        simple = sched["run_frequency"]["SimpleRunFrequency"]
        paths = tuple(Path(_key(p), p["field"], (p.get("indexes") or [None])[0],
                           v2.Thresholds.from_api(p.get("thresholds")))
                      for p in t["iopath"])
        return cls(v2.UnivariateContinuous.from_api(cfg["summarizer"]), paths, t["data_origin"]["pipeline_id"],
                   t["data_origin"]["workspace_id"], t["data_origin"].get("model_id"),
                   pd.Timedelta(seconds=cfg["window"]["width"]["seconds"]),
                   pd.Timedelta(seconds=simple["quantity"] * UNITS[simple["unit"]]), parse_time(sched["first_run"]),
                   parse_time(sched["end"]) if sched.get("end") else None)

    def with_width(self, width: pd.Timedelta) -> Plan:
        return dataclasses.replace(self, width=width)

    def run_time(self, k: int) -> pd.Timestamp:
        return self.first_run + self.width + k * self.freq

    def due(self, next_index: int, now: pd.Timestamp, limit: int = MAX_WINDOWS) -> range:
        """Run indexes from ``next_index`` whose time has come (and is not after ``end``)."""
        until = now if self.end is None else min(now, self.end)
        last = (until.value - self.width.value - self.first_run.value) // self.freq.value  # t_k <= until; in ints:
        # a first run over 292 years ago overflows a Timedelta
        return range(next_index, max(next_index, min(int(last) + 1, next_index + limit)))


def _key(p: dict) -> str:
    return f"{p['field']}.{p['indexes'][0]}" if p.get("indexes") else p["field"]


def workspace_name(conn: Any, workspace_id: int) -> str | None:
    row = conn.execute("SELECT name FROM workspaces WHERE id = ?", (workspace_id,)).fetchone()
    return None if row is None else row[0]


def _ms_from(ts: pd.Timestamp) -> int:
    """First millisecond at or after ``ts``."""
    return -(-int(ts.value) // 1_000_000)


def read_values(conn: Any, plan: Plan, path: Path, start_ms: int, end_ms: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(times_ms, values, float32)`` of one iopath with start_ms <= time < end_ms; ``float32``: a logged
    float32 output (its values round-trip through float32)."""
    times, vals = db.log_values(conn, plan.pipeline_id, path.field, path.index, start_ms, end_ms, plan.model)
    f32 = path.field.startswith("out.") and vals.size > 0 and bool(
        np.all(vals.astype(np.float32).astype(np.float64) == vals))
    return times, vals, f32


def _check_weights(summarizer: v2.UnivariateContinuous, summary: dict) -> None:
    weights = summarizer.bin_weights
    if weights is not None and len(weights) != len(summary["aggregated_values"]):
        raise ValueError(f"summarizer.UnivariateContinuous.bin_weights: {len(weights)} values but the baseline has "
                         f"{len(summary['aggregated_values'])} bins")


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def vector_summary(values: list, summarizer: v2.UnivariateContinuous, name: str) -> dict:
    """The SeriesSummary of a Vector baseline (``null`` = NaN); ValueError when it cannot be binned."""
    return v2.summarize(_floats(values), summarizer.bin_mode, summarizer.aggregation, name=name,
                        float32=False).to_api()


def baseline_summaries(conn: Any, plan: Plan, baseline: dict, *, keep_range: bool = True) -> dict[str, dict]:
    """``{<iopath key>: SeriesSummary}`` of a Summary, Static or Vector baseline; ValueError naming the field."""
    out = {}
    for p in plan.paths:
        if baseline.get("Summary") is not None:
            given = baseline["Summary"]
            if p.key not in given:
                raise ValueError(f"baseline.Summary: no summary for iopath '{p.key}' (has {', '.join(given)})")
            summary = {**given[p.key], "name": given[p.key].get("name") or p.key}
            v2.SeriesSummary.from_api(summary, f"baseline.Summary.{p.key}")
        elif baseline.get("Vector") is not None:
            summary = vector_summary(baseline["Vector"], plan.summarizer, p.key)
        else:
            s, e = (parse_time(x) for x in baseline["Static"])
            _, vals, f32 = read_values(conn, plan, p, _ms_from(s), _ms_from(e))
            if vals.size == 0:
                raise ValueError(f"baseline.Static: no inferences of '{p.key}' between {baseline['Static'][0]} and "
                                 f"{baseline['Static'][1]}")
            summary = v2.summarize(vals, plan.summarizer.bin_mode, plan.summarizer.aggregation, name=p.key,
                                   start=s if keep_range else None, end=e if keep_range else None,
                                   float32=f32).to_api()
            if keep_range:  # the range as the client sent it
                summary.update(start=baseline["Static"][0], end=baseline["Static"][1])
        _check_weights(plan.summarizer, summary)
        out[p.key] = summary
    return out


def score_raw(plan: Plan, baselines: dict[str, dict], values: list) -> dict:
    """``{<iopath key>: ScoreData}`` of one Raw window (the same values for every iopath)."""
    vals = _floats(values)
    out = {}
    for p in plan.paths:
        base = v2.SeriesSummary.from_api(baselines[p.key])
        out[p.key] = v2.score(base, v2.summarize_window(vals, base, float32=False), plan.summarizer).to_api()
    return out


def score_windows(conn: Any, plan: Plan, baselines: dict[str, dict],
                  ends: list[pd.Timestamp]) -> list[v2.WindowOutcome]:
    """The outcomes of the windows ending at ``ends`` that hold data (``drift.v2.combine``: one score per
    iopath, the worst status; an iopath failing or without data there scores a string)."""
    if not ends:
        return []
    end_idx = pd.DatetimeIndex(ends)
    windows = v2.Windows(end_idx - plan.width, end_idx)
    scored: dict[str, v2.WindowScoresV2 | str] = {}
    for p in plan.paths:
        times, vals, f32 = read_values(conn, plan, p, _ms_after(windows.starts[0]), _ms_after(windows.ends[-1]))
        try:
            base = v2.SeriesSummary.from_api(baselines[p.key], f"baseline.Summary.{p.key}")
            scored[p.key] = v2.score_windows(times, vals, base, windows, plan.summarizer, p.thresholds, float32=f32)
        except ValueError as exc:
            scored[p.key] = f"{p.key}: {exc}"
    return v2.combine(scored)


def preview_ends(plan: Plan, preview_start: pd.Timestamp, preview_end: pd.Timestamp) -> list[pd.Timestamp]:
    """Window ends P + k·frequency + width <= preview_end; ValueError beyond MAX_WINDOWS."""
    first = preview_start + plan.width
    if first > preview_end:
        return []
    n = int((preview_end - first) // plan.freq) + 1
    if n > MAX_WINDOWS:
        raise ValueError(f"preview_end: the preview would have {n} windows (at most {MAX_WINDOWS})")
    return [first + k * plan.freq for k in range(n)]


def next_run(assay: dict) -> dict[str, str | None]:
    """``{"last_run", "next_run"}`` of a stored assay (next_run null while inactive or after ``end``)."""
    plan = Plan.parse(assay["config"])
    k = assay["next_run_index"]
    last = server_time(plan.run_time(k - 1)) if k > 0 else None
    nxt = plan.run_time(k)
    if not assay["active"] or (plan.end is not None and nxt > plan.end):
        return {"last_run": last, "next_run": None}
    return {"last_run": last, "next_run": server_time(nxt)}


def run_assay(conn: Any, assay: dict, now: pd.Timestamp, writer: Callable[[], Any]) -> int:
    """Run the due windows of one stored V2 assay and store the results; returns results added."""
    if not assay["active"]:
        return 0
    plan = Plan.parse(assay["config"])
    due = plan.due(assay["next_run_index"], now)
    if len(due) == 0:
        return 0
    t0 = time.perf_counter()
    index = {plan.run_time(k).value: k for k in due}
    outcomes = score_windows(conn, plan, assay["config"]["baseline"]["Summary"], [plan.run_time(k) for k in due])
    elapsed = int((time.perf_counter() - t0) * 1000)
    ws_name = workspace_name(conn, plan.workspace_id) or ""
    rows = []
    for o in outcomes:
        body = o.result(assay_id=assay["id"], pipeline_id=plan.pipeline_id, workspace_id=plan.workspace_id,
                        workspace_name=ws_name, thresholds=plan.paths[0].thresholds, analyzed_at=now,
                        elapsed_millis=elapsed).to_api()
        del body["id"], body["created_at"]
        end = pd.Timestamp(o.end)
        rows.append((index[end.value], _us(end), body))
    with writer() as w:
        added = st.insert_results(w, assay["id"], rows, server_time(now))
        st.set_next_run_index(w, assay["id"], due[-1] + 1)
    return added


def run_all(connect: Callable[[], Any], writer: Callable[[], Any], now: pd.Timestamp,
            on_error: Callable[[str, Exception], None]) -> int:
    """One scheduler pass over the active V2 assays (a failing assay is reported and skipped)."""
    added = 0
    conn = connect()
    try:
        st.ensure_schema(conn)
        for assay in st.list_assays(conn, active=True):
            try:
                added += run_assay(conn, assay, now, writer)
            except Exception as exc:  # noqa: BLE001 - one bad assay must not stop the others
                conn.rollback()
                on_error(assay["id"], exc)
    finally:
        conn.close()
    return added


def new_id() -> str:
    return str(uuid.uuid4())
