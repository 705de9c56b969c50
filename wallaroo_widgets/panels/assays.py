"""Assays panel: assays of the selected pipeline, (de)activate, results over a period as a score timeline
and a table; selecting a window shows its bins, the per-bin score contribution and the stats comparison."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd

from . import validate as v
from .base import Panel
from .figures import figure_widget, sync_figure
from .table import DataTable
from .views import bins_figure, contribution_figure, on_point_click, stats_table, timeline_figure

ASSAY_COLUMNS = ["id", "name", "active", "status", "warning_threshold", "alert_threshold", "last_run", "next_run",
                 "pipeline_name", "run_at", "num_ok", "num_warnings", "num_alerts"]
RESULT_COLUMNS = ["window_start", "window_end", "score", "status", "window_count", "bin_index", "window_mean"]


class AssaysPanel(Panel):
    """Assays of ``state.pipeline`` (or of the workspace when no pipeline is selected)."""

    title = "Assays"

    def build(self) -> list[widgets.Widget]:
        self.table = DataTable(columns=ASSAY_COLUMNS, caption="Assays", page_length=5)
        self.refresh_button = self.button("Refresh", self.refresh, icon="refresh")
        self.activate_button = self.button("Activate", lambda: self.set_active(True), icon="play")
        self.deactivate_button = self.button("Deactivate", lambda: self.set_active(False), icon="pause")
        self.start = widgets.Text(description="From", placeholder="ISO time (blank = all)")
        self.end = widgets.Text(description="To", placeholder="ISO time (blank = all)")
        self.results_button = self.button("Load results", self.load_results, icon="line-chart", style="primary")
        self.timeline = figure_widget(timeline_figure([], None, None))
        self.results_table = DataTable(columns=RESULT_COLUMNS, caption="Results", page_length=5)
        self.results_table.observe(self._on_window, "selected_index")
        self.bins = figure_widget(bins_figure(None, None), height=300)
        self.contribution = figure_widget(contribution_figure(None), height=260)
        self.stats = DataTable(columns=["stat", "Baseline", "Window", "diff", "pct_diff"], caption="Stats",
                               page_length=8)
        self.results: list[dict[str, Any]] = []
        self.state.observe(lambda _c: self._reload(), ["pipeline", "workspace"])
        return [
            widgets.HBox([self.refresh_button, self.activate_button, self.deactivate_button]),
            self.table,
            widgets.HBox([self.start, self.end, self.results_button]),
            self.timeline, self.results_table, self.bins, self.contribution, self.stats,
        ]

    def on_session(self) -> None:
        if self.state.pipeline or self.state.workspace:
            self._load()

    def _reload(self) -> None:
        if self.session is not None:
            self.run_action(self._load) if not self.busy else self._load()

    def _load(self) -> None:
        sess = self.require_session()
        p = self.state.pipeline
        if p and p.get("id") is not None:
            assays = sess.assays.list(p["id"])
        elif self.state.workspace:
            assays = sess.assays.list(workspace_id=self.state.workspace["id"])
        else:
            raise v.InputError("Select a workspace or pipeline first")
        self.table.set_df(assays.df, keep="id")
        for a in assays:  # assays name their pipeline: make it known to the builder and pipelines tab
            if a.get("pipeline_id") is not None and a.get("pipeline_name"):
                known = any(p.get("id") == a["pipeline_id"] for p in self.state.pipelines)
                if not known:
                    self.state.remember_pipeline({"id": a["pipeline_id"], "name": a["pipeline_name"],
                                                  "workspace_id": a.get("workspace_id")
                                                  or (self.state.workspace or {}).get("id")})

    def refresh(self) -> None:
        self.run_action(self._load)

    def _assay(self) -> dict[str, Any]:
        row = self.table.selected
        if not row:
            raise v.InputError("Select an assay in the table first")
        return row

    def set_active(self, active: bool) -> None:
        def act() -> None:
            a = self._assay()
            self.require_session().assays.set_active(int(a["id"]), active)
            self._load()
            self.message = f"{'Activated' if active else 'Deactivated'} assay {a['name']}"
        self.run_action(act)

    def load_results(self) -> None:
        """Results of the selected assay in [From, To): timeline + table."""
        def act() -> None:
            a = self._assay()
            start = v.timestamp(self.start.value, "From", optional=True)
            end = v.timestamp(self.end.value, "To", optional=True)
            if start and end and end <= start:
                raise v.InputError("'To' must be after 'From'")
            results = self.require_session().assays.get_assay_results(int(a["id"]), start, end)
            self.show_results(list(results), a.get("warning_threshold"), a.get("alert_threshold"))
            self.message = f"{len(results)} result window(s)"
        self.run_action(act)

    def show_results(self, results: list[dict[str, Any]], warning: Any = None, alert: Any = None) -> None:
        """Render results (server dicts or local drift results) in the timeline and table."""
        self.results = sorted(results, key=lambda r: pd.Timestamp(r["window_start"]))
        warning = None if warning is None or pd.isna(warning) else float(warning)
        alert = None if alert is None or pd.isna(alert) else float(alert)
        sync_figure(self.timeline, timeline_figure(self.results, warning, alert))
        on_point_click(self.timeline, self.results_table.select)
        from ..api import frames

        self.results_table.set_df(frames.results_frame(self.results))
        if self.results:
            self.results_table.select(len(self.results) - 1)

    def _on_window(self, change: Any) -> None:
        i = change["new"]
        result = self.results[i] if i is not None and 0 <= i < len(self.results) else None
        sync_figure(self.bins, bins_figure((result or {}).get("baseline_summary"), result))
        sync_figure(self.contribution, contribution_figure(result))
        self.stats.set_df(stats_table((result or {}).get("baseline_summary"), result))
