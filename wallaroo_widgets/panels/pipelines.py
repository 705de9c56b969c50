"""Pipelines panel: every pipeline of the workspace (today's ``list_pipelines``: versions, steps, deployment),
create (empty or with model steps), deploy with progress, status, URL, inference, undeploy, copy, delete (with a
confirmation). On a 2023-era instance (no ``list_pipelines``: a 404) the table shows the pipelines this console
knows (created or copied here, or named by an assay) plus the workspace's pipeline ids; an id-only row gets its
name with "Attach name", and Delete is unavailable. A pipeline deployed elsewhere is found through its
inference URL (``.../infer/<deploy_id>-<deployment id>/<name>``), which names the deployment for Status and
Undeploy."""

from __future__ import annotations

import html
import json
import time
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import discovery
from ..discovery import deployment_of_url, models_of_status  # noqa: F401  (re-exported)
from ..errors import DeploymentFailed, NotFoundError
from . import validate as v
from .base import Panel
from .pipeline_listing import ID_ONLY, NAMED, ConfirmBar, status_html, sync_listed
from .table import DataTable
from .views import WorkspaceContext, WorkspacePicker

PIPE_COLUMNS = ["id", "name", "origin", "status", "deployment_id", "version_pk_id", "versions", "models", "url"]


def read_inference_file(name: str, content: bytes) -> Any:
    """A DataFrame (JSON records / column dict) or a pyarrow Table (Arrow IPC file/stream) from a file."""
    return v.table_file(name, content)


class PipelinesPanel(Panel):
    """Pipelines of ``state.workspace``; the selected one becomes ``state.pipeline``."""

    title = "Pipelines"

    def build(self) -> list[widgets.Widget]:
        self.picker = WorkspacePicker(self)  # hidden inside a console (the Workspaces tab selects)
        self.context = WorkspaceContext(self)
        self.infer_data: Any = None  # a DataFrame / pyarrow Table set from Python for "Run inference"
        self.table = DataTable(columns=PIPE_COLUMNS, caption="Pipelines", empty="No pipeline in this workspace "
                               "yet: create one below")
        self.listed = False  # the table is the server's list_pipelines (not the 2023 workaround)
        self.table.observe(self._on_select, "selected")
        self.table.observe(self._attach_visibility, "selected")
        self.name = widgets.Text(description="Name", placeholder="my-pipeline")
        self.step_models = widgets.SelectMultiple(description="Model steps", options=[], rows=4)
        self.steps_button = self.button("Reload models", self.refresh_steps, icon="refresh",
                                        tooltip="Reload the model steps (e.g. after an upload in the Models tab)")
        self.steps_note = widgets.HTML()  # "no model yet: upload one in the Models tab"
        self.create_button = self.button("Create", self.create, icon="plus", style="primary")
        self.attach_name = widgets.Text(description="Its name", placeholder="name of the selected id-only pipeline")
        self.attach_button = self.button("Attach name", self.attach, icon="link",
                                         tooltip="Name a pipeline known only by its id (then Status, Deploy, ...)")
        self.attach_row = widgets.HBox([self.attach_name, self.attach_button],  # only for an id-only selection
                                       layout=widgets.Layout(display="none"))
        self.copy_name = widgets.Text(description="Copy as", placeholder="new-pipeline-name")
        self.copy_button = self.button("Copy", self.copy, icon="copy", tooltip="Copy the selected pipeline")
        self.deploy_button = self.button("Deploy", self.deploy, icon="rocket", style="success")
        self.undeploy_button = self.button("Undeploy", self.undeploy, icon="stop")
        self.status_button = self.button("Status", self.refresh_status, icon="heartbeat")
        self.delete_button = self.button("Delete…", self.delete, icon="trash",
                                         tooltip="Delete the selected pipeline, its versions and logs (asks first)")
        self.confirm = ConfirmBar(self)
        self.cancel_button = self.make_cancel_button("Stop waiting for the deployment")
        self.progress = widgets.FloatProgress(min=0.0, max=1.0, value=0.0, description="Deploy",
                                              layout=widgets.Layout(visibility="hidden"))
        self.deploy_timeout = widgets.BoundedFloatText(description="Timeout (s)", value=120.0, min=1.0, max=3600.0)
        self.status_view = widgets.HTML()
        self.url = widgets.Text(description="Inference URL", disabled=True, placeholder="deploy to get one",
                                layout=widgets.Layout(width="60em"), style={"description_width": "initial"})
        self.infer_file = widgets.FileUpload(description="JSON/Arrow file", accept=".json,.arrow,.feather",
                                             multiple=False, layout=widgets.Layout(width="auto"))
        self.infer_button = self.button("Run inference", self.infer, icon="play", style="primary")
        self.result = DataTable(caption="Inference result", page_length=5,
                                empty="Choose a file and click Run inference: the outputs show here")
        self.observe(lambda c: setattr(self.cancel_button, "disabled", not c["new"]), "busy")
        self.state.observe(lambda _c: self._render_table(), "pipelines")
        self.state.observe(self._workspace_changed, "workspace")
        self.state.observe(self._models_changed, "models_changed")  # an upload in the Models tab
        return [
            self.picker, self.context,
            self.table,
            widgets.HBox([self.name, self.step_models, widgets.VBox([self.steps_button, self.steps_note]),
                          self.create_button]),
            self.attach_row,
            widgets.HBox([self.deploy_button, self.undeploy_button, self.status_button, self.cancel_button,
                          self.deploy_timeout, self.delete_button]),
            self.confirm,
            self.progress, self.status_view, self.url,
            widgets.HBox([self.copy_name, self.copy_button]),
            widgets.HTML("<b>Inference</b> (a DataFrame set as <code>panel.infer_data</code>, or a file)"),
            widgets.HBox([self.infer_file, self.infer_button]),
            self.result,
        ]

    # -- state ---------------------------------------------------------------------------------------
    def on_session(self) -> None:
        if self.state.workspace:
            self._load_models()
            self._load_pipelines()
        self._render_table()

    def _workspace_changed(self, _change: Any) -> None:
        self._render_table()
        self._models_changed(_change)
        if self.session is not None and self.state.workspace:
            self.run_when_idle("pipelines", self._load_pipelines)

    def _load_pipelines(self) -> None:
        """Today's instances: the workspace's pipelines from ``list_pipelines``; 2023-era: what the console knows."""
        sess = self.require_session()
        self.listed = sess.pipelines.has_current_api()
        self.delete_button.disabled = not self.listed
        if self.listed:
            sync_listed(self.state, sess, self.require_workspace()["id"])
        self._render_table()

    def _models_changed(self, _change: Any) -> None:
        """Reload the step choices (the pipelines table is unchanged by a model upload)."""
        if self.session is not None and self.state.workspace:
            self.run_when_idle("models", self._load_models)  # after a running action, inside the error handling

    def _load_models(self) -> None:
        """Offer the workspace's models (latest version each) as pipeline steps."""
        sess = self.require_session()
        options = []
        for m in sess.models.list(self.require_workspace()["id"]):
            versions = sess.models.list_versions(m["name"], m["id"])
            if versions:
                last = versions[-1]
                ref = {"name": m["name"], "version": last.get("model_version"), "sha": last.get("sha"),
                       "id": last.get("id")}
                options.append((f"{m['name']} ({str(last.get('model_version'))[:8]})", json.dumps(ref)))
        chosen = set(self.step_models.value)
        self.steps_note.value = "" if options else "<i>No model in this workspace yet:<br>upload one in Models</i>"
        self.step_models.options = options
        self.step_models.value = tuple(o[1] for o in options if o[1] in chosen)

    def refresh_steps(self) -> None:
        """Reload the model step choices (keeps the chosen ones that still exist)."""
        def act() -> None:
            self._load_models()
            self.message = f"{len(self.step_models.options)} model(s) offered as steps"
        self.run_action(act)

    def _render_table(self) -> None:
        ws = self.state.workspace or {}
        known = [p for p in self.state.pipelines if not ws or p.get("workspace_id") == ws.get("id")]
        ids = {p.get("id") for p in known}
        rows = [{**p, "origin": p.get("origin") or (NAMED if p.get("name") else ID_ONLY)} for p in known]
        if not self.listed:  # 2023-era: ids the workspace names but no call names
            rows += [{"id": pid, "name": None, "origin": ID_ONLY} for pid in ws.get("pipelines") or []
                     if pid not in ids]
        df = pd.DataFrame(rows, columns=PIPE_COLUMNS) if rows else pd.DataFrame(columns=PIPE_COLUMNS)
        df["models"] = df["models"].map(lambda ms: ", ".join(m["name"] for m in ms) if isinstance(ms, list) else ms)
        df = df.astype(object).where(df.notna(), "")  # unknown fields blank, not NaN
        self.table.set_df(df, keep="id")
        self._attach_visibility()

    def _attach_visibility(self, _change: Any = None) -> None:
        row = self.table.selected
        self.attach_row.layout.display = "flex" if row and row.get("origin") == ID_ONLY else "none"

    def _known(self, pid: Any) -> dict[str, Any] | None:
        return discovery.find(self.state, pid)

    def _on_select(self, change: Any) -> None:
        row = change["new"]
        if row:
            known = self._known(row.get("id"))
            previous = (self.state.pipeline or {}).get("id")
            self.state.pipeline = dict(known or {k: x for k, x in row.items() if x != ""})
            self.url.value = (known or {}).get("url") or ""
            if previous != row.get("id"):  # the status shown was another pipeline's
                self.status_view.value = ""

    def _forget(self, pid: Any, **fields: Any) -> None:
        """Set fields of a known pipeline, None included (:func:`discovery.forget`)."""
        discovery.forget(self.state, pid, **fields)

    def _pipeline(self) -> dict[str, Any]:
        row = self.table.selected
        if not row:
            raise v.InputError("Select a pipeline in the table first")
        known = self._known(row.get("id"))
        if known is None or not known.get("name"):
            raise v.InputError(f"Pipeline {row.get('id')} is known only by its id (the API lists no pipelines): "
                               "type its name in 'Its name' and click Attach name")
        return known

    def attach(self) -> None:
        """Name the selected id-only pipeline (the API cannot name an id) and look for its deployment."""
        def act() -> None:
            row = self.table.selected
            if not row:
                raise v.InputError("Select a pipeline in the table first")
            name = v.dns_name(self.attach_name.value, "Its name")
            ws = self.require_workspace()
            rec = self.state.remember_pipeline({"id": row["id"], "name": name, "workspace_id": ws["id"],
                                                "origin": "named here"})
            self.state.pipeline = dict(rec)
            self.attach_name.value = ""
            found = self._discover(rec)
            where = f"deployed as {found['deployment_name']}" if found.get("deployment_name") else "not deployed"
            self.message = f"Pipeline {row['id']} is now {name} ({where})"
        self.run_action(act)

    def _discover(self, p: dict[str, Any]) -> dict[str, Any]:
        """Find the pipeline's active deployment (:func:`discovery.discover_deployment`); show and return it."""
        rec, status = discovery.discover_deployment(self.require_session(), self.state, p)
        self.url.value = rec.get("url") or ""
        if status is not None:
            self._show_status(status)
        return rec

    # -- actions -------------------------------------------------------------------------------------
    def create(self) -> None:
        """Create a pipeline (one ModelInference step per chosen model) and select it."""
        def act() -> None:
            ws = self.require_workspace()
            name = v.dns_name(self.name.value, "Pipeline name")
            refs = [json.loads(o) for o in self.step_models.value]
            sess = self.require_session()
            steps = [sess.pipelines.model_step({k: r[k] for k in ("name", "version", "sha")}) for r in refs]
            out = sess.pipelines.create(name, ws["id"], steps or None)
            self.state.remember_pipeline({"id": out["pipeline_pk_id"], "name": name, "workspace_id": ws["id"],
                                          "version_pk_id": out.get("pipeline_variant_pk_id"), "models": refs,
                                          "status": "created", "origin": "created here"})
            self.table.select_where("id", out["pipeline_pk_id"])
            self.name.value = ""
            self.message = f"Created pipeline {name} (id {out['pipeline_pk_id']}) with {len(steps)} step(s)"
            if not steps:
                self._load_models()  # a model uploaded meanwhile (Models tab) shows up as a step
                offered = len(self.step_models.options)
                self.message = ""
                self.warning = (f"Warning: created {name} (id {out['pipeline_pk_id']}) as an empty pipeline: add "
                                "steps before deploying (an empty pipeline infers nothing; "
                                f"{offered} model(s) offered as steps)")
        self.run_action(act)

    def copy(self) -> None:
        """Copy the selected pipeline under a new name."""
        def act() -> None:
            src = self._pipeline()
            name = v.dns_name(self.copy_name.value, "Copy name")
            out = self.require_session().pipelines.copy(name, src["workspace_id"], src["id"])
            self.state.remember_pipeline({"id": out["pipeline_pk_id"], "name": name,
                                          "workspace_id": src["workspace_id"],
                                          "version_pk_id": out.get("pipeline_variant_pk_id"),
                                          "models": src.get("models"), "status": "created",
                                          "origin": "created here"})
            self.copy_name.value = ""
            self.message = f"Copied {src['name']} to {name} (id {out['pipeline_pk_id']})"
        self.run_action(act)

    def deploy(self) -> None:
        """Deploy the selected pipeline and poll its status until Running (progress bar; Cancel stops polling)."""
        def act() -> None:
            p = self._pipeline()
            sess = self.require_session()
            if not p.get("version_pk_id"):  # not created here: the API names no versions
                p = self._discover(p)
                if p.get("deployment_name"):
                    raise v.InputError(f"Pipeline {p['name']} is already deployed as {p['deployment_name']} "
                                       f"({p.get('status')}) and has no known version to deploy again: Undeploy "
                                       "it first, then Deploy starts the server's latest version")
            models = [{k: m[k] for k in ("name", "version", "sha")} for m in p.get("models") or []]
            out = sess.pipelines.deploy(p["name"], p.get("version_pk_id"), p["id"], models=models or None,
                                        model_ids=[m["id"] for m in p.get("models") or [] if m.get("id")] or None)
            dep_name = sess.pipelines.deployment_name(p["name"], out["id"])
            self.state.remember_pipeline({"id": p["id"], "deployment_id": out["id"], "deployment_name": dep_name,
                                          "status": "Starting"})
            timeout = float(self.deploy_timeout.value)
            self.progress.layout.visibility, self.progress.bar_style, self.progress.value = "visible", "info", 0.0

            def progress(status: dict[str, Any], elapsed: float) -> None:
                self.check_cancel()
                self.progress.value = min(0.95, elapsed / timeout)
                self.progress.description = status.get("status", "?")
                self._show_status(status)

            try:
                status = sess.pipelines.wait_until_running(dep_name, timeout=timeout, poll_interval=0.5,
                                                           on_progress=progress)
            except Exception as exc:
                self.progress.bar_style = "danger"
                if isinstance(exc, DeploymentFailed):  # the table shows Error; Status shows the pods' reasons
                    self.state.remember_pipeline({"id": p["id"], "status": "Error"})
                raise
            self.progress.value, self.progress.bar_style = 1.0, "success"
            url = sess.pipelines.external_url(p["workspace_id"], p["name"])
            self.state.remember_pipeline({"id": p["id"], "status": status["status"], "url": url})
            self.url.value = url
            self.message = f"{p['name']} is Running"
        self.run_action(act, background=True)

    def refresh_status(self) -> None:
        def act() -> None:
            p = self._pipeline()
            try:
                status = (self.require_session().pipelines.status(p["deployment_name"])
                          if p.get("deployment_name") else None)
            except NotFoundError:  # undeployed elsewhere: look again by name
                status = None
            if status is None:  # not deployed from here (or undeployed elsewhere): found by its inference URL
                p = self._discover(p)  # shows the status it finds
                if not p.get("deployment_name"):
                    self.status_view.value = f"<b>Deployment status:</b> {html.escape(p['name'])} is not deployed"
                return
            self._show_status(status)
            self.state.remember_pipeline({"id": p["id"], "status": status["status"]})
        self.run_action(act)

    def _show_status(self, status: dict[str, Any]) -> None:
        self.status_view.value = status_html(status)

    def undeploy(self) -> None:
        def act() -> None:
            p = self._pipeline()
            if not p.get("deployment_id"):
                p = self._discover(p)
                if not p.get("deployment_id"):
                    raise v.InputError(f"Pipeline {p['name']} is not deployed")
            self.require_session().pipelines.undeploy(p["id"], p["deployment_id"])
            self._forget(p["id"], status="undeployed", url=None, deployment_name=None, deployment_id=None)
            self.url.value = ""
            self.progress.layout.visibility = "hidden"
            self.status_view.value = (f"<b>Deployment status:</b> undeployed ({html.escape(p['name'])} was "
                                      f"{html.escape(str(p.get('deployment_name')))})")
            self.message = f"Undeployed {p['name']}"
        self.run_action(act)

    def delete(self) -> None:
        """Ask, then delete the selected pipeline (refused by the server while deployed or watched by an active
        assay: the reason shows inline)."""
        def act() -> None:
            p = self._pipeline()
            if not self.require_session().pipelines.has_current_api():
                raise v.InputError("This instance has no pipelines/delete_pipeline (a 2023-era API)")
            what = f"{p.get('versions')} version(s), " if p.get("versions") else ""
            self.confirm.ask(f"Delete pipeline <b>{html.escape(p['name'])}</b> with its {what}inference logs "
                             "and paused assays? This cannot be undone.", lambda: self.run_action(
                                 lambda: self._delete(p)))
        self.run_action(act)

    def _delete(self, p: dict[str, Any]) -> None:
        sess = self.require_session()
        sess.pipelines.delete_pipeline(p["workspace_id"], p["name"])
        discovery.drop(self.state, p["id"])
        self.url.value, self.status_view.value = "", ""
        sync_listed(self.state, sess, p["workspace_id"])
        self.message = f"Deleted pipeline {p['name']}"

    def _inference_input(self) -> Any:
        if self.infer_file.value:
            item = self.infer_file.value[0]
            return read_inference_file(item["name"], bytes(item["content"]))
        if self.infer_data is not None:
            return self.infer_data
        raise v.InputError("Choose a JSON/Arrow file or set panel.infer_data to a DataFrame first")

    def infer(self) -> None:
        """Run an inference on the selected (deployed) pipeline and show the result table."""
        def act() -> None:
            self.result.set_df(pd.DataFrame())  # never the last run's rows under a new run's error
            p = self._pipeline()
            data = self._inference_input()
            sess = self.require_session()
            url = p.get("url") or sess.pipelines.external_url(p["workspace_id"], p["name"])
            t0 = time.perf_counter()
            df = sess.pipelines.infer(url, data)
            self.result.set_df(df)
            self.last_result = df
            self.message = f"{p['name']}: {len(df)} row(s) inferred in {1000 * (time.perf_counter() - t0):.0f} ms"
        self.run_action(act)


__all__ = ["PipelinesPanel", "read_inference_file"]
