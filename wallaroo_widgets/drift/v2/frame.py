"""DataFrames of V2 results and previews, like the SDK's ``to_dataframe`` (docs/assays-v2-math.md §7).

One row per window and iopath. The SDK's 18 columns first (``id, assay_id, assay_name, iopath, pipeline_id,
pipeline_name, workspace_id, workspace_name, score, start, min, max, mean, median, std, warning_threshold,
alert_threshold, status``), then ``window_start, window_end, count, bin_index, error`` and ``scores_<i>``
(per-bin scores). Thresholds and status come from **that iopath's** thresholds in ``targeting`` (the SDK
uses ``iopath[0]`` for all); without targeting, from the result's own thresholds. Failed iopaths (string
scores) only with ``include_failures`` (score NaN, status None, the message in ``error``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import wire
from .config import Targeting, Thresholds
from .results import AssayResultV2, PreviewResult

COLUMNS = ("id", "assay_id", "assay_name", "iopath", "pipeline_id", "pipeline_name", "workspace_id",
           "workspace_name", "score", "start", "min", "max", "mean", "median", "std", "warning_threshold",
           "alert_threshold", "status", "window_start", "window_end", "count", "bin_index", "error")


def _typed(item: Any) -> AssayResultV2 | PreviewResult:
    if isinstance(item, AssayResultV2 | PreviewResult):
        return item
    if isinstance(item, Mapping):
        return AssayResultV2.from_api(item) if "window_start" in item else PreviewResult.from_api(item)
    raise TypeError(f"results must be AssayResultV2 / PreviewResult objects or their JSON, got {type(item).__name__}")


def _thresholds(res: AssayResultV2 | PreviewResult, key: str, targeting: Targeting | None) -> Thresholds:
    if targeting is not None:
        for path in targeting.iopath:
            if path.key == key:
                return path.thresholds
        return targeting.iopath[0].thresholds if targeting.iopath else Thresholds()
    if isinstance(res, AssayResultV2):
        return Thresholds(res.warning_threshold, res.alert_threshold)
    return Thresholds()


def results_frame(results: Iterable[Any], targeting: Targeting | None = None, assay_name: str | None = None,
                  include_failures: bool = False) -> pd.DataFrame:
    """One row per (window, iopath) of V2 results or previews (typed or JSON)."""
    rows = []
    width = 0
    for item in results:
        res = _typed(item)
        preview = isinstance(res, PreviewResult)
        for key, sd in res.scores.items():
            failed = isinstance(sd, str)
            if failed and not include_failures:
                continue
            summ = res.summaries.get(key)
            th = _thresholds(res, key, targeting)
            start = summ.start if summ is not None else None
            if not preview and start is None:
                start = res.window_start  # type: ignore[union-attr]
            st = summ.statistics if summ is not None else None
            row: dict[str, Any] = {
                "id": res.id, "assay_id": str(res.assay_id), "assay_name": assay_name, "iopath": key,
                "pipeline_id": res.pipeline_id,
                "pipeline_name": targeting.data_origin.pipeline_name if targeting is not None else None,
                "workspace_id": res.workspace_id, "workspace_name": res.workspace_name,
                "score": np.nan if failed else sd.score,  # type: ignore[union-attr]
                "start": start if preview else wire.server_time(start),
                **{k: (getattr(st, k) if st is not None else np.nan) for k in ("min", "max", "mean", "median", "std")},
                "warning_threshold": th.warning, "alert_threshold": th.alert,
                "status": None if failed else th.status(sd.score),  # type: ignore[union-attr]
                "window_start": start, "window_end": res.window_end,
                "count": st.count if st is not None else 0,
                "bin_index": None if failed else sd.bin_index,  # type: ignore[union-attr]
                "error": sd if failed else None}
            if not failed:
                for i, s in enumerate(sd.scores):  # type: ignore[union-attr]
                    row[f"scores_{i}"] = s
                width = max(width, len(sd.scores))  # type: ignore[union-attr]
            rows.append(row)
    columns = [*COLUMNS, *(f"scores_{i}" for i in range(width))]
    return pd.DataFrame(rows, columns=columns)
