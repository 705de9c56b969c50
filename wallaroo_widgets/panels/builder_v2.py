"""The assay builder's Assays V2 target: the same knobs scored with ``drift.v2`` (plain Python, no widgets).

The builder's config maps to V2 as the SDK's V1-style builder does (docs/spec/assays-v2.md §7): ``"output variable 0"``
→ iopath ``out.variable.0``; Quantile/Equal *n* → ``{"Quantile": n}`` / ``{"Equal": n}``; Provided edges;
width and interval (default: the width) → window width and ``SimpleRunFrequency``; window start →
``first_run`` and the preview start; run until → ``end`` and the preview end (default: just after the last
log). Windows are the preview grid [start + k·interval, … + width] (rows at t count in (start, end]);
results are given as the flat dicts the figures draw (``plots._v2.result``). Create schedules a ``Summary``
baseline: exactly the previewed one.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..api import assays_v2
from ..drift import v2
from ..plots import _v2 as plots_v2
from . import validate as v

if TYPE_CHECKING:  # pragma: no cover
    from .builder_model import AssayBuilderModel


def key(model: AssayBuilderModel) -> str:
    """``"output variable 0"`` -> ``"out.variable.0"``."""
    from .builder_model import parse_iopath

    prefix, field, index = parse_iopath(v.required(model.config.iopath, "iopath"))
    return f"{prefix}.{field}.{index}"


def summarizer(model: AssayBuilderModel) -> v2.UnivariateContinuous:
    c = model.config
    n = v.integer(c.num_bins, "Number of bins", minimum=1)
    if c.bin_mode == "Provided":
        if not c.provided_edges:
            raise v.InputError("Edges: bin mode Provided needs the edges (type them in the Edges field)")
        mode = v2.BinMode.provided(c.provided_edges)
    else:
        mode = v2.BinMode(c.bin_mode, n)
    try:
        return v2.UnivariateContinuous(mode, c.aggregation, c.metric,
                                       None if c.bin_weights is None else tuple(c.bin_weights))
    except ValueError as exc:
        raise v.InputError(str(exc)) from None


def _float32(model: AssayBuilderModel, values: np.ndarray) -> bool:
    """Logged float32 outputs (values that round-trip through float32) keep V2's float32 statistics."""
    finite = values[~np.isnan(values)]
    return model.config.iopath.startswith("output") and model.config.baseline_kind == "range" and bool(
        finite.size) and bool(np.all(finite.astype(np.float32).astype(np.float64) == finite))


def baseline(model: AssayBuilderModel) -> v2.SeriesSummary:
    """The V2 baseline summary (cached like the V1 one)."""
    c = model.config
    summ = summarizer(model)
    cache_key = ["v2", c.iopath, c.baseline_kind, c.baseline_start, c.baseline_end, c.baseline_vector,
                 summ.to_api()]

    def compute() -> v2.SeriesSummary:
        vals, start, end = model.baseline_values()
        model.stats["baseline_computed"] += 1
        try:
            return v2.summarize(vals, summ.bin_mode, summ.aggregation, name=key(model), start=start, end=end,
                                float32=_float32(model, vals))
        except ValueError as exc:
            raise v.InputError(str(exc)) from None

    return model._cached("baseline_v2", cache_key, compute)


def _end(model: AssayBuilderModel) -> pd.Timestamp:
    from .builder_model import _utc

    until = _utc(model.config.run_until, "Run until")
    if until is not None:
        return until
    rng = model.time_range()
    if rng is None:
        raise v.InputError("Run until is required (there are no logs)")
    return rng[1] + pd.Timedelta(milliseconds=1)


def config(model: AssayBuilderModel) -> v2.AssayV2Config:
    """The V2 config of what is previewed (a ``Summary`` baseline: the local one)."""
    c = model.config
    p = model.pipeline
    if p.get("id") is None or not p.get("name"):
        raise v.InputError("Pick a pipeline first")
    warn, alert = model.thresholds()
    width = v.duration(c.width, "Window width")
    interval = v.duration(c.interval, "Interval") if c.interval else width
    try:
        return assays_v2.config(
            c.name or "preview", pipeline_id=p["id"], pipeline_name=p["name"],
            workspace_id=model.workspace_id or p.get("workspace_id") or 0, workspace_name="",
            baseline={key(model): baseline(model)}, iopaths=key(model), bins=summarizer(model).bin_mode,
            metric=c.metric, aggregation=c.aggregation, bin_weights=c.bin_weights, alert=alert, warning=warn,
            width=width, frequency=interval, first_run=model.window_start().to_pydatetime(),
            end=_end(model).to_pydatetime(), model=model.model_name or None)
    except ValueError as exc:
        raise v.InputError(str(exc)) from None


def flat(model: AssayBuilderModel, items: list[Any], cfg: v2.AssayV2Config) -> list[dict[str, Any]]:
    """V2 previews/results as the figures' flat result dicts (the config's iopath and thresholds)."""
    base = baseline(model)
    return [plots_v2.result(r, base, key(model), cfg.summarizer, cfg.targeting) for r in items]


def results(model: AssayBuilderModel) -> list[dict[str, Any]]:
    """Every preview window with data, scored locally (one vectorised pass), as flat result dicts."""
    c = model.config
    cfg = config(model) if model.pipeline.get("id") is not None else None
    base = baseline(model)
    summ = summarizer(model)
    width = pd.Timedelta(v.duration(c.width, "Window width"))
    step = pd.Timedelta(v.duration(c.interval, "Interval")) if c.interval else width
    start, end = model.window_start(), _end(model)
    window_key = ["v2", c.iopath, str(start), str(width), str(step), str(end), len(model.logs)]

    def make_batch() -> v2.WindowBatch:
        times, vals = model.values()
        windows = v2.preview_windows(start, end, _dt.timedelta(seconds=width.total_seconds()),
                                     _dt.timedelta(seconds=step.total_seconds()))
        return v2.WindowBatch(times, vals, windows, float32=_float32(model, vals))

    batch = model._cached("batch_v2", window_key, make_batch)
    warn, alert = model.thresholds()

    def compute() -> list[dict[str, Any]]:
        model.stats["results_computed"] += 1
        try:
            scored = batch.score(base, summ, v2.Thresholds(warn, alert))
        except ValueError as exc:
            raise v.InputError(str(exc)) from None
        previews = [o.preview(assay_id="00000000-0000-0000-0000-000000000000", pipeline_id=0, workspace_id=0,
                              workspace_name="") for o in v2.combine({key(model): scored})]
        targeting = cfg.targeting if cfg is not None else v2.Targeting(
            v2.DataOrigin(0, "", 0, ""), (v2.DataPath(key(model).rsplit(".", 1)[0], (int(key(model).rsplit(".", 1)[1]),),
                                                      v2.Thresholds(warn, alert)),))
        return [plots_v2.result(p, base, key(model), summ, targeting) for p in previews]

    return model._cached("results", ["v2", window_key, summ.to_api(), warn, alert, str(base)], compute)
