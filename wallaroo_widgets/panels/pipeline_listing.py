"""Small views the Pipelines and Models tabs share: the deployment status view and the inline "are you sure?"
row. What the tab lists (``list_pipelines``, or on 2023-era instances what the console knows) is
:mod:`wallaroo_widgets.discovery`; its names are re-exported here."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..discovery import ID_ONLY, LISTED, NAMED, listed_record, step_refs, sync_listed

__all__ = ["ID_ONLY", "LISTED", "NAMED", "ConfirmBar", "listed_record", "status_html", "step_refs",
           "sync_listed"]


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
