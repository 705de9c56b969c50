"""View-model of the drift overview (plain Python, no widgets): a pipeline's logs through the API, every field
scored by ``drift.overview``, and the exact assay configurations (V1 ``assays/create`` bodies, V2
``AssayV2Config``) of what was scored."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..api import assays_v2
from ..drift import v2
from ..drift.overview import Overview, OverviewSettings, field_label, log_columns, score_overview
from ..drift.timeutil import iso_short_z
from ..drift.windows import times_to_ns
from . import validate as v

#: window widths offered; the default is the smallest giving at most MAX_DEFAULT_WINDOWS windows of at least
#: MIN_DEFAULT_ROWS rows on average (fewer rows make every score noise)
WIDTHS = ("1 hour", "6 hours", "1 day", "1 week")
MAX_DEFAULT_WINDOWS = 800
MIN_DEFAULT_ROWS = 100
LOG_PAGE = 10_000


def load_logs(session: Any, pipeline: dict[str, Any], start: Any = None, end: Any = None) -> pd.DataFrame:
    """A pipeline's inference logs as a DataFrame (``time``, ``in.*``, ``out.*``): today's cursor-paged
    ``pipelines/get_logs`` when the instance has it, else ``assays/get_baseline`` (2023-era instances).
    The one place the overview reads logs."""
    pipes = session.pipelines
    if getattr(pipes, "has_current_api", None) is not None and pipes.has_current_api():
        return pipes.logs(pipeline["workspace_id"], pipeline["name"], start, end, page_size=LOG_PAGE)
    return session.assays.get_baseline(pipeline["workspace_id"], pipeline["name"], start, end).df


class OverviewModel:
    """Logs -> field columns (once) -> an :class:`Overview` per settings."""

    def __init__(self, logs: pd.DataFrame | None = None, *, pipeline: dict[str, Any] | None = None) -> None:
        self.pipeline = dict(pipeline or {})
        self.logs = pd.DataFrame(columns=["time"])
        self.times = np.zeros(0, dtype=np.int64)
        self.columns: dict[str, np.ndarray] = {}
        self.overview: Overview | None = None
        if logs is not None:
            self.set_logs(logs)

    def set_logs(self, logs: pd.DataFrame) -> None:
        if "time" not in logs:
            raise v.InputError("the logs have no 'time' column")
        if not len(logs):
            raise v.InputError("there are no inference logs to look at")
        self.logs = logs
        try:
            self.times = times_to_ns(logs["time"], "time")
        except ValueError as exc:
            raise v.InputError(str(exc)) from None
        self.columns = log_columns(logs)
        if not self.columns:
            raise v.InputError("the logs have no numeric input or output field")
        self.overview = None

    def time_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        if not self.times.size:
            raise v.InputError("Load logs first")
        return (pd.Timestamp(int(self.times.min()), unit="ns", tz="UTC"),
                pd.Timestamp(int(self.times.max()), unit="ns", tz="UTC"))

    def default_settings(self, fraction: float = 0.25) -> OverviewSettings:
        """Baseline = the first ``fraction`` of the logged span; the smallest width of ``WIDTHS`` giving at most
        ``MAX_DEFAULT_WINDOWS`` windows after it, ``MIN_DEFAULT_ROWS`` rows each on average. Relative to the data's
        own times (no clock)."""
        first, last = self.time_range()
        cut = first + max((last - first) * fraction, pd.Timedelta(milliseconds=1))
        after = int(np.count_nonzero(self.times >= cut.value))

        def fits(width: str) -> bool:
            windows = max((last - cut) / pd.Timedelta(width), 1.0)
            return windows <= MAX_DEFAULT_WINDOWS and after / windows >= MIN_DEFAULT_ROWS

        width = next((w for w in WIDTHS if fits(w)), WIDTHS[-1])
        return OverviewSettings(baseline_start=first, baseline_end=cut, width=width)

    def score(self, settings: OverviewSettings) -> Overview:
        if not self.columns:
            raise v.InputError("Load logs first")
        try:
            self.overview = score_overview(self.times.view("datetime64[ns]"), self.columns, settings)
        except ValueError as exc:
            raise v.InputError(str(exc)) from None
        return self.overview

    # -- assays of exactly what was scored ---------------------------------------------------------------
    def assay_configs(self, keys: list[str], prefix: str) -> list[Any]:
        """One configuration per field: V1 ``assays/create`` bodies (a static baseline = the overview's own
        summary) or V2 ``AssayV2Config`` (a Summary baseline), with the overview's windows, bins, metric and
        thresholds."""
        ov = self.overview
        if ov is None:
            raise v.InputError("Score the fields first")
        p = self.pipeline
        if p.get("id") is None or not p.get("name"):
            raise v.InputError("Pick a pipeline and load its logs first")
        if not keys:
            raise v.InputError("Select at least one field")
        bad = [k for k in keys if k in ov.errors or k not in ov.scored]
        if bad:
            raise v.InputError(f"not scored, so no assay: {', '.join(bad)}")
        prefix = v.required(prefix, "Assay name prefix")
        return [self._v1(ov, k, prefix) if ov.settings.version == "V1" else self._v2(ov, k, prefix) for k in keys]

    def _v1(self, ov: Overview, key: str, prefix: str) -> dict[str, Any]:
        s, p = ov.settings, self.pipeline
        wid = p.get("workspace_id")
        return {"name": f"{prefix}-{key}", "pipeline_id": p["id"], "pipeline_name": p["name"], "active": True,
                "status": "created", "baseline": {"static": ov.baselines[key]},
                "window": {"pipeline_name": p["name"], "model_name": None, "path": field_label(key),
                           "width": s.width, "interval": s.interval or None, "start": iso_short_z(s.first_window),
                           "workspace_id": wid, "locations": []},
                "summarizer": s.summarizer().to_dict(), "warning_threshold": s.warning_threshold,
                "alert_threshold": s.alert_threshold, "run_until": None, "workspace_id": wid}

    def _v2(self, ov: Overview, key: str, prefix: str) -> v2.AssayV2Config:
        s, p = ov.settings, self.pipeline
        return assays_v2.config(
            f"{prefix}-{key}", pipeline_id=p["id"], pipeline_name=p["name"], workspace_id=p.get("workspace_id") or 0,
            baseline={key: ov.baselines[key]}, iopaths=key, bins=v2.BinMode(s.bin_mode, s.num_bins),
            metric=s.metric, aggregation=s.aggregation, alert=s.alert_threshold, warning=s.warning_threshold,
            width=s.width_delta().to_pytimedelta(), frequency=s.interval_delta().to_pytimedelta(),
            first_run=s.first_window.to_pydatetime())
