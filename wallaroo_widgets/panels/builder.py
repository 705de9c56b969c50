"""Interactive assay builder: every change re-scores locally (drift engine) and restyles the timeline and
bins chart in place; "Create assay" posts exactly the previewed configuration; "Preview on server" runs
``run_interactive`` and shows the differences."""

from __future__ import annotations

import html
import warnings
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import discovery
from . import validate as v
from .assays import PipelinePanel
from .builder_model import (
    AGGREGATIONS,
    BIN_MODES,
    METRICS,
    AssayBuilderModel,
    default_baseline_range,
    model_names_of,
)
from .figures import figure_widget, sync_figure
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

#: widgets whose value is copied to the BuilderConfig field of the same name (text is parsed by the model)
_FIELDS = ("target", "name", "iopath", "baseline_kind", "baseline_start", "baseline_end", "window_start", "width", "interval",
           "run_until", "bin_mode", "num_bins", "aggregation", "metric", "warning_threshold", "alert_threshold")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return pd.Timestamp(value).isoformat() if not isinstance(value, str) else value


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
        self.model = AssayBuilderModel()
        self._syncing = False
        lay = widgets.Layout(width="22em")
        when = widgets.Layout(width="31em")  # room for a full ISO time: 2026-11-08T00:00:00+00:00
        self.pipeline = widgets.Dropdown(description="Pipeline", options=[], layout=lay)
        self.model_name = widgets.Combobox(description="Model", placeholder="optional (from the logs)", options=[],
                                           ensure_option=False, layout=lay)
        self.logs_start = widgets.Text(description="Logs from", placeholder="ISO time (blank = all)", layout=when)
        self.logs_end = widgets.Text(description="Logs to", placeholder="ISO time (blank = all)", layout=when)
        self.load_button = self.button("Load logs", self.load_logs, icon="download", style="primary")
        self.target = widgets.ToggleButtons(options=[("Assays V1", "V1"), ("Assays V2", "V2")], value="V1",
                                            tooltips=["/v1/api/assays: create, run_interactive",
                                                      "/v2/api/assays: schedule, preview (V2 bins and labels)"])
        self.iopath = widgets.Dropdown(description="iopath", options=[], layout=lay)
        self.baseline_kind = widgets.ToggleButtons(options=[("Date range", "range"), ("Vector", "vector")],
                                                   value="range")
        self.baseline_start = widgets.Text(description="Baseline from", layout=when)
        self.baseline_end = widgets.Text(description="Baseline to", layout=when)
        self.baseline_vector = widgets.Textarea(description="Vector", placeholder="comma separated numbers",
                                                layout=widgets.Layout(width="44em", display="none"))
        self.window_start = widgets.Text(description="Window start", placeholder="blank = baseline end", layout=when)
        self.width = widgets.Text(description="Width", value="24 hours", layout=lay)
        self.interval = widgets.Text(description="Interval", placeholder="blank = width", layout=lay)
        self.run_until = widgets.Text(description="Run until", placeholder="optional ISO time", layout=when)
        self.bin_mode = widgets.Dropdown(description="Bin mode", options=BIN_MODES, value="Quantile", layout=lay)
        self.num_bins = widgets.BoundedIntText(description="Bins", value=5, min=1, max=100, layout=lay)
        self.provided_edges = widgets.Text(description="Edges", placeholder="for Provided: e0, e1, ...", layout=lay)
        self.aggregation = widgets.Dropdown(description="Aggregation", options=AGGREGATIONS, value="Density",
                                            layout=lay)
        self.metric = widgets.Dropdown(description="Metric", options=METRICS, value="PSI", layout=lay)
        self.weights = widgets.Text(description="Weights", placeholder="num_bins + 2 numbers (optional)", layout=lay)
        self.warning_threshold = widgets.Text(description="Warning", placeholder="optional", layout=lay)
        self.alert_threshold = widgets.Text(description="Alert", value="0.25", layout=lay)
        self.name = widgets.Text(description="Assay name", layout=lay)
        self.window_index = widgets.BoundedIntText(description="Window #", value=0, min=0, max=0, layout=lay)
        self.summary = widgets.HTML()
        self.timeline = figure_widget(timeline_figure([], None, 0.25, empty="pick a pipeline, then click Load logs"))
        self.bins = figure_widget(bins_figure(None, None))
        self.baseline_fig = figure_widget(baseline_figure(None), height=280)
        self.timeline_traces = self.timeline.data
        self.create_button = self.button("Create assay", self.create, icon="check", style="success")
        self.preview_button = self.button("Preview on server", self.preview_on_server, icon="cloud")
        self.cancel_button = self.make_cancel_button("Stop waiting for the server preview (its answer is ignored)")
        self.observe(lambda c: setattr(self.cancel_button, "disabled", not c["new"]), "busy")
        self.notice = widgets.HTML()  # persistent: "the dropdowns differ from the loaded logs" (not the status)
        self._loaded: tuple[Any, str | None] | None = None  # (pipeline id, model name) of the loaded logs
        self.observe(lambda _c: self._check_stale(), "busy")  # after the base re-enabled the buttons
        self.model_name.observe(lambda _c: self._check_stale(), "value")
        self.diff = DataTable(caption="Local vs server", page_length=5,
                              empty="Click Preview on server to compare the local scores with the server's")
        for w in (*(getattr(self, f) for f in _FIELDS if f not in ("name", "baseline_kind", "target")), self.model_name,
                  self.pipeline, self.logs_start, self.logs_end, self.provided_edges, self.weights,
                  self.window_index):
            w.style.description_width = "7.5em"  # "Baseline from", "Window start" in full, fields aligned
        for w in (self.logs_start, self.logs_end, self.baseline_start, self.baseline_end, self.baseline_vector,
                  self.window_start, self.width, self.interval, self.run_until, self.provided_edges, self.weights,
                  self.warning_threshold, self.alert_threshold, self.name):
            w.continuous_update = False  # commit on Enter / leaving the field: one re-score, no part-typed dates
        self.created: dict[str, Any] | None = None
        self.server_results: list[dict[str, Any]] | None = None
        for attr in (*_FIELDS, "baseline_vector", "weights", "provided_edges"):
            getattr(self, attr).observe(self._changed, "value")
        self.window_index.observe(lambda _c: self._update_bins(), "value")
        self.baseline_kind.observe(self._kind_changed, "value")
        self.state.observe(self._pipelines_changed, ["pipelines", "pipeline", "workspace"])
        self.state.observe(self._workspace_changed, "workspace")
        self.pipeline.observe(self._pipeline_picked, "value")
        self._pipelines_changed()
        return [
            self.picker, self.context,
            self.target, widgets.HBox([self.pipeline, self.model_name]),
            widgets.HBox([self.logs_start, self.logs_end, self.load_button]),
            widgets.HBox([self.iopath, self.baseline_kind]),
            widgets.HBox([self.baseline_start, self.baseline_end]), self.baseline_vector,
            widgets.HBox([self.window_start, self.width, self.interval]),
            widgets.HBox([self.run_until, self.bin_mode, self.num_bins]),
            widgets.HBox([self.provided_edges, self.aggregation, self.metric]),
            widgets.HBox([self.weights, self.warning_threshold, self.alert_threshold]),
            self.baseline_fig, self.summary, self.timeline, widgets.HBox([self.window_index]), self.bins,
            widgets.HBox([self.name, self.create_button, self.preview_button, self.cancel_button]), self.notice,
            self.diff,
        ]

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
        """Use these logs (also usable without a server); picks an iopath and a default baseline range."""
        p = pipeline or {}
        self.model = AssayBuilderModel(logs, pipeline=p, workspace_id=p.get("workspace_id"),
                                       model_name=self.model_name.value or None)
        self._loaded = (p.get("id"), self.model_name.value or None) if p else None
        self._syncing = True
        try:
            self.iopath.options = self.model.iopaths()
            self.model_name.options = model_names_of(logs)
            self.iopath.value = self.model.config.iopath or None
            if not self.baseline_start.value or not self.baseline_end.value:
                start, end = default_baseline_range(self.model)
                self.baseline_start.value, self.baseline_end.value = _text(start), _text(end)
            if not self.name.value and p.get("name"):
                self.name.value = f"{p['name']}-assay"
        finally:
            self._syncing = False
        self._check_stale()
        self.rescore()

    def _kind_changed(self, change: Any) -> None:
        vector = change["new"] == "vector"
        self.baseline_vector.layout.display = "flex" if vector else "none"
        for w in (self.baseline_start, self.baseline_end):
            w.layout.display = "none" if vector else "flex"

    # -- re-scoring ---------------------------------------------------------------------------------
    def _changed(self, _change: Any) -> None:
        if not self._syncing:
            self.rescore()

    def apply_widgets(self) -> None:
        """Copy widget values into the model's config (validating the list fields)."""
        cfg = self.model.config
        for field in _FIELDS:
            value = getattr(self, field).value
            setattr(cfg, field, value if not isinstance(value, str) else value.strip())
        cfg.interval = cfg.interval or None
        cfg.window_start = cfg.window_start or None
        cfg.run_until = cfg.run_until or None
        cfg.warning_threshold = cfg.warning_threshold or None
        cfg.bin_weights = v.numbers(self.weights.value, "Weights")
        cfg.provided_edges = v.numbers(self.provided_edges.value, "Edges")
        cfg.baseline_vector = v.numbers(self.baseline_vector.value, "Baseline vector")
        self.model.model_name = self.model_name.value or None

    def rescore(self) -> list[dict[str, Any]] | None:
        """Recompute locally and restyle both figures in place; problems show in the status area."""
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
            return None
        self.error = ""
        self.warning = "; ".join(dict.fromkeys(str(w.message) for w in caught))  # amber, not a success
        if self.server_results is not None:  # the comparison was of the previous configuration
            self.server_results = None
            self.diff.set_df(self.diff.df.iloc[0:0])
            self.message = "Configuration changed: click Preview on server again to compare"
        warn, alert = self.model.thresholds()
        sync_figure(self.timeline, timeline_figure(results, warn, alert))
        on_point_click(self.timeline, self._select_window)
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
