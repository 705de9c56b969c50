"""Drift engine: Wallaroo's V1 assay math in numpy (no HTTP, no widgets). Rules: docs/spec/assay-math.md.

Typed V1 wire objects (``Summary``, ``AssayResult``: ``from_api`` / ``to_api``) are in ``drift.types``; Assays V2
(exact V2 math and its typed wire objects) lives in ``drift.v2`` (docs/assays-v2-math.md)."""

from . import v2
from .diagnostics import Diagnostic, baseline_diagnostics, missing_windows, outlier_share, results_diagnostics
from .durations import parse_duration
from .edges import closest_observation_index, finite_edges, fmt_edge
from .metrics import PSI_FLOOR, TEXTBOOK_EPSILON, psi_terms, score, score_matrix, status
from .scorer import NO_DATA, TEXTBOOK, WindowScorer, WindowScores, score_windows
from .summarizer import AGGREGATIONS, BIN_MODES, METRICS, DriftWarning, Summarizer
from .summary import basic_stats, summarize, summarize_window
from .types import AssayResult, Summary, SummaryError
from .windows import plan_windows

__all__ = [
    "Summarizer", "summarize", "summarize_window", "score", "status", "parse_duration", "plan_windows",
    "score_windows", "WindowScorer", "WindowScores", "NO_DATA", "TEXTBOOK", "DriftWarning", "Diagnostic",
    "baseline_diagnostics", "results_diagnostics", "missing_windows", "outlier_share", "basic_stats", "score_matrix", "psi_terms",
    "closest_observation_index", "finite_edges", "fmt_edge", "PSI_FLOOR", "TEXTBOOK_EPSILON", "BIN_MODES",
    "AGGREGATIONS", "METRICS", "v2", "Summary", "AssayResult", "SummaryError",
]
