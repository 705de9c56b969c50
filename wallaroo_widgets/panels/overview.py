"""Drift overview panel: every input and output field of a pipeline scored over the same windows (V1 or V2
rules) as a heatmap and a ranked table; clicking a cell (or a table row) shows that field's baseline vs window
bins, contributions and statistics; "Create assays" makes assays of exactly the scored configuration for the
selected fields; "Save report" writes one self-contained HTML file.

Used on its own, ``DriftOverview(session, workspace=..., pipeline=...)``; in the console it is the "Overview"
tab and follows the pipeline selected in the Pipelines tab."""

from __future__ import annotations

import html
import threading
import time
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..drift.overview import field_label
from ..drift.timeutil import as_utc, iso_short_z
from ..plots.overview import field_order, overview_heatmap, window_result
from ..plots.stats import format_stat
from . import validate as v
from .assays import PipelinePanel
from .figures import empty_figure, figure_widget, refit_all, sync_figure
from .overview_model import WIDTHS, OverviewModel, load_logs
from .reporting import save_report
from .table import DataTable
from .views import WorkspaceContext, WorkspacePicker, bins_figure, contribution_figure, stats_table

RANKED_COLUMNS = ["field", "max_score", "status", "alerts", "warnings", "worst_window", "first_alert", "over_alert"]
HINT = "pick a pipeline, then click Load logs"
REFIT_AFTER_DISPLAY = (0.5, 2.0)  # seconds


class DriftOverview(PipelinePanel):
    """Every field of ``state.pipeline``'s inference logs at once."""

    title = "Overview"

    def build(self) -> list[widgets.Widget]:
        self.picker = WorkspacePicker(self)
        self.context = WorkspaceContext(self)
        self.model = OverviewModel()
        short = widgets.Layout(width="16em")
        self.pipeline_label = widgets.HTML()
        self.pipeline_menu = widgets.Dropdown(description="Pipeline", options=[("(choose a pipeline)", None)],
                                              value=None, layout=widgets.Layout(width="28em"))
        self.pipeline_menu.style.description_width = "7.5em"
        self.pipeline_menu.observe(self._menu_chosen, "value")
        self._syncing = False
        self.logs_start = widgets.Text(description="Logs from", placeholder="ISO time (blank = all)")
        self.logs_end = widgets.Text(description="Logs to", placeholder="ISO time (blank = all)")
        self.load_button = self.button("Load logs", self.load, icon="download", style="primary")
        self.baseline_start = widgets.Text(description="Baseline from", placeholder="ISO time")
        self.baseline_end = widgets.Text(description="Baseline to", placeholder="ISO time")
        self.width = widgets.Combobox(description="Window", options=list(WIDTHS), value="1 hour", layout=short,
                                      ensure_option=False)
        self.version = widgets.Dropdown(description="Rules", options=[("Assays V1", "V1"), ("Assays V2", "V2")],
                                        value="V1", layout=short)
        self.bin_mode = widgets.Dropdown(description="Bins", options=["Quantile", "Equal"], value="Quantile",
                                         layout=short)
        self.num_bins = widgets.BoundedIntText(value=5, min=1, max=100, description="Bin count", layout=short)
        self.aggregation = widgets.Dropdown(description="Aggregation", options=["Density", "Cumulative"],
                                            value="Density", layout=short)
        self.metric = widgets.Dropdown(description="Metric", options=["PSI", "MaxDiff", "SumDiff"], value="PSI",
                                       layout=short)
        self.warning_threshold = widgets.Text(description="Warning", placeholder="none", layout=short)
        self.alert_threshold = widgets.Text(description="Alert", value="0.25", layout=short)
        self.score_button = self.button("Score every field", self.rescore, icon="th", style="primary")
        self.heatmap = figure_widget(empty_figure("Drift overview", HINT), height=420)
        self.ranked = DataTable(columns=RANKED_COLUMNS, caption="Fields by highest score (click a row for its "
                                "worst window)", page_length=10, number_format=format_stat, empty="Nothing scored yet")
        self.ranked.observe(self._on_ranked, "selected_index")
        self.detail = widgets.HTML("<i>Click a heatmap cell to compare that field's window with its baseline</i>")
        self.bins = figure_widget(bins_figure(None, None), height=300)
        self.contribution = figure_widget(contribution_figure(None), height=240)
        self.stats = DataTable(columns=["stat", "Baseline", "Window", "diff", "pct_diff"], caption="Baseline vs "
                               "window statistics", page_length=8, number_format=format_stat,
                               empty="Click a heatmap cell")
        self.fields = widgets.SelectMultiple(description="Fields", options=[], rows=6,
                                             layout=widgets.Layout(width="30em"))
        self.prefix = widgets.Text(description="Name prefix", placeholder="overview")
        self.create_button = self.button("Create assays for the selected fields", self.create_assays, icon="plus",
                                         tooltip="One assay per field, with exactly the scored configuration")
        self.report_path = widgets.Text(description="Report file", value="drift-overview-report.html")
        self.report_button = self.button("Save report", self.save_report, icon="file",
                                         tooltip="One self-contained HTML file (opens offline)")
        for w in (self.logs_start, self.logs_end, self.baseline_start, self.baseline_end, self.width, self.bin_mode,
                  self.num_bins, self.aggregation, self.metric, self.warning_threshold, self.alert_threshold,
                  self.fields, self.prefix, self.report_path, self.version):
            w.style.description_width = "7.5em"  # "Baseline from", "Aggregation" in full, fields aligned
        self.selected: tuple[str, int] | None = None
        self.created: list[dict[str, Any]] = []
        self.timings: dict[str, float] = {}
        self.state.observe(self._pipeline_changed, ["pipeline", "pipelines", "workspace"])
        self._pipeline_changed()
        return [
            self.picker, self.context, widgets.HBox([self.pipeline_menu, self.pipeline_label]),
            widgets.HBox([self.logs_start, self.logs_end, self.load_button]),
            widgets.HBox([self.baseline_start, self.baseline_end, self.width]),
            widgets.HBox([self.bin_mode, self.num_bins, self.aggregation, self.metric]),
            widgets.HBox([self.version, self.warning_threshold, self.alert_threshold, self.score_button]),
            self.heatmap, self.ranked, self.detail, self.bins, self.contribution, self.stats,
            widgets.HBox([self.fields, widgets.VBox([self.prefix, self.create_button])]),
            widgets.HBox([self.report_path, self.report_button]),
        ]

    def on_session(self) -> None:
        self.resolve_pending_pipeline()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Displayed in a notebook output, the charts are drawn before the output has its width and keep
        Plotly's 700 px fallback: refit them once the browser has laid the output out."""
        bundle = super()._repr_mimebundle_(**kwargs)
        for delay in REFIT_AFTER_DISPLAY:
            timer = threading.Timer(delay, refit_all, args=(self,))
            timer.daemon = True
            timer.start()
        return bundle

    def _known_pipelines(self) -> list[dict[str, Any]]:
        """Named pipelines of the selected workspace known to the console (and the selected one)."""
        ws = (self.state.workspace or {}).get("id")
        known = [p for p in self.state.pipelines if p.get("name") and p.get("id") is not None
                 and (ws is None or p.get("workspace_id") in (ws, None))]
        current = self.state.pipeline
        if current and current.get("id") is not None and all(p["id"] != current["id"] for p in known):
            known.append(dict(current))
        return known

    def _pipeline_changed(self, _change: Any = None) -> None:
        """The menu offers the workspace's known pipelines and shows ``state.pipeline``."""
        p = self.state.pipeline
        known = self._known_pipelines()
        options = [("(choose a pipeline)", None)] + [(f"{k['name']} (id {k['id']})", k["id"]) for k in known]
        self._syncing = True
        try:
            self.pipeline_menu.options = options
            self.pipeline_menu.value = p.get("id") if p and any(v == p.get("id") for _t, v in options) else None
        finally:
            self._syncing = False
        self.pipeline_label.value = "" if p or known else (
            "<i>No pipeline known yet: select one in the Pipelines tab (or pass pipeline=)</i>"
            if self.state.in_console else "<i>No pipeline: pass pipeline=... (and workspace=...)</i>")

    def _menu_chosen(self, change: Any) -> None:
        if self._syncing:
            return
        hit = next((k for k in self._known_pipelines() if k["id"] == change["new"]), None)
        if hit is not None and (self.state.pipeline or {}).get("id") != hit["id"]:
            self.state.pipeline = dict(hit)

    # -- actions ----------------------------------------------------------------------------------------
    def load(self) -> None:
        """Fetch the pipeline's logs (``get_logs``, else ``get_baseline``) and score with default settings."""
        def act() -> None:
            p = self.state.pipeline
            if not p or p.get("id") is None:
                raise v.InputError("Choose a pipeline first (the Pipeline menu, the Pipelines tab, or pipeline=)")
            start = v.timestamp(self.logs_start.value, "Logs from", optional=True)
            end = v.timestamp(self.logs_end.value, "Logs to", optional=True)
            t = time.perf_counter()
            logs = load_logs(self.require_session(), {"workspace_id": p.get("workspace_id"), **p}, start, end)
            self.timings["load"] = time.perf_counter() - t
            if not len(logs):
                raise v.InputError(f"pipeline {p.get('name')} has no inference logs in that range")
            self._set_logs(logs, p)
        self.run_action(act)

    def set_logs(self, logs: pd.DataFrame, *, pipeline: dict[str, Any] | None = None) -> None:
        """Use these logs (also without a server): default baseline (first quarter) and window width, scored."""
        self.run_action(lambda: self._set_logs(logs, pipeline))

    def _set_logs(self, logs: pd.DataFrame, pipeline: dict[str, Any] | None) -> None:
        self.model = OverviewModel(logs, pipeline=pipeline or self.state.pipeline)
        d = self.model.default_settings()
        self.baseline_start.value, self.baseline_end.value = _text(d.baseline_start), _text(d.baseline_end)
        self.width.value = d.width
        self._score()

    def settings(self) -> Any:
        """The settings the widgets say (validated: an InputError names the field)."""
        from ..drift.overview import OverviewSettings

        start = v.timestamp(self.baseline_start.value, "Baseline from")
        end = v.timestamp(self.baseline_end.value, "Baseline to")
        warn = v.number(self.warning_threshold.value, "Warning", optional=True, minimum=0)
        alert = v.number(self.alert_threshold.value, "Alert", optional=True, minimum=0)
        width = v.duration(self.width.value, "Window")
        try:
            return OverviewSettings(baseline_start=start, baseline_end=end, width=width, bin_mode=self.bin_mode.value,
                                    num_bins=self.num_bins.value, aggregation=self.aggregation.value,
                                    metric=self.metric.value, warning_threshold=warn, alert_threshold=alert,
                                    version=self.version.value)
        except ValueError as exc:
            raise v.InputError(str(exc)) from None

    def rescore(self) -> None:
        self.run_action(self._score)

    def _score(self) -> None:
        if not self.model.columns:
            raise v.InputError("Load logs first")
        ov = self.model.score(self.settings())
        self.timings["score"] = ov.elapsed
        t = time.perf_counter()
        self.show(ov)
        self.timings["widget"] = time.perf_counter() - t
        bad = f"; not scored: {', '.join(ov.errors)}" if ov.errors else ""
        alerted = int(np.any(ov.status == "Alert", axis=1).sum())
        self.message = (f"{len(ov.keys)} fields × {len(ov.starts)} windows scored in {ov.elapsed:.2f} s "
                        f"({ov.settings.version}); {alerted} field(s) alert{bad}")

    def show(self, ov: Any) -> None:
        """Draw an overview: heatmap (clickable), ranked table, default field selection (the alerted ones)."""
        order = field_order(ov)
        fig = overview_heatmap(ov, order=order)
        sync_figure(self.heatmap, fig)
        self.heatmap.layout.height = fig.layout.height
        self._order_labels = {field_label(ov.keys[i]): ov.keys[i] for i in order}
        for trace in self.heatmap.data:
            if not getattr(trace, "_ww_click", False):
                trace.on_click(self._clicked)
                trace._ww_click = True
        ranked = ov.ranked()
        self.ranked.set_df(ranked[[c for c in RANKED_COLUMNS if c in ranked]])
        alerted = [k for k in ranked["field"] if k in ov.scored and np.any(ov.status[ov.index_of(k)] == "Alert")]
        options = [(field_label(k), k) for k in ov.keys]
        if list(self.fields.options) != options:
            self.fields.options = options
        self.fields.value = tuple(alerted)
        self.selected = None
        self._show_detail(None)

    def _clicked(self, trace: Any, points: Any, _state: Any) -> None:
        """A heatmap cell (x = window start, y = field label) or a Warning/Alert marker was clicked."""
        if not points.point_inds:
            return
        k = points.point_inds[0]
        ov = self.model.overview
        if ov is None:
            return
        if trace.type == "scatter" and trace.customdata is not None:
            field, window = trace.customdata[k]
            self.select_cell(ov.keys[int(field)], int(window))
            return
        key = self._order_labels.get(points.ys[0])
        x = as_utc(pd.Timestamp(points.xs[0]))
        window = int(np.searchsorted(ov.starts.asi8, x.value, side="right") - 1)
        if key is not None and window >= 0:
            self.select_cell(key, window)

    def select_cell(self, key: str, window: int) -> None:
        """Show window ``window`` of field ``key``: bins, contributions, statistics."""
        self.run_action(lambda: self._select(key, window))

    def _select(self, key: str, window: int) -> None:
        ov = self.model.overview
        if ov is None:
            raise v.InputError("Score the fields first")
        try:
            result = window_result(ov, key, window)
        except ValueError as exc:
            raise v.InputError(str(exc)) from None
        self.selected = (key, window)
        self._show_detail(result, key)

    def _show_detail(self, result: dict[str, Any] | None, key: str | None = None) -> None:
        base = (result or {}).get("baseline_summary")
        if result is None:
            self.detail.value = "<i>Click a heatmap cell to compare that field's window with its baseline</i>"
        else:
            score = result.get("score")
            self.detail.value = (f"<b>{html.escape(field_label(key or ''))}</b> · window from "
                                 f"{html.escape(str(result.get('window_start')))} · score "
                                 f"{'no data' if score is None else format_stat(float(score))} · "
                                 f"{html.escape(str(result.get('status')))}")
        sync_figure(self.bins, bins_figure(base, result if result and result.get("score") is not None else None))
        sync_figure(self.contribution, contribution_figure(result))
        self.stats.set_df(stats_table(base, result))

    def _on_ranked(self, change: Any) -> None:
        row = self.ranked.selected
        ov = self.model.overview
        if change["new"] is None or not row or ov is None or row["field"] not in ov.scored:
            return
        s = ov.score[ov.index_of(row["field"])]
        if np.isfinite(s).any():
            self.select_cell(row["field"], int(np.nanargmax(s)))

    def create_assays(self) -> None:
        """One assay per selected field (V1 ``assays/create`` or V2 ``schedule``) of the scored configuration."""
        def act() -> None:
            configs = self.model.assay_configs(list(self.fields.value), self.prefix.value or "overview")
            sess = self.require_session()
            made = []
            for cfg in configs:
                if self.model.overview.settings.version == "V2":
                    made.append({"assay_id": sess.assays_v2.schedule(cfg), "name": cfg.name, "version": 2,
                                 "config": cfg})
                else:
                    out = sess.assays.create(cfg)
                    made.append({"assay_id": out["assay_id"], "name": cfg["name"], "version": 1, "config": cfg})
            self.created = made
            self.message = f"Created {len(made)} assay(s): {', '.join(m['name'] for m in made)}"
        self.run_action(act)

    def save_report(self) -> None:
        """The overview (heatmap, ranked table) and the selected (else the most drifted) field's windows."""
        def act() -> None:
            ov = self.model.overview
            if ov is None:
                raise v.InputError("Score the fields first")
            field = self.selected[0] if self.selected else None
            name = (self.state.pipeline or {}).get("name") or "pipeline"
            save_report(self, self.report_path.value, overview=ov, field=field, title=f"Drift overview · {name}")
        self.run_action(act)


def _text(ts: Any) -> str:
    return iso_short_z(pd.Timestamp(ts))
