"""Panel base: shared console state, one status/error area, ``run_action`` and the "Show code" view."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as widgets
import traitlets

from ..errors import WallarooError
from ..secrets import scrub
from .validate import InputError

#: Friendly prefixes for the typed API errors.
_KIND = {
    "AuthenticationError": "Not authenticated",
    "PermissionDeniedError": "Permission denied",
    "NotFoundError": "Not found",
    "ValidationError": "Rejected by the server",
    "ConflictError": "Conflict",
    "ServerError": "Server error",
    "ConnectionFailed": "Connection failed",
    "UnexpectedResponse": "Unexpected response",
    "DeploymentFailed": "Deployment failed",
    "DeploymentTimeout": "Deployment timed out",
}


class Cancelled(Exception):
    """Raised inside a long action when the user pressed Cancel."""


class ConsoleState(traitlets.HasTraits):
    """Selections shared by the panels of one console (each panel observes what it needs)."""

    session = traitlets.Any(None, allow_none=True)
    workspace = traitlets.Any(None, allow_none=True)  # {"id", "name", ...} of the selected workspace
    pipeline = traitlets.Any(None, allow_none=True)  # {"id", "name", "workspace_id", ...} of the selected pipeline
    pipelines = traitlets.List()  # pipelines known to this console (the API has no pipeline listing)

    def remember_pipeline(self, info: dict[str, Any]) -> dict[str, Any]:
        """Add or update a known pipeline (keyed by id) and return the merged record."""
        rows = [dict(p) for p in self.pipelines]
        for row in rows:
            if row.get("id") == info.get("id"):
                row.update({k: v for k, v in info.items() if v is not None})
                self.pipelines = rows
                return row
        rows.append(dict(info))
        self.pipelines = rows
        return rows[-1]


def describe_error(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """A one-line, human-readable message (the server's ``msg`` for API errors); never a traceback."""
    if isinstance(exc, InputError):
        text = str(exc)
    elif isinstance(exc, WallarooError):
        kind = _KIND.get(type(exc).__name__, "Error")
        status = f" (HTTP {exc.status})" if exc.status else ""
        text = f"{kind}{status}: {exc.msg}"
    elif isinstance(exc, Cancelled):
        text = "Cancelled"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return scrub(text, list(secrets))


class Panel(widgets.VBox):
    """Base of every panel: ``busy``/``error``/``message`` traitlets rendered in one status area, buttons
    disabled while an action runs, and a "Show code" toggle for the last HTTP call."""

    title = "Panel"
    busy = traitlets.Bool(False)
    error = traitlets.Unicode("")
    message = traitlets.Unicode("")
    #: run long actions (deploy, run_interactive) in a thread so Cancel stays clickable
    background = True

    def __init__(self, session: Any = None, *, state: ConsoleState | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state if state is not None else ConsoleState()
        if session is not None:
            self.state.session = session
        self._buttons: list[widgets.Button] = []
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self.last_record: Any = None
        self.status = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.show_code = widgets.ToggleButton(value=False, description="Show code", icon="code",
                                              tooltip="The equivalent Python, requests and curl for the last call")
        self.code_lang = widgets.ToggleButtons(options=["python", "requests", "curl"], value="python")
        self.code_view = widgets.HTML()
        self.code_box = widgets.VBox([self.code_lang, self.code_view], layout=widgets.Layout(display="none"))
        self.show_code.observe(self._render_code, "value")
        self.code_lang.observe(self._render_code, "value")
        self.observe(self._render_status, ["busy", "error", "message"])
        self.observe(self._toggle_buttons, "busy")
        self.state.observe(self._session_changed, "session")
        body = self.build()
        self.children = [*body, self.status, widgets.HBox([self.show_code]), self.code_box]
        if self.session is not None:
            self.run_action(self.on_session)

    # -- to override ------------------------------------------------------------------------------------
    def build(self) -> list[widgets.Widget]:
        """The panel's own widgets (above the status area)."""
        return []

    def on_session(self) -> None:
        """Called when the console's session changes (reload tables)."""

    # -- helpers ----------------------------------------------------------------------------------------
    @property
    def session(self) -> Any:
        return self.state.session

    def button(self, description: str, handler: Callable[[], Any], *, icon: str = "", style: str = "",
               tooltip: str = "") -> widgets.Button:
        """A button whose click runs ``handler`` and which is disabled while the panel is busy."""
        btn = widgets.Button(description=description, icon=icon, button_style=style, tooltip=tooltip or description)
        btn.on_click(lambda _b: handler())
        self._buttons.append(btn)
        return btn

    def require_session(self) -> Any:
        if self.session is None:
            raise InputError("Not connected: open the Connect tab (or pass a Session) first")
        return self.session

    def run_action(self, fn: Callable[[], Any], *, success: str | None = None, background: bool = False) -> Any:
        """Run one user action: validation and API errors land in the status area, buttons are disabled
        meanwhile. ``fn`` raises :class:`InputError` before any request for bad input. With ``background``
        (and ``self.background``) it runs in a thread; :meth:`wait` joins it."""
        if self.busy:
            self.error = "Another action is still running"
            return None
        self.error, self.message, self.busy = "", "", True
        self._cancel.clear()

        def work() -> Any:
            try:
                result = fn()
            except Exception as exc:  # every error is shown inline, never raised into the notebook
                self.error = describe_error(exc, self._secrets())
                return None
            else:
                if success and not self.error:
                    self.message = success
                return result
            finally:
                self._capture_call()
                self.busy = False

        if background and self.background:
            self._thread = threading.Thread(target=work, daemon=True, name=f"{type(self).__name__}-action")
            self._thread.start()
            return None
        return work()

    def wait(self, timeout: float | None = 60.0) -> None:
        """Join a background action (tests, scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def cancel(self) -> None:
        """Ask the running action to stop at its next progress check."""
        self._cancel.set()

    def check_cancel(self) -> None:
        """Raise :class:`Cancelled` when Cancel was pressed (call from progress callbacks)."""
        if self._cancel.is_set():
            raise Cancelled()

    def _secrets(self) -> list[str]:
        prov = getattr(self.session, "provider", None)
        try:
            return list(prov.secret_values()) if prov is not None else []
        except Exception:
            return []

    def _capture_call(self) -> None:
        rec = getattr(self.session, "last_call", None)
        if rec is not None and rec is not self.last_record:
            self.last_record = rec
            self._render_code()

    # -- rendering ------------------------------------------------------------------------------------
    def _render_status(self, _change: Any = None) -> None:
        if self.error:
            self.status.value = (f'<div class="ww-error" style="color:#b00020;white-space:pre-wrap">'
                                 f'&#9888; {html.escape(self.error)}</div>')
        elif self.busy:
            self.status.value = '<div class="ww-busy" style="color:#555">&#8987; working&#8230;</div>'
        elif self.message:
            self.status.value = (f'<div class="ww-message" style="color:#1b5e20;white-space:pre-wrap">'
                                 f'{html.escape(self.message)}</div>')
        else:
            self.status.value = ""

    def _toggle_buttons(self, change: Any) -> None:
        for btn in self._buttons:
            btn.disabled = bool(change["new"]) and not getattr(btn, "_always_enabled", False)

    def code_snippet(self, lang: str | None = None) -> str:
        """The last call as python / requests / curl (token masked); empty before the first call."""
        if self.last_record is None:
            return ""
        text = self.last_record.snippets()[lang or self.code_lang.value]
        return scrub(text, self._secrets())

    def _render_code(self, _change: Any = None) -> None:
        self.code_box.layout.display = "flex" if self.show_code.value else "none"
        if not self.show_code.value:
            return
        text = self.code_snippet() or "# no API call yet"
        self.code_view.value = f"<pre style='font-size:12px;white-space:pre-wrap'>{html.escape(text)}</pre>"

    def _session_changed(self, _change: Any) -> None:
        if self.session is None:
            return
        if self.busy:  # changed by this panel's own action: errors land in that action
            self.on_session()
        else:
            self.run_action(self.on_session)
