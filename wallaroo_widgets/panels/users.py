"""Users panel: table of users; invite, activate, deactivate."""

from __future__ import annotations

import ipywidgets as widgets

from . import validate as v
from .base import Panel
from .table import DataTable

USER_COLUMNS = ["email", "username", "enabled", "created_at", "id"]


class UsersPanel(Panel):
    """All users of the instance (Keycloak), with invite and (de)activation of the selected user."""

    title = "Users"

    def build(self) -> list[widgets.Widget]:
        self.table = DataTable(columns=USER_COLUMNS, caption="Users")
        self.email = widgets.Text(description="Email", placeholder="someone@example.com")
        self.password = widgets.Password(description="Password", placeholder="optional temporary password")
        self.invite_button = self.button("Invite", self.invite, icon="user-plus", style="primary")
        self.refresh_button = self.button("Refresh", self.refresh, icon="refresh")
        self.activate_button = self.button("Activate", lambda: self.set_enabled(True), icon="check")
        self.deactivate_button = self.button("Deactivate", lambda: self.set_enabled(False), icon="ban")
        return [
            widgets.HBox([self.refresh_button, self.activate_button, self.deactivate_button]),
            self.table,
            widgets.HTML("<b>Invite a user</b>"),
            widgets.HBox([self.email, self.password, self.invite_button]),
        ]

    def on_session(self) -> None:
        self._load()

    def _load(self) -> None:
        users = self.require_session().users.query()
        self.table.set_df(users.df, keep="id")

    def refresh(self) -> None:
        self.run_action(self._load)

    def invite(self) -> None:
        """Invite ``email`` (validated first) and reload the table."""
        def act() -> None:
            email = v.email(self.email.value)
            password = self.password.value or None
            sess = self.require_session()
            sess.users.invite(email, password)
            self.password.value = ""
            self.email.value = ""
            self._load()
            self.table.select_where("email", email)
            self.message = f"Invited {email}" + ("" if password else " (the server generated a temporary password)")
        self.run_action(act)

    def set_enabled(self, enabled: bool) -> None:
        """Activate or deactivate the selected user."""
        def act() -> None:
            row = self.table.selected
            if not row:
                raise v.InputError("Select a user in the table first")
            email = row.get("email") or row.get("username")
            email = v.email(email, "Selected user's email")
            sess = self.require_session()
            (sess.users.activate if enabled else sess.users.deactivate)(email)
            self._load()
            self.message = f"{'Activated' if enabled else 'Deactivated'} {email}"
        self.run_action(act)
