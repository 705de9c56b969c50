"""Assays panel: V1 and V2 assays of the selected pipeline (a ``version`` column; an API the instance does not
answer, 404, is simply absent), (de)activate, results over a period as a score timeline and a table;
selecting a window shows its bins, the per-bin score contribution and the stats comparison. V2 results are
drawn for the assay's first iopath, with that iopath's thresholds.

Used on its own, ``AssaysPanel(session, workspace=..., pipeline=...)`` (names or ids) or the Workspace
menu picks what to show; :mod:`wallaroo_widgets.discovery` resolves those names and ids."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import discovery
from ..drift import v2
from ..drift.types import wire
from ..errors import NotFoundError
from ..plots import _v2 as plots_v2
from ..plots.stats import format_stat
from . import validate as v
from .base import ConsoleState, Panel
from .figures import figure_widget, sync_figure
from .reporting import save_report
from .table import DataTable
from .views import (
    WorkspaceContext,
    WorkspacePicker,
    bins_figure,
    contribution_figure,
    highlight_point,
    on_point_click,
    stats_table,
    timeline_figure,
)

ASSAY_COLUMNS = ["version", "id", "name", "active", "status", "warning_threshold", "alert_threshold", "last_run", "next_run",
                 "pipeline_name", "run_at", "num_ok", "num_warnings", "num_alerts"]
#: the empty score timeline says what to do (the builder's says "Load logs")
TIMELINE_HINT = "select an assay above, then click Load results"
RESULT_COLUMNS = ["window_start", "window_end", "score", "status", "window_count", "bin_index", "window_mean"]


class PipelinePanel(Panel):
    """Base of the panels about one pipeline (Assays, Assay builder): ``workspace=`` / ``pipeline=`` (names or
    ids) choose it when the panel is used on its own; ``pipeline=`` is resolved once connected."""

    def __init__(self, session: Any = None, *, state: ConsoleState | None = None, workspace: Any = None,
                 pipeline: Any = None, **kwargs: Any) -> None:
        self._pending_pipeline = pipeline  # resolved once connected (after workspace=)
        super().__init__(session, state=state, workspace=workspace, **kwargs)

    def resolve_pending_pipeline(self) -> bool:
        """Make a pending ``pipeline=`` the ``state.pipeline`` (:func:`discovery.resolve_pipeline`); False if none
        was."""
        if self._pending_pipeline is None:
            return False
        ref, self._pending_pipeline = self._pending_pipeline, None
        discovery.resolve_pipeline(self.require_session(), self.state, ref)
        return True


class AssaysPanel(PipelinePanel):
    """Assays of ``state.pipeline`` (or of the workspace when no pipeline is selected)."""

    title = "Assays"

    def build(self) -> list[widgets.Widget]:
        self.picker = WorkspacePicker(self)  # hidden inside a console (the Workspaces tab selects)
        self.context = WorkspaceContext(self)
        self.table = DataTable(columns=ASSAY_COLUMNS, caption="Assays", page_length=5,
                               empty="No assay here yet: build one in the Assay builder tab")
        self.refresh_button = self.button("Refresh", self.refresh, icon="refresh")
        self.activate_button = self.button("Activate", lambda: self.set_active(True), icon="play",
                                           tooltip="Activate the assay selected in the table (it runs on schedule)")
        self.deactivate_button = self.button("Deactivate", lambda: self.set_active(False), icon="pause",
                                             tooltip="Deactivate the assay selected in the table")
        self.start = widgets.Text(description="From", placeholder="ISO time (blank = all)")
        self.end = widgets.Text(description="To", placeholder="ISO time (blank = all)")
        self.results_button = self.button("Load results", self.load_results, icon="line-chart", style="primary")
        self.timeline = figure_widget(timeline_figure([], None, None, empty=TIMELINE_HINT))
        self.results_table = DataTable(columns=RESULT_COLUMNS, caption="Results (click a row or a point to inspect "
                                       "that window)", page_length=5, empty="No results loaded: " + TIMELINE_HINT)
        self.results_table.observe(self._on_window, "selected_index")
        self.bins = figure_widget(bins_figure(None, None), height=300)
        self.contribution = figure_widget(contribution_figure(None), height=260)
        self.stats = DataTable(columns=["stat", "Baseline", "Window", "diff", "pct_diff"],
                               caption="Baseline vs window statistics", page_length=8, number_format=format_stat,
                               empty="Select a window to compare it with the baseline")
        self.report_path = widgets.Text(description="Report file", value="assay-report.html")
        self.report_button = self.button("Save report", self.save_report, icon="file",
                                         tooltip="The loaded results as one self-contained HTML file (opens offline)")
        self.results: list[dict[str, Any]] = []
        self.v2_assays: dict[str, v2.AssayV2] = {}
        self.state.observe(lambda _c: self._reload(), ["pipeline", "workspace"])
        return [
            self.picker, self.context,
            widgets.HBox([self.refresh_button, self.activate_button, self.deactivate_button]),
            self.table,
            widgets.HBox([self.start, self.end, self.results_button]),
            self.timeline, self.results_table, self.bins, self.contribution, self.stats,
            widgets.HBox([self.report_path, self.report_button]),
        ]

    def on_session(self) -> None:
        self.resolve_pending_pipeline()
        if self.state.pipeline or self.state.workspace:
            self._load()

    def _reload(self) -> None:
        if self.session is not None:
            self.run_when_idle("assays", self._load)

    def _load(self) -> None:
        sess = self.require_session()
        p = self.state.pipeline
        ws = self.state.workspace
        by_pipeline = p and p.get("id") is not None and (not ws or p.get("workspace_id") in (ws.get("id"), None))
        if not by_pipeline and not ws:
            if self.state.in_console:
                raise v.InputError("Select a workspace in the Workspaces tab (or a pipeline in the Pipelines tab) "
                                   "first")
            raise v.InputError("Choose a workspace in the Workspace menu above (or pass workspace=... or "
                               "pipeline=...)")
        try:
            assays = sess.assays.list(p["id"]) if by_pipeline else sess.assays.list(workspace_id=ws["id"])
        except NotFoundError:  # an instance without the V1 API
            assays = []
        self.v2_assays = self._load_v2(sess, p if by_pipeline else None, (ws or {}).get("id"))
        rows = [{**a, "version": 1} for a in (assays.df.to_dict("records") if assays else [])]
        rows += [self._v2_row(sess, a) for a in self.v2_assays.values()]
        self.table.set_df(pd.DataFrame(rows, columns=ASSAY_COLUMNS), keep="id")
        discovery.learn_from_assays(self.state, assays, (ws or {}).get("id"))

    @staticmethod
    def _load_v2(sess: Any, pipeline: dict[str, Any] | None, workspace_id: Any) -> dict[str, v2.AssayV2]:
        """V2 assays of the pipeline (or workspace) by id; none when the instance has no V2 API (404)."""
        wid = (pipeline or {}).get("workspace_id") or workspace_id
        try:
            found = sess.assays_v2.list("All", workspace_id=wid,
                                        pipeline_name=(pipeline or {}).get("name") or None)
        except NotFoundError:
            return {}
        if pipeline is not None:
            found = [a for a in found if a.targeting.data_origin.pipeline_id == pipeline["id"]]
        return {str(a.id): a for a in found}

    @staticmethod
    def _v2_row(sess: Any, a: v2.AssayV2) -> dict[str, Any]:
        th = a.targeting.iopath[0].thresholds if a.targeting.iopath else v2.Thresholds()
        runs = sess.assays_v2.get_next_run(str(a.id))
        # V1's vocabulary (frames.status_label): "ran" once the scheduler ran it, else "created"
        status = "created" if runs["last_run"] is None else "ran"
        return {"version": 2, "id": str(a.id), "name": a.name, "active": a.active, "status": status,
                "warning_threshold": th.warning, "alert_threshold": th.alert,
                "last_run": v2.wire.server_time(runs["last_run"]), "next_run": v2.wire.server_time(runs["next_run"]),
                "pipeline_name": a.targeting.data_origin.pipeline_name}

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
            if a.get("version") == 2:
                self.require_session().assays_v2.set_active(str(a["id"]), active)
            else:
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
            if a.get("version") == 2:
                results = self._v2_results(str(a["id"]), start, end)
            else:
                results = self.require_session().assays.get_assay_results(int(a["id"]), start, end).typed
            self.show_results(list(results), a.get("warning_threshold"), a.get("alert_threshold"))
            n = len(results)
            self.message = f"{n} result window{'' if n == 1 else 's'} of '{a['name']}'"
        self.run_action(act)

    def _v2_results(self, assay_id: str, start: Any, end: Any) -> list[dict[str, Any]]:
        """A V2 assay's results as the flat result dicts the figures draw (its first iopath, the assay's
        baseline, summarizer and that iopath's thresholds)."""
        sess = self.require_session()
        a = self.v2_assays.get(assay_id) or sess.assays_v2.get(assay_id)
        key = a.targeting.keys[0]
        return [plots_v2.result(r, a, key, a.summarizer, a.targeting)
                for r in sess.assays_v2.get_results(assay_id, start, end, assay=a)]

    def show_results(self, results: list[dict[str, Any]], warning: Any = None, alert: Any = None) -> None:
        """Render results (server dicts, local drift results or typed ``drift.AssayResult``) in the timeline and
        table (the figures check their shape)."""
        self.results = sorted((wire(r) for r in results), key=lambda r: pd.Timestamp(r["window_start"]))
        warning = None if warning is None or pd.isna(warning) else float(warning)
        alert = None if alert is None or pd.isna(alert) else float(alert)
        sync_figure(self.timeline, timeline_figure(self.results, warning, alert, empty="no result windows in "
                                                   "that period: widen From/To or leave them blank"))
        on_point_click(self.timeline, self.results_table.select)
        from ..api import frames

        self.results_table.set_df(frames.results_frame(self.results))
        if self.results:
            self.results_table.select(len(self.results) - 1)

    def save_report(self) -> None:
        """The selected assay's loaded results as one HTML file: configuration, timeline, flagged windows."""
        def act() -> None:
            a = self._assay()
            if not self.results:
                raise v.InputError("Load results first")
            config: Any = self.v2_assays.get(str(a["id"])) if a.get("version") == 2 else None
            if config is None:
                config = {k: val for k, val in a.items() if k in ASSAY_COLUMNS}
            save_report(self, self.report_path.value, self.results, config=config,
                        title=f"Assay {a['name']} · {a.get('pipeline_name') or ''}".rstrip(" ·"),
                        warning_threshold=_threshold(a.get("warning_threshold")),
                        alert_threshold=_threshold(a.get("alert_threshold")))
        self.run_action(act)

    def _on_window(self, change: Any) -> None:
        i = change["new"]
        result = self.results[i] if i is not None and 0 <= i < len(self.results) else None
        highlight_point(self.timeline, i if result else None)
        sync_figure(self.bins, bins_figure((result or {}).get("baseline_summary"), result))
        sync_figure(self.contribution, contribution_figure(result))
        self.stats.set_df(stats_table((result or {}).get("baseline_summary"), result))


def _threshold(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
