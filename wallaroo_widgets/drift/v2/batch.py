"""Vectorised V2 scoring: every window of one iopath in one binning pass (V1's ``WindowRows`` machinery).

``WindowBatch`` holds the time-sorted rows and each window's row range once; ``score()`` bins all rows with
the baseline's edges in one pass (cached per edge set), aggregates, scores the (W, K) matrix at once and
gives statuses from the iopath's thresholds. Empty windows get NaN scores and status ``NoData``.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np
import pandas as pd

from ..scorer import NO_DATA, WindowArrays, WindowRows, sorted_rows
from .bins import layout, merge
from .config import Thresholds, UnivariateContinuous
from .engine import F32, aggregate, baseline_values, edge_positions, is_float32, score_matrix
from .schedule import Windows
from .stats import window_statistics
from .types import ScoreData, SeriesSummary, Statistics

__all__ = ["NO_DATA", "WindowBatch", "WindowScoresV2", "score_windows"]


@dataclasses.dataclass
class WindowScoresV2(WindowArrays):
    """Array form of one iopath's windows; ``summary(i)`` / ``score_data(i)`` give the typed pieces."""

    batch: WindowBatch             # the rows: statistics are computed on first use
    baseline: SeriesSummary
    summarizer: UnivariateContinuous
    thresholds: Thresholds

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def stats(self) -> list[Statistics]:
        """Every window's statistics (computed once per batch, on first use)."""
        return self.batch.statistics()

    @functools.cached_property
    def _py(self) -> tuple[list, list, list, list, list, list, list | None]:
        """Python lists of the per-window pieces (converted once, not per window): starts, ends, aggregated,
        per-bin scores, score, count, bin_index (None unless MaxDiff with bins)."""
        idx = None if self.bin_index is None or not self.scores.shape[1] else self.bin_index.tolist()
        return (list(self.starts.to_pydatetime()), list(self.ends.to_pydatetime()), self.aggregated.tolist(),
                self.scores.tolist(), self.score.tolist(), self.count.tolist(), idx)

    def summary(self, i: int, name: str | None = None) -> SeriesSummary:
        """Window i's summary (the baseline's bins repeated; start/end the window bounds)."""
        starts, ends, agg = self._py[:3]
        return SeriesSummary(tuple(agg[i]), self.baseline.bins, self.stats[i], self.summarizer.aggregation, name,
                             starts[i], ends[i])

    def score_data(self, i: int) -> ScoreData | None:
        """Window i's ``ScoreData`` (None for an empty window)."""
        _, _, _, scores, total, count, idx = self._py
        if count[i] == 0:
            return None
        return ScoreData(total[i], tuple(scores[i]), None if idx is None else idx[i])

    def frame(self) -> pd.DataFrame:
        """window_start, window_end, count, score, status, bin_index."""
        return pd.DataFrame({"window_start": self.starts, "window_end": self.ends, "count": self.count,
                             "score": self.score, "status": self.status,
                             "bin_index": self.bin_index if self.bin_index is not None else None})


class WindowBatch(WindowRows):
    """One iopath's rows and windows prepared once; ``score()`` for any baseline, summarizer and thresholds."""

    def __init__(self, times: Any, values: Any, windows: Windows, float32: bool | None = None) -> None:
        f32 = is_float32(values, float32)
        ns, vals = sorted_rows(times, values)
        if f32:
            vals = vals.astype(F32).astype(np.float64)
        super().__init__(ns, vals, windows.starts, windows.ends, side="right")
        self.float32 = f32

    def _reset(self) -> None:
        super()._reset()
        self._v2_stats: list[Statistics] | None = None

    def with_column(self, values: np.ndarray, float32: bool) -> WindowBatch:
        """Another iopath over the same times and windows (``values`` float64 in this batch's row order)."""
        new = self.with_values(values.astype(F32).astype(np.float64) if float32 else values)
        new.float32 = float32
        return new

    def statistics(self) -> list[Statistics]:
        """Every window's V2 statistics (computed once)."""
        if self._v2_stats is None:
            self._v2_stats = window_statistics(self.values, self.lo, self.hi, self.float32)
        return self._v2_stats

    def aggregated(self, baseline: SeriesSummary, aggregation: str) -> tuple[np.ndarray, np.ndarray]:
        """(bin counts (W, K), aggregated values (W, K)) of every window in the baseline's bins."""
        bins = baseline.bins
        if not bins.edges:  # mode "None": statistics only
            empty = np.zeros((len(self), 0))
            return empty.astype(np.int64), empty
        edges, merged = layout(bins)
        counts = merge(self.bin_counts(edges), merged)
        if aggregation == "Edges":
            rows = [edge_positions(self.values[a:b], bins, self.float32) for a, b in zip(self.lo, self.hi, strict=True)]
            agg = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(bins.finite_edges))
            return counts, agg
        return counts, aggregate(counts, self.count, aggregation)

    def score(self, baseline: SeriesSummary, summarizer: UnivariateContinuous,
              thresholds: Thresholds | None = None) -> WindowScoresV2:
        """Score every window (ValueError on a bin or weight mismatch: the whole iopath fails)."""
        th = thresholds or Thresholds()
        counts, agg = self.aggregated(baseline, summarizer.aggregation)
        b = baseline_values(baseline, summarizer.aggregation)
        s, total, idx = score_matrix(b, agg, summarizer)
        empty = self.count == 0
        status = np.full(total.shape, "Ok", dtype=object)
        if th.warning is not None:
            status[total >= th.warning] = "Warning"
        if th.alert is not None:
            status[total >= th.alert] = "Alert"
        if empty.any():
            s, total = s.copy(), total.copy()
            s[empty], total[empty] = np.nan, np.nan
            status[empty] = NO_DATA
            if idx is not None:
                idx = np.where(empty, -1, idx)
        return WindowScoresV2(self.starts, self.ends, self.count, counts, agg, s, total, idx, status, self,
                              baseline, summarizer, th)


def score_windows(times: Any, values: Any, baseline: SeriesSummary, windows: Windows,
                  summarizer: UnivariateContinuous, thresholds: Thresholds | None = None,
                  float32: bool | None = None) -> WindowScoresV2:
    """Score every window of one iopath against ``baseline`` (see ``WindowBatch``)."""
    return WindowBatch(times, values, windows, float32).score(baseline, summarizer, thresholds)

