"""Assays V2: exact V2 math (vectorised like V1) and typed wire objects. Rules: docs/assays-v2-math.md.

Public API (stable; for the client, the sandbox scheduler/preview, plots and panels)::

    from wallaroo_widgets.drift import v2

    # one series
    base = v2.summarize(values, v2.BinMode("Quantile", 5), "Density", name=key, start=None, end=None)
    win = v2.summarize_window(values, base, start=s, end=e)         # binned with the baseline's bins
    sd = v2.score(base, win, summarizer)                             # ScoreData(score, scores, bin_index)
    v2.status(sd.score, thresholds)                                  # "Ok" | "Warning" | "Alert"

    # many windows of one iopath at once (one binning pass; rows at t count in (start, end])
    windows = v2.run_windows(scheduling, window, now)                # scheduled runs due by now / end
    windows = v2.preview_windows(preview_start, preview_end, window, scheduling)
    ws = v2.score_windows(times, values, base, windows, summarizer, thresholds)   # WindowScoresV2 arrays
    batch = v2.WindowBatch(times, values, windows); batch.score(base, summarizer, thresholds)  # re-score

    # several iopaths → typed results (worst status; failed iopath = string score; empty windows skipped)
    for o in v2.combine({key: ws, other_key: "error message"}):
        o.result(assay_id=..., pipeline_id=..., workspace_id=..., workspace_name=..., thresholds=th).to_api()
        o.preview(assay_id=..., pipeline_id=..., workspace_id=..., workspace_name=...).to_api()

    v2.next_run(scheduling, window, last_run, active)               # get_next_run
    v2.AssayV2.from_api(d) / .to_api(); also UnivariateContinuous, Targeting, DataPath, Thresholds,
    Scheduling, RollingWindow, baseline_from_api, SeriesSummary, Statistics, Bins, BinMode, ScoreData,
    AssayResultV2, PreviewResult                                    # wire objects (from_api/to_api)
    cfg = v2.convert_v1_config(v1_assay_dict)                       # the SDK's V1 → V2 mapping
    cfg.to_api() (schedule body) / cfg.preview_api(start, end) (preview body)
    v2.results_frame(results, targeting, assay_name)                # SDK-like to_dataframe

``values`` may be a float32 array (logged float32 outputs): edges, std, median, min, max are then float32
values, mean float64. Bad wire input raises ``WireError`` (a ValueError naming the field); bad engine input
a ValueError naming the parameter.
"""

from .batch import NO_DATA, WindowBatch, WindowScoresV2, score_windows
from .bins import compute_bins, count_bins, linear_quantiles, quantile_labels, value_labels
from .config import (
    AssayV2,
    Baseline,
    DataOrigin,
    DataPath,
    RollingBaseline,
    RollingWindow,
    Scheduling,
    StaticBaseline,
    SummaryBaseline,
    Targeting,
    Thresholds,
    UnivariateContinuous,
    VectorBaseline,
    baseline_from_api,
)
from .convert import AssayV2Config, convert_v1_config, iopath_from_v1, summary_from_v1
from .engine import score, status, summarize, summarize_window
from .frame import results_frame
from .results import AssayResultV2, PreviewResult, WindowOutcome, combine, worst
from .schedule import Windows, grid, next_run, preview_windows, run_windows
from .types import BinMode, Bins, ScoreData, SeriesSummary, Statistics, scores_from_api, summaries_from_api
from .wire import INFINITY, WireError

__all__ = [
    "summarize", "summarize_window", "score", "status", "score_windows", "WindowBatch", "WindowScoresV2", "NO_DATA",
    "compute_bins", "count_bins", "linear_quantiles", "quantile_labels", "value_labels",
    "Windows", "grid", "run_windows", "preview_windows", "next_run", "combine", "worst", "WindowOutcome",
    "AssayV2", "Baseline", "SummaryBaseline", "StaticBaseline", "RollingBaseline", "VectorBaseline",
    "baseline_from_api", "DataOrigin", "DataPath", "Targeting", "Thresholds", "Scheduling", "RollingWindow",
    "UnivariateContinuous", "BinMode", "Bins", "ScoreData", "SeriesSummary", "Statistics", "AssayResultV2",
    "PreviewResult", "scores_from_api", "summaries_from_api", "INFINITY", "WireError", "AssayV2Config",
    "convert_v1_config", "iopath_from_v1", "summary_from_v1", "results_frame",
]
