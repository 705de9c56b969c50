"""DataFrame views of API answers: UTC timestamps, flattened nesting, one row per assay window."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

import pandas as pd

TIME_COLUMNS = frozenset({"time", "window_start", "window_end", "run_at", "last_run", "next_run", "run_until",
                          "start", "end", "start_at", "end_at", "createdTimestamp", "lastLogin"})


def is_time_column(name: str, nested: bool = True) -> bool:
    """Columns holding times: the known names, ``*_at`` and ``*Timestamp`` (with ``nested=False`` only
    top-level names: never ``in.*``/``out.*`` model fields or other dotted columns)."""
    if not nested and "." in name:
        return False
    leaf = name.rsplit(".", 1)[-1]
    return leaf in TIME_COLUMNS or leaf.endswith("_at") or leaf.endswith("Timestamp")


def to_utc(values: Any) -> pd.Series:
    """RFC 3339 strings (``Z``/``+00:00``, up to 9 fractional digits) or epoch milliseconds -> UTC timestamps.

    Unparseable values become ``NaT``.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if s.empty:
        return pd.to_datetime(s, utc=True)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return pd.to_datetime(s, unit="ms", utc=True, errors="coerce")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC")
    out = []
    for v in s:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(pd.NaT)
        elif isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            try:
                out.append(pd.to_datetime(v, unit="ms", utc=True))
            except (ValueError, OverflowError):  # OutOfBoundsDatetime is a ValueError
                out.append(pd.NaT)
        elif isinstance(v, str | datetime.datetime):
            try:
                out.append(pd.to_datetime(v, utc=True, format="ISO8601"))
            except (ValueError, TypeError):
                out.append(pd.NaT)
        else:  # lists, dicts, bools: not a time
            out.append(pd.NaT)
    return pd.Series(pd.DatetimeIndex(out, tz="UTC") if out else [], index=s.index, dtype="datetime64[ns, UTC]")


def convert_times(df: pd.DataFrame, nested: bool = True) -> pd.DataFrame:
    """Convert every time column in place (and return the frame); ``nested=False``: top-level names only."""
    for col in df.columns:
        if isinstance(col, str) and is_time_column(col, nested):
            df[col] = to_utc(df[col])
    return df


def records_frame(records: Iterable[dict]) -> pd.DataFrame:
    """Generic view: nested objects flattened to dotted columns, lists kept as cells, top-level times converted
    (``time``, ``created_at`` ...; a model field such as ``in.start_at`` keeps its values)."""
    records = [r for r in records if isinstance(r, dict)]
    if not records:
        return pd.DataFrame()
    return convert_times(pd.json_normalize(records, sep="."), nested=False)


def edges_to_float(edges: Iterable[Any] | None) -> list[float]:
    """Summary edges with ``null`` / ``"INFINITY"`` as ``+inf`` (``"-INFINITY"`` as ``-inf``)."""
    out = []
    for e in edges or []:
        if e is None or (isinstance(e, str) and e.strip().upper().lstrip("+") in {"INFINITY", "INF"}):
            out.append(math.inf)
        elif isinstance(e, str) and e.strip().upper() in {"-INFINITY", "-INF"}:
            out.append(-math.inf)
        else:
            out.append(float(e))
    return out


def parse_assay_status(status: Any) -> dict[str, Any]:
    """V1 assay ``status``: ``"created"``/``"active"`` or a JSON string ``{"run_at", "num_ok", "num_warnings",
    "num_alerts"}`` (also accepted already decoded). Returns the four fields (None when not run yet)."""
    out: dict[str, Any] = {"run_at": None, "num_ok": None, "num_warnings": None, "num_alerts": None}
    data = status
    if isinstance(status, str) and status.lstrip().startswith("{"):
        try:
            data = json.loads(status)
        except ValueError:
            return out
    if isinstance(data, dict):
        for key in out:
            out[key] = data.get(key)
    return out


def status_label(status: Any) -> str | None:
    """Display label of a V1 assay status: the plain string, or ``"ran"`` for the JSON run summary."""
    if isinstance(status, dict) or (isinstance(status, str) and status.lstrip().startswith("{")):
        return "ran"
    return status


def users_frame(users: list[dict]) -> pd.DataFrame:
    """One row per user: id, email, username, enabled, created_at (UTC), names, plus the other fields."""
    df = records_frame(users)
    if df.empty:
        return pd.DataFrame(columns=["id", "email", "username", "enabled", "created_at"])
    for col in ("email", "firstName", "lastName"):
        if col not in df:
            df[col] = None
    if "createdTimestamp" in df:
        df.insert(0, "created_at", df.pop("createdTimestamp"))
    first = [c for c in ("id", "email", "username", "enabled", "created_at", "firstName", "lastName") if c in df]
    return df[first + [c for c in df.columns if c not in first]]


def workspaces_frame(workspaces: list[dict]) -> pd.DataFrame:
    """One row per workspace, with ``num_models`` / ``num_pipelines`` next to the id lists."""
    df = records_frame(workspaces)
    if df.empty:
        return pd.DataFrame(columns=["id", "name", "created_at", "created_by", "archived", "models", "pipelines"])
    for col in ("models", "pipelines"):
        if col in df:
            df[f"num_{col}"] = df[col].map(lambda v: len(v) if isinstance(v, list) else 0)
    return df


def models_frame(models: list[dict]) -> pd.DataFrame:
    """One row per model (flat Seed-000 items or the normalised newer items), versions counted."""
    rows = []
    for m in models:
        row = {k: v for k, v in m.items() if k not in {"model_versions", "workspace"}}
        if isinstance(m.get("workspace"), dict):
            row["workspace_name"] = m["workspace"].get("name")
        if isinstance(m.get("model_versions"), list):
            row["num_versions"] = len(m["model_versions"])
        rows.append(row)
    return records_frame(rows) if rows else pd.DataFrame(columns=["id", "name", "owner_id", "created_at", "updated_at"])


def assays_frame(assays: list[dict]) -> pd.DataFrame:
    """One row per V1 assay: the run summary parsed out of ``status``, window fields flattened, baseline kept."""
    rows = []
    for a in assays:
        row = {k: v for k, v in a.items() if k not in {"baseline", "window", "summarizer", "status"}}
        row["status"] = status_label(a.get("status"))
        row.update(parse_assay_status(a.get("status")))
        for part in ("window", "summarizer"):
            nested = a.get(part)
            for key, val in (nested.items() if isinstance(nested, dict) else ()):
                row[f"{part}.{key}"] = val
        base = a.get("baseline")
        row["baseline_type"] = next(iter(base), None) if isinstance(base, dict) else None
        row["baseline"] = base
        rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["id", "name", "active", "status", "pipeline_id", "pipeline_name", "run_at",
                                     "num_ok", "num_warnings", "num_alerts"])
    df = pd.DataFrame(rows)
    return convert_times(df)


RESULT_COLUMNS = ["assay_id", "id", "window_start", "window_end", "score", "status", "warning_threshold",
                  "alert_threshold", "baseline_count", "window_count", "bin_index", "window_mean", "window_median",
                  "window_min", "window_max", "analyzed_at", "created_at", "elapsed_millis", "pipeline_id",
                  "workspace_id", "workspace_name", "scores", "baseline_summary", "window_summary", "summarizer"]


def results_frame(results: list[dict]) -> pd.DataFrame:
    """One row per assay window (V1 AssayResult): window_end = window_summary.end, counts and stats flattened,
    nested summaries/scores kept as object columns for plotting."""
    rows = []
    for r in results:
        win = r.get("window_summary") if isinstance(r.get("window_summary"), dict) else {}
        base = r.get("baseline_summary") if isinstance(r.get("baseline_summary"), dict) else {}
        row = {c: r.get(c) for c in RESULT_COLUMNS}
        row["window_start"] = r.get("window_start") or win.get("start")
        row["window_end"] = win.get("end")
        row["baseline_count"], row["window_count"] = base.get("count"), win.get("count")
        for stat in ("mean", "median", "min", "max"):
            row[f"window_{stat}"] = win.get(stat)
        row["baseline_summary"], row["window_summary"] = base or None, win or None
        rows.append(row)
    df = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for col in ("score", "warning_threshold", "alert_threshold", "window_mean", "window_median", "window_min",
                "window_max"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    convert_times(df)
    return df.sort_values("window_start", kind="stable").reset_index(drop=True) if len(df) else df


def logs_frame(records: list[dict]) -> pd.DataFrame:
    """Inference results / logs: ``in.*``, ``out.*``, ``metadata.*`` columns, ``time`` as UTC timestamps."""
    recs = records if set(map(type, records)) == {dict} else [r for r in records if isinstance(r, dict)]
    if recs and recs[0] and set(map(len, recs)) == {len(recs[0])}:  # one shape (get_baseline): by columns
        try:  # same size and every key of the first record: the same keys
            cols = {k: list(map(itemgetter(k), recs)) for k in recs[0]}
        except KeyError:
            cols = None
        if cols is not None and not any(dict in set(map(type, c)) for c in cols.values()):  # flat already
            return convert_times(pd.DataFrame(cols), nested=False)
    return records_frame(records)


def _step_models(definition: Any) -> list[str]:
    """``name:version`` of the models in a pipeline definition's ModelInference steps."""
    steps = definition.get("steps") if isinstance(definition, dict) else None
    out = []
    for step in steps if isinstance(steps, list) else []:
        inner = step.get("ModelInference") if isinstance(step, dict) else None
        for m in (inner or {}).get("models") or []:
            if isinstance(m, dict):
                out.append(f"{m.get('name')}:{m.get('version')}")
    return out


def pipeline_row(item: dict) -> dict:
    """One ``list_pipelines`` / ``list_pipeline_versions`` item as a flat row."""
    p = item.get("pipeline") if isinstance(item.get("pipeline"), dict) else {}
    ws = item.get("workspace") if isinstance(item.get("workspace"), dict) else {}
    ver = item.get("pipeline_version") if isinstance(item.get("pipeline_version"), dict) else {}
    dep = item.get("deployment") if isinstance(item.get("deployment"), dict) else None
    return {"id": p.get("id"), "name": p.get("name"), "workspace_id": ws.get("id"), "workspace_name": ws.get("name"),
            "version": ver.get("version"), "version_created_at": ver.get("created_at"),
            "models": _step_models(ver.get("steps")), "deployed": dep is not None,
            "deployment_name": (dep or {}).get("name"), "created_at": p.get("created_at"),
            "updated_at": p.get("updated_at")}


_PIPELINE_COLUMNS = ["id", "name", "workspace_id", "workspace_name", "version", "version_created_at", "models",
                     "deployed", "deployment_name", "created_at", "updated_at"]


def pipelines_frame(items: list[dict]) -> pd.DataFrame:
    """One row per pipeline (latest version, its models, deployment state)."""
    rows = [pipeline_row(i) for i in items if isinstance(i, dict)]
    df = pd.DataFrame(rows, columns=_PIPELINE_COLUMNS)
    for col in ("version_created_at", "created_at", "updated_at"):
        df[col] = to_utc(df[col])
    return df


def pipeline_versions_frame(items: list[dict]) -> pd.DataFrame:
    """One row per pipeline version, newest first."""
    return pipelines_frame(items)


def model_versions_frame(items: list[dict]) -> pd.DataFrame:
    """``list_versions_for_model`` items: one row per version (id, version UUID, sha, file, status, deployed,
    runtime, created_at)."""
    rows = []
    for it in items:
        mv = it.get("model_version") if isinstance(it, dict) and isinstance(it.get("model_version"), dict) else {}
        fi = mv.get("file_info") if isinstance(mv.get("file_info"), dict) else {}
        cfg = it.get("config") if isinstance(it, dict) and isinstance(it.get("config"), dict) else {}
        rows.append({"id": mv.get("id"), "name": mv.get("name"), "version": fi.get("version"), "sha": fi.get("sha"),
                     "file_name": fi.get("file_name"), "size": fi.get("size"), "status": mv.get("status"),
                     "deployed": mv.get("deployed"), "runtime": cfg.get("runtime"), "created_at": mv.get("created_at")})
    df = pd.DataFrame(rows, columns=["id", "name", "version", "sha", "file_name", "size", "status", "deployed",
                                     "runtime", "created_at"])
    df["created_at"] = to_utc(df["created_at"])
    return df
