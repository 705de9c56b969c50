"""Connect panel: URL + auth method -> a Session; the status line shows who is connected and the token expiry."""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any

import ipywidgets as widgets

from ..drift import timeutil
from . import validate as v
from .base import Panel

METHODS = {
    "password": "User + password (client secret)",
    "client_credentials": "Client credentials (inference only)",
    "token": "Access token",
    "sdk": "Existing Wallaroo SDK client",
}


def identity_line(session: Any, now: _dt.datetime | None = None) -> str:
    """"Connected to <url> as <who> (roles) — token expires at ... (in N min)"; never the token."""
    ident = session.identity()
    who = ident.get("email") or ident.get("username") or ident.get("sub") or "an unknown user"
    roles = [r for r in ident.get("roles") or [] if r in {"admin", "create-realm"}]
    text = f"Connected to {session.url} as {who}" + (f" ({', '.join(roles)})" if roles else "")
    exp = ident.get("expires_at")
    if exp is not None:
        now = now or timeutil.now()
        mins = (exp - now).total_seconds() / 60
        text += f" — token expires at {exp:%Y-%m-%d %H:%M:%S} UTC (in {mins:.0f} min"
        if getattr(session.provider, "can_refresh", True):
            text += ", refreshed automatically)"
        else:  # a static token: nothing to refresh it with
            text += "); reconnect with a new token then"
    return text


def connect_snippets(session: Any, method: str, user: str = "") -> dict[str, str]:
    """"Show code" of a login: this library's constructor (secrets read from the environment) and, for the
    Keycloak grants, the token request itself as requests/curl (password and client secret masked)."""
    from ..codegen import token_snippets

    url = session.url
    ctor = {
        "password": f"Session.password({url!r}, {user!r}, os.environ['WALLAROO_PASSWORD'],\n"
                    "                           client_secret=os.environ['WALLAROO_CLIENT_SECRET'])",
        "client_credentials": f"Session.client_credentials({url!r}, "
                              "client_secret=os.environ['WALLAROO_CLIENT_SECRET'])",
        "token": f"Session.token({url!r}, os.environ['WALLAROO_TOKEN'])",
        "sdk": "Session.from_sdk(wl)  # wl = wallaroo.Client()",
    }[method]
    out = {"python": f"import os\n\nfrom wallaroo_widgets import Session\n\nsession = {ctor}\n"
                     "print(session.identity())\n"}
    out.update(token_snippets(session.provider) or {})
    return out


class ConnectPanel(Panel):
    """Build a Session from a URL and one of four auth methods."""

    title = "Connect"
    connect_hint = "press Connect"

    def build(self) -> list[widgets.Widget]:
        self.sdk_client: Any = None  # a wallaroo.Client for the "sdk" method (set from Python)
        self.url = widgets.Text(description="API URL", placeholder="https://myco.api.example.wallaroo.ai",
                                value=os.environ.get("WALLAROO_URL", ""), layout=widgets.Layout(width="32em"))
        self.method = widgets.Dropdown(description="Auth", options=[(t, k) for k, t in METHODS.items()],
                                       value="password", layout=widgets.Layout(width="32em"))
        self.username = widgets.Text(description="User", value=os.environ.get("WALLAROO_USER", ""))
        self.password = widgets.Password(description="Password")
        self.client_secret = widgets.Password(description="Client secret")
        self.token = widgets.Password(description="Token")
        self.sdk_name = widgets.Text(description="SDK client", placeholder="variable name, e.g. wl")
        self.connect_button = self.button("Connect", self.connect, icon="plug", style="primary")
        self.check_button = self.button("Check", lambda: self.run_action(self.on_session_checked), icon="refresh",
                                        tooltip="Re-read who is connected and the current token's expiry")
        self.who = widgets.HTML()
        for w in (self.url, self.method, self.username, self.password, self.client_secret, self.token, self.sdk_name):
            w.style.description_width = "7em"  # "Client secret" in full
        self._fields = widgets.VBox()
        self.method.observe(self._show_fields, "value")
        self._show_fields()
        return [widgets.HTML("<b>Connect to a Wallaroo instance</b>"), self.url, self.method, self._fields,
                widgets.HBox([self.connect_button, self.check_button]), self.who]

    def _show_fields(self, _change: Any = None) -> None:
        by_method = {
            "password": [self.username, self.password, self.client_secret],
            "client_credentials": [self.client_secret],
            "token": [self.token],
            "sdk": [self.sdk_name],
        }
        self._fields.children = by_method[self.method.value]

    def on_session(self) -> None:
        sess = self.session
        if not self.url.value:
            self.url.value = sess.url
        self.who.value = identity_line(sess)

    def on_session_checked(self) -> None:
        self.require_session()
        self.on_session()
        self.message = "Connection checked"

    def connect(self) -> Any:
        """Validate the fields, build the Session, check it, publish it to the console."""
        return self.run_action(self._connect)

    def _connect(self) -> Any:
        from ..session import Session

        method = self.method.value
        user = ""
        if method == "sdk":
            client = self.sdk_client if self.sdk_client is not None else _user_variable(self.sdk_name.value)
            try:
                session = Session.from_sdk(client)
            except ValueError as exc:  # not a wallaroo.Client (no api_endpoint / auth.auth_header())
                raise v.InputError(f"SDK client {self.sdk_name.value or type(client).__name__!r} is not a "
                                   f"connected wallaroo.Client: {exc}") from None
        else:
            url = v.required(self.url.value, "API URL")
            if not url.startswith(("http://", "https://")):
                raise v.InputError(f"API URL {url!r} must start with http:// or https://")
            if method == "password":
                user = v.required(self.username.value, "User")
                password = v.required(self.password.value, "Password")
                secret = v.required(self.client_secret.value, "Client secret")
                session = Session.password(url, user, password, client_secret=secret)
            elif method == "client_credentials":
                session = Session.client_credentials(url, client_secret=v.required(self.client_secret.value,
                                                                                   "Client secret"))
            else:
                session = Session.token(url, v.required(self.token.value, "Token"))
        self.show_snippets(connect_snippets(session, method, user))  # the login, not the check call below
        try:
            line = identity_line(session)  # fetches the token: bad credentials fail here
            if method != "client_credentials":
                session.features.list()  # one real API call proves the token is accepted
        finally:  # secrets leave the widget state once sent, whatever the answer (saved widget state included)
            self.password.value = self.client_secret.value = self.token.value = ""
        self.who.value = line
        self.state.session = session
        self.message = "Connected"
        return session


def _user_variable(name: str) -> Any:
    """A variable of the notebook namespace (for the existing-SDK-client method)."""
    name = v.required(name, "SDK client variable")
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or name not in shell.user_ns:
        raise v.InputError(f"no variable {name!r} in the notebook (create it with wl = wallaroo.Client())")
    return shell.user_ns[name]
