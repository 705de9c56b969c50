"""Small views shared by the panels: the workspace menu of a standalone panel (:class:`WorkspacePicker`;
lookups live in :mod:`wallaroo_widgets.discovery`) and the assay panels' figures — thin adapters over :mod:`wallaroo_widgets.plots`
that also cover the "nothing selected yet" states with a placeholder, and click-to-select wiring for the
score timeline."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import plots
from ..discovery import workspace_record
from .figures import empty_figure

if TYPE_CHECKING:
    from .base import Panel

class WorkspacePicker(widgets.HBox):
    """A workspace menu bound to ``panel.state.workspace``, shown when the panel is used on its own (no
    console, so no Workspaces tab). Loading goes through ``panel.run_when_idle`` (errors inline)."""

    def __init__(self, panel: Panel) -> None:
        self.panel = panel
        self.items: list[dict[str, Any]] = []
        self._syncing = False
        self.dropdown = widgets.Dropdown(description="Workspace", options=[("(choose a workspace)", None)],
                                         value=None, layout=widgets.Layout(width="28em"))
        self.reload_button = panel.button("", self.refresh, icon="refresh", tooltip="Reload the workspace list")
        super().__init__([self.dropdown, self.reload_button])
        self.dropdown.observe(self._chosen, "value")
        panel.state.observe(self._state_changed, "workspace")
        panel.state.observe(self._visibility, "in_console")
        panel.state.observe(lambda _c: self.refresh(), "session")
        self._visibility()
        self.refresh()

    @property
    def active(self) -> bool:
        """False inside a console (the Workspaces tab selects instead)."""
        return not self.panel.state.in_console

    def refresh(self) -> None:
        """Reload the menu (when shown and connected)."""
        if self.active and self.panel.session is not None:
            self.panel.run_when_idle("workspace menu", self._load)

    def _load(self) -> None:
        self.items = [workspace_record(w) for w in self.panel.require_session().workspaces.list()]
        current = self.panel.state.workspace
        if current and all(w["id"] != current.get("id") for w in self.items):
            self.items.append(dict(current))
        self._set_options()

    def _set_options(self) -> None:
        current = (self.panel.state.workspace or {}).get("id")
        options = [("(choose a workspace)", None)] + [(f"{w['name']} (id {w['id']})", w["id"]) for w in self.items]
        self._syncing = True
        try:
            self.dropdown.options = options
            self.dropdown.value = current if any(v == current for _t, v in options) else None
        finally:
            self._syncing = False

    def _chosen(self, change: Any) -> None:
        if self._syncing:
            return
        ws = next((w for w in self.items if w["id"] == change["new"]), None)
        if ws is not None and (self.panel.state.workspace or {}).get("id") != ws["id"]:
            self.panel.state.workspace = dict(ws)

    def _state_changed(self, change: Any) -> None:
        ws = change["new"]
        if not self.active:
            return
        if ws and all(w["id"] != ws.get("id") for w in self.items):
            self.items.append(workspace_record(ws))
        self._set_options()

    def _visibility(self, _change: Any = None) -> None:
        self.layout.display = "flex" if self.active else "none"


class WorkspaceContext(widgets.HTML):
    """Inside a console (where the Workspace menu is hidden) one line naming the workspace the tab shows, or
    saying where to select one; hidden on a standalone panel (its Workspace menu says it)."""

    def __init__(self, panel: Panel) -> None:
        super().__init__()
        self._state = panel.state
        self._state.observe(self._render, ["workspace", "in_console"])
        self._render()

    def _render(self, _change: Any = None) -> None:
        ws = self._state.workspace
        self.layout.display = "flex" if self._state.in_console else "none"
        self.value = (f"Workspace: <b>{html.escape(str(ws.get('name')))}</b> (id {html.escape(str(ws.get('id')))})"
                      " &middot; <i>select another in the Workspaces tab</i>" if ws else
                      "<i>No workspace selected: select one in the Workspaces tab</i>")


def timeline_figure(results: list[dict[str, Any]], warning: float | None, alert: float | None,
                    title: str = "Model Insights Score", empty: str = "") -> go.Figure:
    """Score per window (plots.score_timeline: line + one marker trace per status, threshold bands); with no
    results, ``empty`` (what to do to get some) is written across the empty plot."""
    fig = plots.score_timeline(list(results or []), warning, alert, title=title)
    if not results:  # a placeholder: no meaningless -1..6 axes under the hint (sync_figure restores them)
        fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False})
        if empty:
            fig.add_annotation(text=empty, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def bins_figure(baseline: dict[str, Any] | None, result: dict[str, Any] | None) -> go.Figure:
    """Baseline vs one window's bins (plots.bins_comparison); the baseline alone when no window."""
    if not baseline:
        return empty_figure("Baseline vs window", "no baseline yet")
    return plots.bins_comparison(baseline, result if result else baseline)


def contribution_figure(result: dict[str, Any] | None) -> go.Figure:
    """Per-bin share of one window's score (plots.bin_contributions)."""
    if not result or not result.get("scores"):
        return empty_figure("Bin contributions", "select a window")
    return plots.bin_contributions(result)


def baseline_figure(baseline: dict[str, Any] | None, values: Any = None) -> go.Figure:
    """Preview histogram of the baseline values with its edges (plots.baseline_distribution)."""
    if not baseline:
        return empty_figure("Baseline distribution", "pick a baseline")
    return plots.baseline_distribution(baseline, values)


def stats_table(baseline: dict[str, Any] | None, window: dict[str, Any] | None) -> pd.DataFrame:
    """count/min/max/mean/median/std of baseline vs window with diff and pct_diff (plots.stats_frame)."""
    if not baseline or not window:
        return pd.DataFrame(columns=["stat", "Baseline", "Window", "diff", "pct_diff"])
    return plots.stats_frame(baseline, window).rename_axis("stat").reset_index()


def on_point_click(widget: go.FigureWidget, handler: Callable[[int], Any]) -> None:
    """Call ``handler(result index)`` when a timeline marker is clicked (customdata[0] = index); traces
    added later get the handler on the next call."""
    for trace in widget.data:
        if getattr(trace, "_ww_click", False) or trace.mode != "markers":
            continue

        def clicked(tr: Any, points: Any, _state: Any) -> None:
            if points.point_inds:
                handler(int(tr.customdata[points.point_inds[0]][0]))

        trace.on_click(clicked)
        trace._ww_click = True


def highlight_point(widget: go.FigureWidget, index: int | None) -> None:
    """Show result ``index`` as the selected timeline point (the others dimmed), as a click on it does, so
    a window chosen elsewhere (a table row, the window number) never leaves another point highlighted;
    ``None`` clears the selection."""
    with widget.batch_update():
        for trace in widget.data:
            if trace.mode != "markers" or trace.customdata is None:
                continue
            if index is None:
                trace.selectedpoints = None
            else:
                trace.selectedpoints = [k for k, info in enumerate(trace.customdata) if int(info[0]) == index]

