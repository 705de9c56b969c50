"""Enablement panel: the instance name and its feature flags."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .base import Panel
from .table import DataTable


class EnablementPanel(Panel):
    """``features/list``: instance name, auth flag and features."""

    title = "Enablement"

    def build(self) -> list[widgets.Widget]:
        self.name = widgets.HTML()
        self.table = DataTable(columns=["feature", "value"], caption="Features")
        self.refresh_button = self.button("Refresh", self.refresh, icon="refresh")
        self.features: dict = {}
        return [self.refresh_button, self.name, self.table]

    def on_session(self) -> None:
        body = self.require_session().features.list()
        self.features = dict(body.get("features") or {})
        auth = body.get("is_auth_enabled")
        self.name.value = (f"<b>Instance:</b> {html.escape(str(body.get('name') or '?'))}"
                           f" &nbsp; <b>Auth enabled:</b> {html.escape(str(auth))}")
        self.table.set_df(pd.DataFrame({"feature": list(self.features), "value": list(self.features.values())}))

    def refresh(self) -> None:
        self.run_action(self.on_session)
