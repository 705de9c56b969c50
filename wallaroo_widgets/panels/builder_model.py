"""View-model of the assay builder: plain Python over the inference logs and the drift engine (no widgets).

It extracts one iopath's values from the logs, computes the baseline summary and every window's score
locally (cached), and builds the exact ``assays/create`` / ``run_interactive`` body for what it previewed.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any

import numpy as np
import pandas as pd

from ..drift import AGGREGATIONS, BIN_MODES, METRICS
from ..drift.float32 import widen_float32
from ..drift.timeutil import as_utc, iso_short_z
from ..drift.windows import times_to_ns
from . import validate as v
from .builder_config import BuilderConfig

__all__ = ["AGGREGATIONS", "BIN_MODES", "METRICS", "AssayBuilderModel", "BuilderConfig", "column_values", "widen_float32"]


def _drift() -> Any:
    from .. import drift  # imported on first use: the panels load without the engine's import cost

    return drift


def parse_iopath(iopath: str) -> tuple[str, str, int]:
    """``"output dense_1 0"`` -> ("out", "dense_1", 0)."""
    parts = str(iopath).split()
    if len(parts) != 3 or parts[0] not in {"input", "output"} or not parts[2].isdigit():
        raise v.InputError(f"iopath {iopath!r} must look like 'output dense_1 0' (direction, field, index)")
    return ("in" if parts[0] == "input" else "out"), parts[1], int(parts[2])


def iopaths_of(logs: pd.DataFrame, max_index: int = 32) -> list[str]:
    """Every ``"<input|output> <field> <index>"`` that the logs' ``in.*`` / ``out.*`` columns offer."""
    out: list[str] = []
    for col in logs.columns:
        prefix, _, field = str(col).partition(".")
        if prefix not in {"in", "out"} or not field or not len(logs):
            continue
        first = logs[col].iloc[0]
        size = len(first) if isinstance(first, list | tuple | np.ndarray) else 1
        direction = "input" if prefix == "in" else "output"
        out += [f"{direction} {field} {i}" for i in range(min(size, max_index))]
    return sorted(out, key=lambda p: (not p.startswith("output"), p))


def model_names_of(logs: pd.DataFrame) -> list[str]:
    """Distinct model names in the logs' ``metadata.last_model`` (a JSON-encoded string per record)."""
    if "metadata.last_model" not in logs:
        return []
    names: set[str] = set()
    for text in logs["metadata.last_model"].dropna().unique():
        try:
            name = json.loads(text).get("model_name") if isinstance(text, str) else None
        except (ValueError, AttributeError):
            name = None
        if name:
            names.add(str(name))
    return sorted(names)


def column_values(logs: pd.DataFrame, iopath: str) -> tuple[np.ndarray, np.ndarray]:
    """(epoch-ms times, float64 values) of one iopath, sorted by time."""
    prefix, field, index = parse_iopath(iopath)
    col = f"{prefix}.{field}"
    if col not in logs:
        raise v.InputError(f"the logs have no column {col!r} (available: {', '.join(map(str, logs.columns))})")
    raw = logs[col].to_numpy()
    vals = np.array([r[index] if isinstance(r, list | tuple | np.ndarray) and len(r) > index else
                     (r if index == 0 and not isinstance(r, list | tuple | np.ndarray) else np.nan)
                     for r in raw], dtype=float)
    ms = epoch_ms(logs["time"])
    order = np.argsort(ms, kind="stable")
    return ms[order].astype(np.int64), widen_float32(vals[order])


def epoch_ms(times: pd.Series) -> np.ndarray:
    """Epoch milliseconds (int64) from epoch-ms numbers or timestamps."""
    if pd.api.types.is_numeric_dtype(times):
        return times.to_numpy().astype(np.int64)
    try:  # an int64 view of datetime64 data: no Timestamp objects
        return times_to_ns(times, "time") // 1_000_000
    except ValueError as exc:
        raise v.InputError(str(exc)) from None


def _utc(value: Any, label: str) -> pd.Timestamp | None:
    """A UTC Timestamp (blank -> None); unparseable text is an InputError naming the field."""
    if isinstance(value, pd.Timestamp) and value is not pd.NaT:
        return as_utc(value)
    ts = v.timestamp(value, label, optional=True)
    return None if ts is None else pd.Timestamp(ts)


#: drift-engine parameter names -> the builder's field labels (for readable messages)
_LABELS = {"provided_edges": "Edges", "bin_weights": "Weights", "num_bins": "Bins", "bin_mode": "Bin mode"}


def readable(exc: ValueError) -> v.InputError:
    """A drift-engine ValueError as an InputError that names the builder's fields, not the API parameters."""
    text = str(exc)
    for param, label in _LABELS.items():
        text = re.sub(rf"\b{param}\b", label, text)
    return v.InputError(text)


class AssayBuilderModel:
    """Logs + config -> baseline summary, window results, create body; caches what did not change."""

    def __init__(self, logs: pd.DataFrame | None = None, *, pipeline: dict[str, Any] | None = None,
                 workspace_id: int | None = None, model_name: str | None = None,
                 config: BuilderConfig | None = None) -> None:
        self.config = config if config is not None else BuilderConfig()
        self.pipeline = pipeline or {}
        self.workspace_id = workspace_id
        self.model_name = model_name
        self.logs = pd.DataFrame(columns=["time"])
        self._values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._cache: dict[str, tuple[str, Any]] = {}
        self.stats = {"baseline_computed": 0, "results_computed": 0}
        if logs is not None:
            self.set_logs(logs)

    # -- data ---------------------------------------------------------------------------------------
    def set_logs(self, logs: pd.DataFrame) -> None:
        """Use these inference logs (``get_baseline(...).df``: ``time`` + ``in.*``/``out.*``)."""
        if "time" not in logs:
            raise v.InputError("the logs have no 'time' column")
        self.logs = logs.reset_index(drop=True)
        self._values.clear()
        self._cache.clear()
        if not self.config.iopath and len(logs):
            paths = iopaths_of(logs)
            self.config.iopath = paths[0] if paths else ""

    def iopaths(self) -> list[str]:
        return iopaths_of(self.logs)

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        path = v.required(self.config.iopath, "iopath")
        if path not in self._values:
            self._values[path] = column_values(self.logs, path)
        return self._values[path]

    def time_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        if not len(self.logs):
            return None
        times, _ = self.values()
        return pd.Timestamp(int(times[0]), unit="ms", tz="UTC"), pd.Timestamp(int(times[-1]), unit="ms", tz="UTC")

    # -- pieces -------------------------------------------------------------------------------------
    def summarizer_dict(self) -> dict[str, Any]:
        c = self.config
        if c.bin_mode not in BIN_MODES:
            raise v.InputError(f"bin mode must be one of {', '.join(BIN_MODES)}")
        n = v.integer(c.num_bins, "Number of bins", minimum=1)
        if c.bin_weights is not None and len(c.bin_weights) != n + 2:
            raise v.InputError(f"Weights need {n + 2} values (num_bins + 2 outlier bins), got {len(c.bin_weights)}")
        if c.bin_mode == "Provided":
            got = len(c.provided_edges or ())
            if got not in (n, n + 1):
                raise v.InputError(f"Edges: bin mode Provided needs {n} or {n + 1} values (Bins or Bins + 1), "
                                   f"got {got}" + ("" if got else " (type them in the Edges field)"))
        return {"type": "UnivariateContinuous", "bin_mode": c.bin_mode, "aggregation": c.aggregation,
                "metric": c.metric, "num_bins": n, "bin_weights": c.bin_weights,
                "provided_edges": c.provided_edges if c.bin_mode == "Provided" else None}

    def summarizer(self) -> Any:
        try:
            return _drift().Summarizer.from_dict(self.summarizer_dict())
        except v.InputError:
            raise
        except ValueError as exc:
            raise readable(exc) from None

    def baseline_values(self) -> tuple[np.ndarray, pd.Timestamp | None, pd.Timestamp | None]:
        c = self.config
        if c.baseline_kind == "vector":
            if not c.baseline_vector:
                raise v.InputError("the baseline vector is empty")
            return np.asarray(c.baseline_vector, dtype=float), None, None
        times, vals = self.values()
        start, end = _utc(c.baseline_start, "Baseline from"), _utc(c.baseline_end, "Baseline to")
        if start is None or end is None:
            raise v.InputError("Baseline start and end are required")
        if end <= start:
            raise v.InputError("Baseline end must be after its start")
        lo, hi = start.value // 1_000_000, end.value // 1_000_000
        sel = (times >= lo) & (times < hi)
        if not sel.any():
            raise v.InputError(f"no logged values between {iso_short_z(start)} and {iso_short_z(end)}")
        return vals[sel], start, end

    def _cached(self, slot: str, key: Any, compute) -> Any:
        text = json.dumps(key, default=str, sort_keys=True)
        hit = self._cache.get(slot)
        if hit is not None and hit[0] == text:
            return hit[1]
        value = compute()
        self._cache[slot] = (text, value)
        return value

    def last(self, slot: str) -> Any:
        """The last computed ``"baseline"`` / ``"results"`` (None before the first computation)."""
        hit = self._cache.get(slot)
        return hit[1] if hit else None

    @property
    def v2(self) -> bool:
        return self.config.target == "V2"

    def baseline(self) -> dict[str, Any]:
        """The baseline Summary (drift.summarize; V2: drift.v2.summarize as the figures' flat dict), recomputed
        only when its inputs change."""
        c = self.config
        if self.v2:
            from ..plots import _v2 as plots_v2
            from . import builder_v2

            summary = builder_v2.baseline(self)
            return self._cached("baseline", ["v2", id(summary)], lambda: plots_v2.flat(summary))
        key = [c.iopath, c.baseline_kind, c.baseline_start, c.baseline_end, c.baseline_vector, self.summarizer_dict()]

        def compute() -> dict[str, Any]:
            vals, start, end = self.baseline_values()
            self.stats["baseline_computed"] += 1
            summ = self.summarizer()
            try:
                return _drift().summarize(vals, summ, start=start, end=end)
            except ValueError as exc:
                raise readable(exc) from None

        return self._cached("baseline", key, compute)

    def window_start(self) -> pd.Timestamp:
        c = self.config
        start = _utc(c.window_start, "Window start")
        if start is None:
            start = _utc(c.baseline_end, "Baseline to") if c.baseline_kind == "range" else None
        if start is None:
            rng = self.time_range()
            if rng is None:
                raise v.InputError("Window start is required (there are no logs)")
            start = rng[0]
        return start

    def thresholds(self) -> tuple[float | None, float]:
        c = self.config
        warn = v.number(c.warning_threshold, "Warning threshold", optional=True, minimum=0)
        alert = v.number(c.alert_threshold, "Alert threshold", minimum=0)
        return warn, alert  # type: ignore[return-value]

    def results(self) -> list[dict[str, Any]]:
        """Every window's AssayResult-shaped dict (same as drift.score_windows), via a cached drift.WindowScorer
        (V2: ``builder_v2.results``)."""
        c = self.config
        if self.v2:
            from . import builder_v2

            return builder_v2.results(self)
        base = self.baseline()
        width = v.duration(c.width, "Window width")
        interval = v.duration(c.interval, "Interval") if c.interval else None
        warn, alert = self.thresholds()
        start = self.window_start()
        until = _utc(c.run_until, "Run until")
        window_key = [c.iopath, iso_short_z(start), width, interval, iso_short_z(until), len(self.logs)]

        def make_scorer() -> Any:  # rows and windows prepared once; bin counts cached per edge set
            times, vals = self.values()
            # windows end by min(run_until, now), as the server's run_interactive and scheduler score them
            return _drift().WindowScorer(times, vals, start=start.to_pydatetime(), width=width, interval=interval,
                                         run_until=until.to_pydatetime() if until is not None else None)

        scorer = self._cached("scorer", window_key, make_scorer)
        key = [c.as_dict(), window_key]

        def compute() -> list[dict[str, Any]]:
            self.stats["results_computed"] += 1
            summ = self.summarizer()
            try:
                return scorer.results(summ, baseline=base, warning_threshold=warn, alert_threshold=alert)
            except ValueError as exc:
                raise readable(exc) from None

        return self._cached("results", key, compute)

    def scores(self) -> pd.DataFrame:
        """window_start, score, status of every local window."""
        rows = [{"window_start": pd.Timestamp(r["window_start"]), "score": r["score"], "status": r["status"]}
                for r in self.results()]
        return pd.DataFrame(rows, columns=["window_start", "score", "status"])

    # -- API bodies ---------------------------------------------------------------------------------
    def window_dict(self) -> dict[str, Any]:
        c = self.config
        p = self.pipeline
        if not p.get("name"):
            raise v.InputError("Pick a pipeline first")
        return {"pipeline_name": p["name"], "model_name": self.model_name or None, "path": c.iopath,
                "width": v.duration(c.width, "Window width"),
                "interval": v.duration(c.interval, "Interval") if c.interval else None,
                "start": iso_short_z(self.window_start()), "workspace_id": self.workspace_id, "locations": []}

    def assay_config(self) -> dict[str, Any]:
        """The exact ``assays/create`` body of what is previewed: a static baseline of the local summary (V2:
        the ``drift.v2.AssayV2Config`` that ``assays_v2.schedule`` / ``preview`` take)."""
        name = v.required(self.config.name, "Assay name")
        if self.v2:
            from . import builder_v2

            return builder_v2.config(self)  # type: ignore[return-value]
        p = self.pipeline
        if p.get("id") is None:
            raise v.InputError("Pick a pipeline first")
        warn, alert = self.thresholds()
        base = self.baseline()
        return {"name": name, "pipeline_id": p["id"], "pipeline_name": p["name"], "active": True,
                "status": "created", "baseline": {"static": base}, "window": self.window_dict(),
                "summarizer": self.summarizer_dict(), "warning_threshold": warn, "alert_threshold": alert,
                "run_until": iso_short_z(_utc(self.config.run_until, "Run until")), "workspace_id": self.workspace_id}

    def report_config(self) -> Any:
        """The configuration a report shows: what Create would post (``assay_config()``) when it is complete,
        else (no name or pipeline yet) every knob's value with the pipeline and model."""
        try:
            return self.assay_config()
        except v.InputError:
            return {"pipeline": self.pipeline.get("name"), "model_name": self.model_name, **self.config.as_dict()}

    def compare(self, server: list[dict[str, Any]], tol: float = 1e-9) -> pd.DataFrame:
        """Local vs server results per window: scores, statuses and whether they agree."""
        local = {pd.Timestamp(r["window_start"]): r for r in self.results()}
        remote = {pd.Timestamp(r["window_start"]): r for r in server}
        rows = []
        for ws in sorted(set(local) | set(remote)):
            a, b = local.get(ws), remote.get(ws)
            ls = a["score"] if a else None
            rs = b["score"] if b else None
            same = (a is not None and b is not None and abs(ls - rs) <= tol * max(1.0, abs(ls))
                    and a["status"] == b["status"])
            rows.append({"window_start": ws, "local_score": ls, "server_score": rs,
                         "diff": (rs - ls) if a and b else None, "local_status": a["status"] if a else None,
                         "server_status": b["status"] if b else None, "match": bool(same)})
        return pd.DataFrame(rows, columns=["window_start", "local_score", "server_score", "diff", "local_status",
                                           "server_status", "match"])


def default_baseline_range(model: AssayBuilderModel, fraction: float = 0.25) -> tuple[_dt.datetime, _dt.datetime]:
    """The first ``fraction`` of the logged time span (a sensible starting baseline)."""
    rng = model.time_range()
    if rng is None:
        raise v.InputError("no logs to take a baseline from")
    start, end = rng
    cut = start + (end - start) * fraction
    return start.to_pydatetime(), max(cut, start + pd.Timedelta(milliseconds=1)).to_pydatetime()
