"""A V1 assay config → a V2 config, the way the SDK's V1-style builder does it (docs/assays-v2-math.md §7).

``window.width`` → ``window.width.seconds``; ``window.interval`` (default: the width) → ``SimpleRunFrequency``
(the largest of Week/Day/Hour/Minute that divides it); ``window.start`` → ``first_run`` and the preview start
(else the baseline's ``end``, else now); ``run_until`` → ``scheduling.end`` and the preview end;
``window.path`` ``"output variable 0"`` → iopath ``out.variable`` / ``[0]``; ``locations`` ``[]`` → null;
``model_name`` → ``data_origin.model_id``; bin mode + ``num_bins`` → ``{"Quantile": n}`` / ``{"Equal": n}``
/ ``{"Provided": edges}`` (``add_outlier_edges`` dropped); metric, aggregation, ``bin_weights`` forwarded
as is; ``alert_threshold`` (default 0.25) / ``warning_threshold`` → the iopath's thresholds. A V1
``static`` Summary becomes ``{"Summary": {<key>: …}}`` (``null`` edge → ``"INFINITY"``, ``edge_names`` →
labels, name = key); vector and fixed-window baselines become ``Vector`` / ``Static``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Mapping
from typing import Any

from ..durations import parse_duration
from . import wire
from .config import (
    UNIT_SECONDS,
    Baseline,
    DataOrigin,
    DataPath,
    RollingWindow,
    Scheduling,
    StaticBaseline,
    SummaryBaseline,
    Targeting,
    Thresholds,
    UnivariateContinuous,
    VectorBaseline,
)
from .types import BinMode, Bins, SeriesSummary, Statistics

DEFAULT_ALERT = 0.25


@dataclasses.dataclass(frozen=True)
class AssayV2Config:
    """What ``schedule`` takes (and, with a preview range, ``preview``)."""

    name: str
    baseline: Baseline
    scheduling: Scheduling
    summarizer: UnivariateContinuous
    targeting: Targeting
    window: RollingWindow

    def to_api(self) -> dict[str, Any]:
        """The ``schedule`` body."""
        return {"baseline": self.baseline.to_api(), "name": self.name, "scheduling": self.scheduling.to_api(),
                "summarizer": self.summarizer.to_api(), "targeting": self.targeting.to_api(),
                "window": self.window.to_api()}

    def preview_api(self, preview_start: Any = None, preview_end: Any = None) -> dict[str, Any]:
        """The ``preview`` body: start defaults to ``first_run``, end to ``scheduling.end`` (required)."""
        end = preview_end if preview_end is not None else self.scheduling.end
        if end is None:
            raise ValueError("Previews require an end time (run_until / preview_end)")
        start = wire.time(preview_start, "preview_start", optional=True) or self.scheduling.first_run
        return {"baseline": self.baseline.to_api(), "preview_end": wire.echo_time(wire.time(end, "preview_end")),
                "preview_start": wire.echo_time(start), "scheduling": self.scheduling.to_api(with_end=False),
                "summarizer": self.summarizer.to_api(), "targeting": self.targeting.to_api(),
                "window": self.window.to_api()}


def iopath_from_v1(path: str, thresholds: Thresholds) -> DataPath:
    """``"output variable 0"`` → ``out.variable`` [0]; ``"input tensor"`` → ``in.tensor`` (no index)."""
    parts = str(path).split()
    if len(parts) not in (2, 3) or parts[0] not in ("input", "output"):
        raise ValueError(f"window.path must look like 'output <field> <index>', got {path!r}")
    field = f"{'in' if parts[0] == 'input' else 'out'}.{parts[1]}"
    if len(parts) == 2:
        return DataPath(field, None, thresholds)
    if not parts[2].isdigit():
        raise ValueError(f"window.path index must be a whole number, got {parts[2]!r}")
    return DataPath(field, (int(parts[2]),), thresholds)


def frequency(seconds: float) -> tuple[int, str]:
    """(quantity, unit) of ``SimpleRunFrequency`` for an interval (the largest unit that divides it)."""
    for unit in ("Week", "Day", "Hour", "Minute"):
        q, r = divmod(seconds, UNIT_SECONDS[unit])
        if r == 0 and q >= 1:
            return int(q), unit
    raise ValueError(f"a V2 run frequency must be a whole number of minutes, got {seconds:g} seconds")


def summarizer_from_v1(summ: Mapping[str, Any]) -> UnivariateContinuous:
    mode = str(summ.get("bin_mode") or "Quantile").capitalize()
    n = int(summ.get("num_bins") or 5)
    if mode == "Provided":
        bin_mode = BinMode.provided(summ.get("provided_edges") or [])
    elif mode in ("Quantile", "Equal"):
        bin_mode = BinMode(mode, n)
    else:
        raise ValueError(f"summarizer.bin_mode must be Quantile, Equal or Provided, got {summ.get('bin_mode')!r}")
    weights = summ.get("bin_weights")
    return UnivariateContinuous(bin_mode, str(summ.get("aggregation") or "Density"), str(summ.get("metric") or "PSI"),
                                None if weights is None else tuple(weights))


def summary_from_v1(summary: Mapping[str, Any], key: str, mode: BinMode) -> SeriesSummary:
    """A V1 Summary dict as a V2 SeriesSummary (its own bin layout kept)."""
    edges = tuple(wire.edge("INFINITY" if e is None else e, f"baseline.edges[{i}]")
                  for i, e in enumerate(summary.get("edges") or []))
    stats = Statistics.from_api({k: summary.get(k) for k in ("count", "max", "mean", "median", "min", "std")},
                                "baseline")
    return SeriesSummary(wire.floats(summary.get("aggregated_values") or [], "baseline.aggregated_values"),
                         Bins(edges, tuple(summary.get("edge_names") or ()), mode), stats,
                         summary.get("aggregation") or "Density", key,
                         wire.time(summary.get("start"), "baseline.start", optional=True),
                         wire.time(summary.get("end"), "baseline.end", optional=True))


def baseline_from_v1(baseline: Mapping[str, Any], key: str, mode: BinMode) -> Baseline:
    body = baseline.get("calculated", baseline) if isinstance(baseline, Mapping) else None
    if isinstance(baseline, Mapping) and "static" in baseline:
        return SummaryBaseline({key: summary_from_v1(baseline["static"], key, mode)})
    if isinstance(body, Mapping) and "vector" in body:
        return VectorBaseline(wire.floats(body["vector"], "baseline.vector", allow_null=True))
    if isinstance(body, Mapping) and "fixed_window" in body:
        fw = body["fixed_window"]
        start = wire.time(wire.req(fw, "start", "baseline.fixed_window"), "baseline.fixed_window.start")
        return StaticBaseline(start, start + parse_duration(fw.get("width") or "24 hours", "width"))  # type: ignore[operator]
    raise ValueError("baseline must be {'static': Summary}, a vector or a fixed_window")


def convert_v1_config(config: Mapping[str, Any], now: _dt.datetime | None = None) -> AssayV2Config:
    """The V2 config of a V1 assay config (the ``/v1/api/assays/create`` body shape)."""
    window = config.get("window") or {}
    thresholds = Thresholds(config.get("warning_threshold"),
                            config.get("alert_threshold", DEFAULT_ALERT))
    path = iopath_from_v1(window.get("path") or config.get("iopath") or "", thresholds)
    summ = summarizer_from_v1(config.get("summarizer") or {})
    baseline = baseline_from_v1(config.get("baseline") or {}, path.key, summ.bin_mode)
    width = parse_duration(window.get("width") or "24 hours", "window.width")
    interval = parse_duration(window.get("interval") or width, "window.interval")
    quantity, unit = frequency(interval.total_seconds())
    base_end = baseline.summaries[path.key].end if isinstance(baseline, SummaryBaseline) else None
    first = (wire.time(window.get("start"), "window.start", optional=True) or base_end
             or now or _dt.datetime.now(_dt.timezone.utc))
    sched = Scheduling(first, quantity, unit, None, wire.time(config.get("run_until"), "run_until", optional=True))
    origin = DataOrigin(int(config.get("pipeline_id") or 0), str(config.get("pipeline_name") or window.get("pipeline_name") or ""),
                        int(config.get("workspace_id") or window.get("workspace_id") or 0),
                        str(config.get("workspace_name") or ""),
                        tuple(window["locations"]) if window.get("locations") else None, window.get("model_name"))
    return AssayV2Config(str(config.get("name") or ""), baseline, sched, summ, Targeting(origin, (path,)),
                         RollingWindow(int(width.total_seconds())))
