"""Plotly figures over drift results: local engine output and server dicts (same shape) alike."""

from ._common import BASELINE_COLOR, STATUS_COLORS, WINDOW_COLOR, bin_ranges
from .bins import bin_contributions, bins_comparison, compare_windows
from .overview import field_results, overview_heatmap, window_result
from .report import Report, report
from .stats import baseline_distribution, stats_comparison, stats_frame
from .timeline import STATUS_ORDER, score_timeline

__all__ = ["score_timeline", "bins_comparison", "bin_contributions", "compare_windows", "baseline_distribution",
           "stats_comparison", "stats_frame", "bin_ranges", "STATUS_COLORS", "STATUS_ORDER", "BASELINE_COLOR",
           "WINDOW_COLOR", "overview_heatmap", "window_result", "field_results", "report", "Report"]
