"""Interactive assay builder: every change re-scores locally (drift engine) and restyles the timeline and
bins chart in place; "Create assay" posts exactly the previewed configuration; "Preview on server" runs
``run_interactive`` and shows the differences.

The knobs are a :class:`~.builder_model.BuilderConfig` (traitlets) linked to the widgets
(:mod:`.builder_controls`); one observer re-scores on any change. A drag across the logs timeline
(:mod:`.builder_timeline`) sets the baseline range; "Compare with previous settings" overlays the score timeline
of the configuration before the last change; "Save report" writes the locally scored configuration and results as
one self-contained HTML file (:func:`.reporting.save_report`). The date-time pickers show and take UTC."""

from __future__ import annotations

import html
import warnings
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import discovery
from . import validate as v
from .assays import PipelinePanel
from .builder_controls import from_picker, knob_rows, link_knobs, make_knobs, picked_time, text_of, utc_picker
from .builder_model import AssayBuilderModel, BuilderConfig, default_baseline_range, model_names_of
from .builder_timeline import LogsTimeline, with_previous
from .figures import figure_widget, sync_figure
from .reporting import save_report
from .table import DataTable
from .views import (
    WorkspaceContext,
    WorkspacePicker,
    baseline_figure,
    bins_figure,
    highlight_point,
    on_point_click,
    timeline_figure,
)


class AssayBuilder(PipelinePanel):
    """Build an assay interactively over a pipeline's inference logs."""

    title = "Assay builder"
    background = True  # "Preview on server" runs in a thread (Cancel stays clickable); local re-scoring is inline

    def on_session(self) -> None:
        if not self.resolve_pending_pipeline() and self.state.workspace and not self.state.in_console:
            self._learn_pipelines()

    def _workspace_changed(self, _change: Any) -> None:
        # inside a console the Assays tab names the pipelines; on its own the builder asks the assays itself
        if self.state.workspace and self.session is not None and not self.state.in_console:
            self.run_when_idle("pipelines", self._learn_pipelines)

    def _learn_pipelines(self) -> None:
        wid = self.state.workspace["id"]
        learnt = discovery.learn_workspace(self.state, self.require_session(), wid)
        if not learnt.v1_assays:  # an instance without the V1 API: the builder targets V2
            self.target.value = "V2"
        if not learnt.pipelines:
            self.message = (f"No pipeline known in workspace {self.state.workspace.get('name')} (none listed or "
                            "named by an assay): pass pipeline={'id': ..., 'name': ...}")

    def build(self) -> list[widgets.Widget]:
        self.picker = WorkspacePicker(self)  # hidden inside a console (the Workspaces tab selects)
        self.context = WorkspaceContext(self)
        self.config = BuilderConfig()
        self.model = AssayBuilderModel(config=self.config)
        self._make_source()
        make_knobs(self)
        self._make_outputs()
        self.links = link_knobs(self, self.config)
        self.config.observe(self._changed)  # any knob: re-score
        self.config.observe(self._kind_changed, "baseline_kind")
        self.window_index.observe(lambda _c: self._update_bins(), "value")
        self.compare.observe(lambda _c: self._draw_timeline(), "value")
        self.observe(lambda c: setattr(self.cancel_button, "disabled", not c["new"]), "busy")
        self.observe(lambda _c: self._check_stale(), "busy")  # after the base re-enabled the buttons
        self.model_name.observe(lambda _c: self._check_stale(), "value")
        self.state.observe(self._pipelines_changed, ["pipelines", "pipeline", "workspace"])
        self.state.observe(self._workspace_changed, "workspace")
        self.pipeline.observe(self._pipeline_picked, "value")
        self._pipelines_changed()
        return [
            self.picker, self.context, self.target, widgets.HBox([self.pipeline, self.model_name]),
            widgets.HBox([self.logs_start, self.logs_pickers[0], self.load_button]),
            widgets.HBox([self.logs_end, self.logs_pickers[1]]),
            self.logs_timeline.widget, *knob_rows(self),
            self.baseline_fig, self.summary, widgets.HBox([self.compare]), self.timeline,
            widgets.HBox([self.window_index]), self.bins,
            widgets.HBox([self.name, self.create_button, self.preview_button, self.cancel_button]), self.notice,
            self.diff, widgets.HBox([self.report_path, self.report_button]),
        ]

    def _make_source(self) -> None:
        """Pipeline, model and the logs' time range (text with a date-time picker each), Load logs."""
        lay = widgets.Layout(width="22em")
        when = widgets.Layout(width="31em")
        self.pipeline = widgets.Dropdown(description="Pipeline", options=[], layout=lay)
        self.model_name = widgets.Combobox(description="Model", placeholder="optional (from the logs)", options=[],
                                           ensure_option=False, layout=lay)
        self.logs_start = widgets.Text(description="Logs from", placeholder="ISO time (blank = all)", layout=when)
        self.logs_end = widgets.Text(description="Logs to", placeholder="ISO time (blank = all)", layout=when)
        self.logs_pickers = [utc_picker() for _ in range(2)]
        for text, picker in zip((self.logs_start, self.logs_end), self.logs_pickers, strict=True):
            text.continuous_update = False
            widgets.link((text, "value"), (picker, "value"),
                         transform=(picked_time, lambda when: text_of(from_picker(when))))
        for w in (self.pipeline, self.model_name, self.logs_start, self.logs_end):
            w.style.description_width = "7.5em"
        self.load_button = self.button("Load logs", self.load_logs, icon="download", style="primary")

    def _make_outputs(self) -> None:
        """Charts, summary, window picker, the comparison toggle, actions and the server comparison table."""
        lay = widgets.Layout(width="22em")
        self.window_index = widgets.BoundedIntText(description="Window #", value=0, min=0, max=0, layout=lay)
        self.window_index.style.description_width = "7.5em"
        self.summary = widgets.HTML()
        self.logs_timeline = LogsTimeline(self.set_baseline_range)
        self.timeline = figure_widget(timeline_figure([], None, 0.25, empty="pick a pipeline, then click Load logs"))
        self.bins = figure_widget(bins_figure(None, None))
        self.baseline_fig = figure_widget(baseline_figure(None), height=280)
        self.timeline_traces = self.timeline.data
        self.compare = widgets.ToggleButton(value=False, description="Compare with previous settings",
                                            icon="clone", layout=widgets.Layout(width="auto"),
                                            tooltip="Overlay the score timeline of the settings before the last change")
        self.compare.style.description_width = "initial"  # the label in full (a toggle sizes to its text)
        self.create_button = self.button("Create assay", self.create, icon="check", style="success")
        self.preview_button = self.button("Preview on server", self.preview_on_server, icon="cloud")
        self.cancel_button = self.make_cancel_button("Stop waiting for the server preview (its answer is ignored)")
        self.report_path = widgets.Text(description="Report file", value="assay-builder-report.html",
                                        continuous_update=False, layout=widgets.Layout(width="31em"))
        self.report_path.style.description_width = "7.5em"
        self.report_button = self.button("Save report", self.save_report, icon="file",
                                         tooltip="The previewed configuration and scores as one HTML file (opens "
                                                 "offline)")
        self.notice = widgets.HTML()  # persistent: "the dropdowns differ from the loaded logs" (not the status)
        self._loaded: tuple[Any, str | None] | None = None  # (pipeline id, model name) of the loaded logs
        self.diff = DataTable(caption="Local vs server", page_length=5,
                              empty="Click Preview on server to compare the local scores with the server's")
        self.created: dict[str, Any] | None = None
        self.server_results: list[dict[str, Any]] | None = None
        self.shown: list[dict[str, Any]] | None = None  # the results the score timeline shows
        self.previous: list[dict[str, Any]] | None = None  # ... and those of the settings before

    # -- data ---------------------------------------------------------------------------------------
    def _pipelines_changed(self, _change: Any = None) -> None:
        wid = (self.state.workspace or {}).get("id")
        opts = [(f"{p.get('name')} (id {p.get('id')})", p.get("id")) for p in self.state.pipelines
                if p.get("name") and (wid is None or p.get("workspace_id") in (wid, None))]
        current = self.pipeline.value
        self.pipeline.options = opts
        sel = self.state.pipeline
        if sel and sel.get("id") in [o[1] for o in opts]:
            self.pipeline.value = sel["id"]
        elif current in [o[1] for o in opts]:
            self.pipeline.value = current
        elif opts:  # nothing chosen yet: offer the first pipeline rather than a blank dropdown
            self.pipeline.value = opts[0][1]

    def _pipeline_picked(self, _change: Any) -> None:
        self._check_stale()

    def stale(self) -> str:
        """Why the preview no longer matches the dropdowns ("" when it does): a pipeline or model other than
        the loaded logs' is picked. Create and Preview on server stay disabled until the logs are reloaded."""
        if self._loaded is None:
            return ""
        pid, model = self._loaded
        p = self.model.pipeline
        if self.pipeline.value is not None and self.pipeline.value != pid:
            picked = next((o[0] for o in self.pipeline.options if o[1] == self.pipeline.value), "none")
            return (f"Pipeline changed to {picked}: the preview still shows {p.get('name')} (id {pid}). "
                    "Click Load logs before Create or Preview on server.")
        if (self.model_name.value or None) != model:
            return (f"Model changed to {self.model_name.value or 'any'}: the logs were loaded for "
                    f"{model or 'every model'}. Click Load logs before Create or Preview on server.")
        return ""

    def _check_stale(self) -> None:
        reason = self.stale() if hasattr(self, "notice") else ""
        self.notice.value = (f'<div class="ww-stale" style="color:#b26a00;white-space:pre-wrap">&#9888; '
                             f'{html.escape(reason)}</div>' if reason else "")
        for btn in (self.create_button, self.preview_button):
            btn.disabled = bool(reason) or self.busy

    def _selected_pipeline(self) -> dict[str, Any]:
        pid = self.pipeline.value
        p = next((p for p in self.state.pipelines if p.get("id") == pid), None)
        if p is None:
            if self.state.in_console:
                raise v.InputError("Pick a pipeline (create or select one in the Pipelines tab)")
            raise v.InputError("Pick a pipeline: choose a workspace whose assays name one, or pass pipeline=...")
        return p

    def load_logs(self) -> None:
        """Fetch the pipeline's inference logs (today's ``pipelines/get_logs``; ``assays/get_baseline`` on a
        2023-era instance) and preview with defaults."""
        def act() -> None:
            p = self._selected_pipeline()
            start = v.timestamp(self.logs_start.value, "Logs from", optional=True)
            end = v.timestamp(self.logs_end.value, "Logs to", optional=True)
            logs = self.require_session().pipelines.inference_logs(p["workspace_id"], p["name"], start, end,
                                                                   model_name=self.model_name.value or None)
            if not len(logs):
                raise v.InputError(f"pipeline {p['name']} has no inference logs in that range")
            self.set_logs(logs, pipeline=p)
            self.message = f"Loaded {len(logs)} log records" + (f"; {self.message}" if self.message else "")
        self.run_action(act)

    def set_logs(self, logs: pd.DataFrame, *, pipeline: dict[str, Any] | None = None) -> None:
        """Use these logs (also usable without a server); picks the first iopath and, when none is set, a default
        baseline range (the first quarter of the logs)."""
        p = pipeline or {}
        model = AssayBuilderModel(pipeline=p, workspace_id=p.get("workspace_id"),
                                  model_name=self.model_name.value or None, config=self.config)
        self._loaded = (p.get("id"), self.model_name.value or None) if p else None
        with self.config.hold_trait_notifications():  # one re-score below, not one per knob set here
            self.model = model
            self.config.iopath = ""
            model.set_logs(logs)
            self.iopath.options = model.iopaths()
            self.model_name.options = model_names_of(logs)
            if not self.config.baseline_start or not self.config.baseline_end:
                self.config.baseline_start, self.config.baseline_end = default_baseline_range(model)
            if not self.config.name and p.get("name"):
                self.config.name = f"{p['name']}-assay"
        self._check_stale()
        self.rescore()

    def set_baseline_range(self, start: Any, end: Any) -> None:
        """Make [start, end) the baseline (a drag on the logs timeline calls this): a date range, re-scored."""
        with self.config.hold_trait_notifications():
            self.config.baseline_kind = "range"
            self.config.baseline_start, self.config.baseline_end = pd.Timestamp(start), pd.Timestamp(end)

    def _kind_changed(self, change: Any) -> None:
        vector = change["new"] == "vector"
        self.baseline_vector.layout.display = "flex" if vector else "none"
        for w in (self.baseline_start, self.baseline_end, self.pickers["baseline_start"],
                  self.pickers["baseline_end"]):
            w.layout.display = "none" if vector else "flex"

    # -- re-scoring ---------------------------------------------------------------------------------
    def _changed(self, _change: Any) -> None:
        self.rescore()

    def apply_widgets(self) -> None:
        """Kept for callers of the old API: the widgets are linked to ``config``, so this only refreshes the
        model's model name from its combobox."""
        self.model.model_name = self.model_name.value or None

    def rescore(self) -> list[dict[str, Any]] | None:
        """Recompute locally and restyle the figures in place; problems show in the status area."""
        if not len(self.model.logs):
            return None
        try:
            self.apply_widgets()
            with warnings.catch_warnings(record=True) as caught:  # e.g. DriftWarning: bins outside 5-14
                warnings.simplefilter("always")
                results = self.model.results()
        except Exception as exc:
            from .base import describe_error

            self.error = describe_error(exc)
            self._draw_logs()
            return None
        self.error = ""
        self.warning = "; ".join(dict.fromkeys(str(w.message) for w in caught))  # amber, not a success
        if self.server_results is not None:  # the comparison was of the previous configuration
            self.server_results = None
            self.diff.set_df(self.diff.df.iloc[0:0])
            self.message = "Configuration changed: click Preview on server again to compare"
        self._draw_logs()
        if results is self.shown:  # the cached results already drawn (e.g. several knobs set at once)
            return results
        self.previous, self.shown = self.shown, results
        self._draw_timeline()
        self._update_baseline()
        counts = pd.Series([r["status"] for r in results]).value_counts().to_dict() if results else {}
        base = self.model.baseline()
        self.summary.value = (
            f"Baseline: {base['count']} values · {len(results)} windows: "
            + ", ".join(f"{html.escape(str(k))} {n}" for k, n in sorted(counts.items())) if results else
            f"Baseline: {base['count']} values · no windows with data after the window start")
        self.window_index.max = max(0, len(results) - 1)
        if self.window_index.value > self.window_index.max:
            self.window_index.value = self.window_index.max
        self._update_bins()
        return results

    def _draw_timeline(self) -> None:
        """The score timeline of the shown results (with the previous settings' when Compare is on)."""
        if self.shown is None:
            return
        warn, alert = self.model.thresholds()
        fig = timeline_figure(self.shown, warn, alert)
        sync_figure(self.timeline, with_previous(fig, self.previous if self.compare.value else None))
        on_point_click(self.timeline, self._select_window)

    def _draw_logs(self) -> None:
        """The logs timeline of the current iopath with the baseline shaded (redrawn when either changed)."""
        c = self.config
        try:
            times, values = self.model.values()
        except v.InputError:
            return
        rng = (picked_time(c.baseline_start), picked_time(c.baseline_end)) if c.baseline_kind == "range" else None
        rng = rng if rng and None not in rng else None
        drawn, key = getattr(self, "_logs_key", (None, None)), (id(self.model), c.iopath)
        if key != drawn[0]:
            self.logs_timeline.show(times, values, rng, c.iopath)
        elif rng != drawn[1]:
            self.logs_timeline.shade(rng)
        self._logs_key = (key, rng)

    def _select_window(self, index: int) -> None:
        self.window_index.value = index

    def _update_baseline(self) -> None:
        base = self.model.last("baseline")
        values = self.model.baseline_values()[0] if base else None
        key = (id(base), self.model.config.iopath)
        if key != getattr(self, "_baseline_key", None):  # only when the baseline changed
            self._baseline_key = key
            sync_figure(self.baseline_fig, baseline_figure(base, values))

    def _update_bins(self) -> None:
        results = self.model.last("results") or []
        i = self.window_index.value
        result = results[i] if 0 <= i < len(results) else None
        highlight_point(self.timeline, i if result else None)
        base = self.model.last("baseline")
        sync_figure(self.bins, bins_figure(base, result))

    def save_report(self) -> None:
        """The locally scored configuration and results (timeline, every Warning/Alert window's bins) as one HTML
        file at the Report file path."""
        def act() -> None:
            if not len(self.model.logs):
                raise v.InputError("Load logs first")
            self.apply_widgets()
            results, (warn, alert) = self.model.results(), self.model.thresholds()
            title = f"Assay {self.config.name or '(unnamed)'} · {self.model.pipeline.get('name') or 'local logs'}"
            save_report(self, self.report_path.value, results, config=self.model.report_config(), title=title,
                        warning_threshold=warn, alert_threshold=alert, iopath=self.config.iopath)
        self.run_action(act)

    # -- server -------------------------------------------------------------------------------------
    def _config(self) -> dict[str, Any]:
        reason = self.stale()
        if reason:
            raise v.InputError(reason)
        if not len(self.model.logs):
            raise v.InputError("Load logs first")
        self.apply_widgets()
        if not self.model.pipeline:  # logs set from Python (set_logs without a pipeline): the picked one
            self.model.pipeline = self._selected_pipeline()
        if self.model.workspace_id is None:
            self.model.workspace_id = self.model.pipeline.get("workspace_id")
        self.model.results()  # validates and fills the caches: what is posted is what was previewed
        return self.model.assay_config()

    def create(self) -> None:
        """POST ``assays/create`` with exactly the previewed configuration."""
        def act() -> None:
            body = self._config()
            if self.model.v2:
                assay_id = self.require_session().assays_v2.schedule(body)
                self.created = {"assay_id": assay_id, "config": body.to_api(), "version": 2}
                self.message = f"Created V2 assay {body.name} (id {assay_id})"
                return
            out = self.require_session().assays.create(body)
            self.created = {"assay_id": out["assay_id"], "config": body}
            self.message = f"Created assay {body['name']} (id {out['assay_id']})"
        self.run_action(act)

    def preview_on_server(self) -> None:
        """``run_interactive`` with the same configuration; the table shows local vs server per window.

        Runs in the background (``wait()`` joins it): the message says what is being computed, and Cancel
        stops waiting — the API cannot stop a running preview, so its answer is then ignored."""
        def act() -> None:
            body = self._config()
            call = "V2 preview" if self.model.v2 else "run_interactive"
            self.message = f"Previewing {len(self.model.results())} window(s) on the server ({call})…"
            if self.model.v2:
                from . import builder_v2

                server = builder_v2.flat(self.model, list(self.require_session().assays_v2.preview(body)), body)
            else:
                server = list(self.require_session().assays.run_interactive(body))
            self.check_cancel()
            self.server_results = server
            diff = self.model.compare(server)
            self.diff.set_df(diff)
            bad = int((~diff["match"]).sum()) if len(diff) else 0
            self.message = (f"Server preview: {len(server)} windows, all match the local scores" if not bad
                            else f"Server preview: {len(server)} windows, {bad} differ from the local scores")
        self.run_action(act, background=True)
