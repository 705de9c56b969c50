"""What the Pipelines tab shows of a workspace: today's ``list_pipelines`` (every pipeline, its versions,
steps and deployment) when the instance has it, else the pipelines the console knows (2023-era instances:
created or copied here, named by an assay, or attached by name); and the small helpers the tab shares."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from . import validate as v

#: how the console knows a pipeline (the table's "origin" column)
ID_ONLY = "id only: attach its name"
NAMED = "named by an assay"
LISTED = "listed by the server"


def deployment_of_url(url: str) -> tuple[str, int | None, str | None]:
    """(deployment name, deployment id, pipeline name) from an inference URL ``.../infer/<dep>-<id>[/<name>]``."""
    parts = [p for p in url.split("?")[0].split("/") if p]
    if "infer" not in parts or parts.index("infer") + 1 >= len(parts):
        raise v.InputError(f"the server's inference URL {url!r} names no deployment")
    i = parts.index("infer")
    dep = parts[i + 1]
    num = dep.rpartition("-")[2]
    return dep, (int(num) if num.isdigit() else None), (parts[i + 2] if len(parts) > i + 2 else None)


def models_of_status(status: dict[str, Any]) -> list[dict[str, Any]]:
    """``{name, version, sha}`` of the models a deployment status reports (seed and newer shapes)."""
    out: list[dict[str, Any]] = []
    for eng in status.get("engines") or []:
        for m in ((eng.get("model_statuses") or {}).get("models")) or []:
            ref = {k: m.get(k) for k in ("name", "version", "sha")}
            if ref["name"] and ref not in out:
                out.append(ref)
    return out


def status_html(status: dict[str, Any]) -> str:
    """The deployment status view: overall status, engines and their models."""
    rows = []
    for eng in status.get("engines") or []:
        info = eng.get("info") if isinstance(eng.get("info"), dict) else eng
        models = ((eng.get("model_statuses") or {}).get("models")) or []
        rows.append(f"<li>engine {html.escape(str(info.get('name')))}: {html.escape(str(info.get('status')))}"
                    f" ip={html.escape(str(info.get('ip')))}"
                    + "".join(f"<br>&nbsp;&nbsp;model {html.escape(str(m.get('name')))}: "
                              f"{html.escape(str(m.get('status')))}" for m in models) + "</li>")
    return f"<b>Deployment status:</b> {html.escape(str(status.get('status')))}<ul>{''.join(rows)}</ul>"


def step_refs(definition: Any) -> list[dict[str, Any]]:
    """``{name, version, sha}`` of a pipeline definition's ModelInference steps."""
    steps = definition.get("steps") if isinstance(definition, dict) else None
    refs = []
    for step in steps if isinstance(steps, list) else []:
        inner = step.get("ModelInference") if isinstance(step, dict) else None
        refs += [{k: m.get(k) for k in ("name", "version", "sha")} for m in (inner or {}).get("models") or []
                 if isinstance(m, dict)]
    return refs


def listed_record(session: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A console pipeline record from a ``list_pipelines`` item (versions counted with list_pipeline_versions)."""
    p, ws = item["pipeline"], item["workspace"]
    ver = item.get("pipeline_version") or {}
    dep = item.get("deployment")
    pk = str(ver.get("id", ""))
    versions = session.pipelines.list_pipeline_versions(ws["id"], p["name"])
    return {"id": p["id"], "name": p["name"], "workspace_id": ws["id"], "origin": LISTED,
            "version_pk_id": int(pk) if pk.isdigit() else None, "version": ver.get("version"),
            "versions": len(versions), "models": step_refs(ver.get("steps")) or None,
            "deployment_name": (dep or {}).get("name"), "deployment_id": (dep or {}).get("id"),
            "status": "deployed" if dep else "not deployed"}


def sync_listed(state: Any, session: Any, workspace_id: int) -> int:
    """Replace the console's records of a workspace by what ``list_pipelines`` says (kept: the origin and a
    polled status of a still-deployed pipeline; gone: pipelines deleted elsewhere) -> how many."""
    known = {p.get("id"): p for p in state.pipelines if p.get("workspace_id") == workspace_id}
    rows = []
    for item in session.pipelines.list_pipelines(workspace_id):
        rec = listed_record(session, item)
        old = known.get(rec["id"], {})
        if old.get("origin") and old.get("origin") not in (ID_ONLY, NAMED):
            rec["origin"] = old["origin"]
        if rec["deployment_name"] and old.get("deployment_name") == rec["deployment_name"]:
            rec["status"], rec["url"] = old.get("status") or rec["status"], old.get("url")
        rows.append(rec)
    state.pipelines = [dict(p) for p in state.pipelines if p.get("workspace_id") != workspace_id] + rows
    return len(rows)


class ConfirmBar(widgets.HBox):
    """An inline "are you sure?" row: :meth:`ask` shows the question; Confirm runs the action, Keep hides."""

    def __init__(self, panel: Any, confirm: str = "Confirm delete") -> None:
        self.question = widgets.HTML()
        self.yes = panel.button(confirm, self._confirm, icon="trash", style="danger")
        self.no = panel.button("Keep", self.hide, icon="times", tooltip="Do not delete")
        self._action: Any = None
        super().__init__([self.question, self.yes, self.no], layout=widgets.Layout(display="none"))

    def ask(self, question_html: str, action: Any) -> None:
        self._action = action
        self.question.value = question_html
        self.layout.display = "flex"

    def hide(self) -> None:
        self._action = None
        self.layout.display = "none"

    def _confirm(self) -> None:
        action = self._action
        self.hide()
        if action is not None:
            action()
