"""Workspaces panel: table, create, select (drives the other panels), members add/remove."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ..errors import NotFoundError
from . import validate as v
from .base import Panel
from .table import DataTable
from .views import workspace_record

WS_COLUMNS = ["id", "name", "created_at", "num_models", "num_pipelines", "archived", "created_by"]
NO_SELECTION = "No workspace selected: click a row to select it (the Models, Pipelines and Assays tabs follow)"


class WorkspacesPanel(Panel):
    """Workspaces visible to the caller; the selected one becomes ``state.workspace``."""

    title = "Workspaces"

    def build(self) -> list[widgets.Widget]:
        self.table = DataTable(columns=WS_COLUMNS, caption="Workspaces",
                               empty="No workspace visible to you yet: create one above")
        self.table.observe(self._on_select, "selected")
        self.name = widgets.Text(description="Name", placeholder="my-workspace")
        self.create_button = self.button("Create", self.create, icon="plus", style="primary")
        self.refresh_button = self.button("Refresh", self.refresh, icon="refresh")
        self.members = DataTable(columns=["email", "user_type", "user_id"], caption="Members of the selected workspace",
                                 page_length=5, empty="Select a workspace above to see its members")
        self.member_email = widgets.Text(description="Email", placeholder="someone@example.com")
        # labels as the members table writes them, values as the API takes them
        self.member_type = widgets.Dropdown(description="Type", options=[("COLLABORATOR", "collaborator"),
                                                                         ("OWNER", "owner")])
        self.add_button = self.button("Add user", self.add_user, icon="user-plus")
        self.remove_button = self.button("Remove selected", self.remove_user, icon="user-times",
                                         tooltip="Remove the member selected in the members table")
        self.selected_label = widgets.HTML(NO_SELECTION)
        return [
            widgets.HBox([self.refresh_button, self.name, self.create_button]),
            self.table,
            self.selected_label,
            self.members,
            widgets.HBox([self.member_email, self.member_type, self.add_button, self.remove_button]),
        ]

    # -- loading -------------------------------------------------------------------------------------
    def on_session(self) -> None:
        self._load()

    def _load(self) -> None:
        items = self.require_session().workspaces.list()
        self.table.set_df(items.df, keep="id")
        ws = self.state.workspace
        if self.table.selected is None and ws is not None:
            self.table.select_where("id", ws.get("id"))

    def refresh(self) -> None:
        self.run_action(self._load)

    def _on_select(self, change: Any) -> None:
        row = change["new"]
        if not row:
            return
        self.state.workspace = workspace_record(row)
        self.selected_label.value = (f"Selected workspace: <b>{html.escape(str(row.get('name')))}</b> "
                                     f"(id {html.escape(str(row.get('id')))})")
        self.run_when_idle("members", self._load_members)

    def _load_members(self) -> None:
        ws = self._workspace()
        sess = self.require_session()
        members = sess.workspaces.list_users(ws["id"])
        emails = {}
        ids = [m.get("user_id") for m in members if m.get("user_id")]
        if ids:
            emails = {u.get("id"): u.get("email") or u.get("username") for u in sess.users.query(ids)}
        df = pd.DataFrame([{"email": emails.get(m.get("user_id")), "user_type": m.get("user_type"),
                            "user_id": m.get("user_id")} for m in members], columns=["email", "user_type", "user_id"])
        self.members.set_df(df)

    def _workspace(self) -> dict[str, Any]:
        ws = self.state.workspace
        if not ws:
            raise v.InputError("Select a workspace in the table first")
        return ws

    # -- actions -------------------------------------------------------------------------------------
    def create(self) -> None:
        """Create a workspace named ``name`` and select it."""
        def act() -> None:
            name = v.dns_name(self.name.value, "Workspace name")
            self.require_session().workspaces.create(name)
            self._load()
            self.table.select_where("name", name)
            self.name.value = ""
            self.message = f"Created workspace {name}"
        self.run_action(act)

    def add_user(self) -> None:
        """Add ``member_email`` to the selected workspace."""
        def act() -> None:
            ws = self._workspace()
            email = v.email(self.member_email.value)
            try:
                self.require_session().workspaces.add_user(ws["id"], email=email, user_type=self.member_type.value)
            except NotFoundError as exc:  # most often a user not invited yet: say where to do that
                raise v.InputError(f"Not found: {exc.msg} (invite new users in the Users tab first)") from None
            self._load_members()
            self.member_email.value = ""
            self.message = f"Added {email} to {ws['name']} as {self.member_type.label}"
        self.run_action(act)

    def remove_user(self) -> None:
        """Remove the member selected in the members table."""
        def act() -> None:
            ws = self._workspace()
            row = self.members.selected
            if not row:
                raise v.InputError("Select a member in the members table first")
            out = self.require_session().workspaces.remove_user(ws["id"], user_id=row["user_id"])
            self._load_members()
            who = row.get("email") or row["user_id"]
            self.message = f"Removed {who}" if out.get("affected_rows", 1) else f"{who} was not a member"
        self.run_action(act)
