"""The tabbed console combining every panel over one shared :class:`ConsoleState`."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from .assays import AssaysPanel
from .base import ConsoleState, Panel, describe_error
from .builder import AssayBuilder
from .connect import ConnectPanel
from .enablement import EnablementPanel
from .figures import refit_all
from .models import ModelsPanel
from .overview import DriftOverview
from .pipelines import PipelinesPanel
from .users import UsersPanel
from .workspaces import WorkspacesPanel


def _panel_classes() -> list[type[Panel]]:
    return [ConnectPanel, UsersPanel, WorkspacesPanel, ModelsPanel, PipelinesPanel, EnablementPanel,
            AssaysPanel, AssayBuilder, DriftOverview]


class Console(widgets.VBox):
    """Tabs over the panels; ``panels`` maps a title to its panel, ``state`` is shared."""

    def __init__(self, session: Any = None, *, notice: str = "") -> None:
        self.state = ConsoleState(in_console=True)  # panels point at the tabs, not their own menus
        self.panels: dict[str, Panel] = {}
        for cls in _panel_classes():
            self.panels[cls.title] = cls(state=self.state)
        self.tabs = widgets.Tab(children=list(self.panels.values()), titles=list(self.panels))
        self.notice = widgets.HTML(notice)
        header = widgets.HTML("<h3 style='margin:4px 0'>Wallaroo console</h3>")
        super().__init__([header, self.notice, self.tabs])
        self.state.observe(self._connected, "session")  # a "Not connected" notice is stale once connected
        self.tabs.observe(self._tab_shown, "selected_index")
        if session is not None:
            self.state.session = session  # every panel loads its data
        else:
            self.tabs.selected_index = 0

    def _connected(self, change: Any) -> None:
        if change["new"] is not None:
            self.notice.value = ""

    def _tab_shown(self, change: Any) -> None:
        """Charts drawn while their tab was hidden got a fallback width: refit them to the now visible panel."""
        index = change["new"]
        if index is not None and 0 <= index < len(self.tabs.children):
            refit_all(self.tabs.children[index])

    def panel(self, title: str) -> Panel:
        """A panel by tab title (``"Users"``, ``"Assay builder"`` ...)."""
        return self.panels[title]


def console(session: Any = None) -> Console:
    """The Wallaroo console. Without ``session`` it tries ``Session.from_env()``; when that is not possible
    the Connect tab opens with the reason."""
    notice = ""
    if session is None:
        from ..session import Session

        try:
            session = Session.from_env()
            session.identity()  # logs in now so bad credentials are reported here
        except Exception as exc:
            notice = ("<div style='color:#b00020'>Not connected: "
                      f"{html.escape(describe_error(exc))}. Use the Connect tab.</div>")
            session = None
    return Console(session, notice=notice)

