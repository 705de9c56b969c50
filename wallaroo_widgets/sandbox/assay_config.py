"""Parse V1 assay configs (both window dialects, every baseline variant) and glue them to the drift engine.

No HTTP and no storage here: the router and the scheduler pass a ``LogSource`` (a function returning the
``(times_ms, values)`` of a pipeline's logs) and get typed ``drift.types`` objects back (``Summary``,
``AssayResult``; the router and the store turn them into wire dicts with ``to_api``). All math is in
``wallaroo_widgets.drift``.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import drift
from ..drift.timeutil import RANGE_TEXT, TimeError, epoch_ms, iso_z, parse_utc
from ..drift.types import AssayResult, Summary, SummaryError, results_from_api
from .errors import ApiError

# engine advice (tied edges, small baselines) is for notebooks; the server answers with numbers only
warnings.filterwarnings("ignore", category=drift.DriftWarning, module=r"wallaroo_widgets\.sandbox(\.|$)")


class BadRequest(ApiError, ValueError):
    """The 400 ``ApiError`` of the assay parsers: invalid request content; ``str(exc)`` names the field."""

    def __init__(self, msg: str) -> None:
        super().__init__(400, msg)


# (pipeline_name, model_name, direction "in"|"out", field, index, start_ms, end_ms) -> (times_ms, values)
LogSource = Callable[[str, "str | None", str, str, int, "int | None", "int | None"], "tuple[np.ndarray, np.ndarray]"]


def parse_dt(value: Any, name: str) -> pd.Timestamp | None:
    """RFC 3339 (up to 9 fractional digits, Z or offset), epoch ms, or None -> UTC nanosecond Timestamp."""
    if value is None or value == "":
        return None
    try:
        return parse_utc(value, epoch_ms=True, ns=True)
    except TimeError as exc:
        what = f"out of range ({RANGE_TEXT})" if exc.out_of_range else "not a datetime"
        raise BadRequest(f"{name}: {what}: {value!r}") from None


#: ``2024-07-29T19:48:46.944191Z`` style (microseconds, Z) or None: the V1 wire spelling
iso = iso_z


def to_ms(ts: pd.Timestamp | None) -> int | None:
    """Epoch milliseconds (``timeutil.epoch_ms``), None stays None."""
    return None if ts is None else epoch_ms(ts)


def jsonable(obj: Any) -> Any:
    """Engine output -> JSON-able (timestamps as ISO strings, numpy scalars as Python numbers)."""
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (pd.Timestamp, dt.datetime, np.datetime64)):
        return iso(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        obj = float(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _duration(value: Any, name: str) -> dt.timedelta:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{name}: expected a duration string such as '24 hours', got {value!r}")
    try:
        d = drift.parse_duration(value)
    except (ValueError, OverflowError) as exc:
        raise BadRequest(f"{name}: {exc}") from None
    if d <= dt.timedelta(0):
        raise BadRequest(f"{name}: must be positive")
    if d > dt.timedelta(days=36_500):
        raise BadRequest(f"{name}: at most 100 years, got {value!r}")
    return d


def parse_path(value: Any, name: str = "window.path") -> tuple[str, str, int]:
    """``"output dense_1 0"`` / ``"out.dense_1.0"`` -> ("out", "dense_1", 0)."""
    if not isinstance(value, str):
        raise BadRequest(f"{name}: expected a string like 'output dense_1 0', got {value!r}")
    parts = value.split() if " " in value.strip() else value.rsplit(".", 1)[0].split(".", 1) + [value.rsplit(".", 1)[-1]]
    if len(parts) != 3:
        raise BadRequest(f"{name}: expected '<input|output> <field> <index>', got {value!r}")
    direction = {"input": "in", "in": "in", "output": "out", "out": "out"}.get(parts[0].lower())
    if direction is None or not parts[1]:
        raise BadRequest(f"{name}: direction must be input or output, got {value!r}")
    try:
        index = int(parts[2])
    except ValueError:
        raise BadRequest(f"{name}: index must be an integer, got {value!r}") from None
    if index < 0:
        raise BadRequest(f"{name}: index must be >= 0")
    return direction, parts[1], index


def _str(d: dict, name: str, *keys: str, required: bool = True) -> str | None:
    for k in keys:
        v = d.get(k)
        if v is not None:
            if not isinstance(v, str) or not v:
                raise BadRequest(f"{name}.{k}: expected a non-empty string, got {v!r}")
            return v
    if required:
        raise BadRequest(f"{name}.{keys[0]}: missing")
    return None


def _int(value: Any, name: str, required: bool = True) -> int | None:
    if value is None:
        if required:
            raise BadRequest(f"{name}: missing")
        return None
    if isinstance(value, bool):
        raise BadRequest(f"{name}: expected an integer, got {value!r}")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise BadRequest(f"{name}: expected an integer, got {value!r}")
    if not -(2**63) <= value < 2**63:
        raise BadRequest(f"{name}: out of range")
    return value


@dataclass
class Window:
    """An assay window in either dialect (Seed 000 ``pipeline/model`` or newer ``pipeline_name/model_name/path``)."""

    pipeline_name: str
    model_name: str | None
    path: str
    width: str
    interval: str | None
    start: pd.Timestamp | None
    workspace_id: int | None
    locations: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, w: Any, name: str = "window", iopath: Any = None) -> Window:
        if not isinstance(w, dict):
            raise BadRequest(f"{name}: expected an object")
        path = w.get("path") if w.get("path") is not None else iopath
        if path is None:
            raise BadRequest(f"{name}.path: missing (e.g. 'output variable 0')")
        parse_path(path, f"{name}.path")
        width = w.get("width")
        _duration(width, f"{name}.width")
        interval = w.get("interval")
        if interval is not None:
            _duration(interval, f"{name}.interval")
        locations = w.get("locations") or []
        if not isinstance(locations, list):
            raise BadRequest(f"{name}.locations: expected a list of strings")
        start = parse_dt(w.get("start"), f"{name}.start")
        if start is not None:
            try:
                (start + drift.parse_duration(width)).as_unit("ns").value  # noqa: B018 - the first window's end
            except (OverflowError, ValueError):
                raise BadRequest(f"{name}.start: the first window ({width} from {iso(start)}) ends after the "
                                 "last representable time (2262-04-11)") from None
        return cls(_str(w, name, "pipeline_name", "pipeline"), _str(w, name, "model_name", "model", required=False),
                   path, width, interval, start, _int(w.get("workspace_id"), f"{name}.workspace_id", required=False),
                   locations)

    @property
    def width_td(self) -> dt.timedelta:
        return drift.parse_duration(self.width)

    @property
    def interval_td(self) -> dt.timedelta:
        return drift.parse_duration(self.interval or self.width)

    def to_dict(self) -> dict:
        return {"interval": self.interval or self.width, "model_name": self.model_name, "path": self.path,
                "pipeline_name": self.pipeline_name, "start": iso(self.start), "width": self.width,
                "workspace_id": self.workspace_id, "locations": self.locations}


@dataclass
class Baseline:
    """A baseline: ``static`` summary, ``vector`` values, or logged values in ``[start, end)``."""

    kind: str                      # "static" | "vector" | "logs"
    raw: dict                      # echoed as received
    summary: Summary | None = None  # static (its wire dict echoed as given)
    vector: np.ndarray | None = None
    window: Window | None = None   # logs: pipeline/model/path
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    @classmethod
    def parse(cls, b: Any, name: str = "baseline", iopath: Any = None, window: Window | None = None) -> Baseline:
        if not isinstance(b, dict) or len(b) != 1:
            raise BadRequest(f"{name}: expected an object with one of static, fixed, calculated, vector, fixed_window")
        (tag, body), = b.items()
        t = str(tag).lower()
        if t == "calculated":
            return cls.parse(body, f"{name}.calculated", iopath, window).with_raw(b)
        if t == "static":
            try:
                summary = Summary.from_api(body, f"{name}.static")  # the shape, once; check_static tries a score
            except SummaryError as exc:
                raise BadRequest(f"{name}.static: {exc.message}") from None
            return cls("static", b, summary=summary, start=parse_dt(body.get("start"), f"{name}.static.start"),
                       end=parse_dt(body.get("end"), f"{name}.static.end"))
        if t == "vector":
            if not isinstance(body, list) or not body:
                raise BadRequest(f"{name}.vector: expected a non-empty list of numbers")
            try:
                vec = np.array([np.nan if v is None else v for v in body], dtype=np.float64)
            except (TypeError, ValueError):
                raise BadRequest(f"{name}.vector: expected a list of numbers") from None
            if vec.ndim != 1:
                raise BadRequest(f"{name}.vector: expected a flat list of numbers")
            if any(isinstance(v, float) and not math.isfinite(v) for v in body):
                raise BadRequest(f"{name}.vector: NaN/Infinity are not JSON numbers (send null for a missing value)")
            return cls("vector", b, vector=vec)
        if t == "fixed_window":
            w = Window.parse(body, f"{name}.fixed_window", iopath)
            start = w.start
            end = None if start is None else start + w.width_td
            return cls("logs", b, window=w, start=start, end=end)
        if t == "fixed":
            if not isinstance(body, dict):
                raise BadRequest(f"{name}.{tag}: expected an object with pipeline, model, start_at, end_at")
            start = parse_dt(body.get("start_at"), f"{name}.{tag}.start_at")
            end = parse_dt(body.get("end_at"), f"{name}.{tag}.end_at")
            if start is None or end is None:
                raise BadRequest(f"{name}.{tag}: start_at and end_at are required")
            if end <= start:
                raise BadRequest(f"{name}.{tag}.end_at: must be after start_at")
            path = window.path if window else iopath
            if path is None:
                raise BadRequest(f"{name}.{tag}: needs window.path or iopath")
            w = Window(_str(body, f"{name}.{tag}", "pipeline", "pipeline_name"),
                       _str(body, f"{name}.{tag}", "model", "model_name", required=False), path,
                       f"{int((end - start).total_seconds() * 1000)} ms", None, start,
                       window.workspace_id if window else None)
            return cls("logs", b, window=w, start=start, end=end)
        raise BadRequest(f"{name}: unknown baseline type {tag!r} (static, fixed, calculated, vector, fixed_window)")

    def with_raw(self, raw: dict) -> Baseline:
        self.raw = raw
        return self


def parse_summarizer(s: Any, name: str = "summarizer") -> drift.Summarizer:
    if not isinstance(s, dict):
        raise BadRequest(f"{name}: expected an object")
    try:
        return drift.Summarizer.from_dict(s)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"{name}: {exc}") from None


def stored_config(window: Window, baseline: Baseline, summ: drift.Summarizer, alert: float | None,
                  warning: float | None) -> dict:
    """What an assay row keeps: baseline as received, window in the newer names, summarizer echo, thresholds."""
    return {"baseline": baseline.raw, "window": window.to_dict(), "summarizer": summ.to_dict(),
            "alert_threshold": alert, "warning_threshold": warning}


def parse_threshold(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadRequest(f"{name}: expected a number, got {value!r}")
    return float(value)


def summarize(base: Baseline, summ: drift.Summarizer, logs: LogSource) -> Summary:
    """The baseline Summary (static echoed as given; vector on the numbers as sent; logs widened)."""
    if base.kind == "static":
        check_static(base.summary, summ)
        return base.summary
    if base.kind == "vector":
        values, start, end = base.vector, None, None
    else:
        w = base.window
        if base.start is None:
            raise BadRequest("baseline.fixed_window.start: required to read logged values")
        direction, fld, idx = parse_path(w.path)
        _, values = logs(w.pipeline_name, w.model_name, direction, fld, idx, to_ms(base.start), to_ms(base.end))
        start, end = base.start, base.end
        if len(values) == 0:
            raise BadRequest(f"baseline: no logged values of {w.path!r} for pipeline {w.pipeline_name!r} "
                             f"in [{iso(start)}, {iso(end)})")
    try:
        return Summary.from_api(jsonable(drift.summarize(values, summ, start=start, end=end)))
    except (ValueError, TypeError) as exc:
        raise BadRequest(f"baseline: {exc}") from None


def check_static(summary: Summary, summ: drift.Summarizer) -> None:
    """BadRequest unless the engine can score windows against this static Summary (bins, edges, values)."""
    t0 = pd.Timestamp("2000-01-01", tz="UTC")
    try:
        drift.score_windows(np.array([to_ms(t0)]), np.array([0.0]), summary, summ, start=t0, width="1 hour",
                            until=t0 + pd.Timedelta(hours=1), include_empty=True)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"baseline.static: {exc}") from None


def score_range(window: Window, base_summary: Summary, summ: drift.Summarizer, logs: LogSource, *,
                start: pd.Timestamp, until: pd.Timestamp, warning: float | None,
                alert: float | None) -> list[AssayResult]:
    """The results (typed; ``to_api`` gives the engine's JSON records) of the windows starting at ``start`` that
    end by ``until``; they share ``base_summary`` itself."""
    direction, fld, idx = parse_path(window.path)
    end_ms = to_ms(until)
    times, values = logs(window.pipeline_name, window.model_name, direction, fld, idx, to_ms(start), end_ms)
    try:
        results = drift.score_windows(times, values, base_summary, summ, start=start, width=window.width_td,
                                      interval=window.interval_td, until=until, warning_threshold=warning,
                                      alert_threshold=alert, include_empty=False)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"baseline/window: {exc}") from None
    return results_from_api(results, "results", baseline=base_summary)  # plain JSON types (checked in tests)


def finish_results(results: list[AssayResult], *, assay_id: int | None, pipeline: dict | None,
                   workspace_name: str | None, elapsed_ms: int, analyzed_at: str) -> list[AssayResult]:
    """The server's fields filled in (``pipeline`` = ``{"id", "workspace_id"}`` or None for previews); ``to_api``
    then gives every documented key of a V1 result record."""
    return [r.replace(id=None, assay_id=assay_id, analyzed_at=analyzed_at, elapsed_millis=elapsed_ms,
                      pipeline_id=pipeline["id"] if pipeline else None,
                      workspace_id=pipeline["workspace_id"] if pipeline else None, workspace_name=workspace_name,
                      created_at=None) for r in results]
