"""Panel base: shared console state, one status/error area, ``run_action`` and the "Show code" view."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import ipywidgets as widgets
import traitlets

from .. import discovery
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


#: Endpoint verbs that only read (``users/query``, ``models/get_by_id`` ...): an action's "main call" is its first
#: call that is not one of these (the write), else its first call.
_READ_VERBS = ("get", "list", "query", "summarize", "run_interactive", "filter")


def is_read_call(rec: Any) -> bool:
    """True for a recorded call that only reads: as its API method declared it (``@api(read=...)``), else a GET
    or a ``list``/``get``/``query``/... endpoint."""
    declared = getattr(rec, "read", None)
    if declared is not None:
        return bool(declared)
    verb = urlsplit(str(getattr(rec, "url", ""))).path.rstrip("/").rsplit("/", 1)[-1]
    return str(getattr(rec, "method", "")).upper() == "GET" or verb.startswith(_READ_VERBS)


def main_call(records: list[Any]) -> Any:
    """The call an action is about: its first write (invite, create, upload, deploy ...), else its first call."""
    return next((r for r in records if not is_read_call(r)), records[0] if records else None)


class Cancelled(Exception):
    """Raised inside a long action when the user pressed Cancel."""


class ConsoleState(traitlets.HasTraits):
    """Selections shared by the panels of one console (each panel observes what it needs)."""

    session = traitlets.Any(None, allow_none=True)
    workspace = traitlets.Any(None, allow_none=True)  # {"id", "name", ...} of the selected workspace
    pipeline = traitlets.Any(None, allow_none=True)  # {"id", "name", "workspace_id", ...} of the selected pipeline
    pipelines = traitlets.List()  # pipelines known to this console (listed by the server, or known here on 2023
    # APIs: :mod:`wallaroo_widgets.discovery`)
    models_changed = traitlets.Int(0)  # bumped after a model upload (the Pipelines tab reloads its steps)
    #: True inside :class:`Console` (a Workspaces tab exists); standalone panels show a workspace menu instead
    in_console = traitlets.Bool(False)

    def remember_pipeline(self, info: dict[str, Any]) -> dict[str, Any]:
        """Add or update a known pipeline (keyed by id) and return the merged record (:func:`discovery.remember`)."""
        return discovery.remember(self, info)


def describe_error(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """A one-line, human-readable message (the server's ``msg`` for API errors); never a traceback."""
    if isinstance(exc, (InputError, discovery.DiscoveryError)):
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
    """Base of every panel: ``busy``/``error``/``message``/``warning`` traitlets rendered in one status area
    (error red, message green, warning amber), buttons
    disabled while an action runs, and a "Show code" toggle for the main call of the last action.

    Every API call goes through :meth:`run_action` (or :meth:`run_when_idle` from observers), so errors land
    in the status line. ``workspace=`` (a name, an id or a workspace dict) selects the workspace of a
    workspace-scoped panel used on its own; it is looked up through the API when the session is known."""

    title = "Panel"
    busy = traitlets.Bool(False)
    error = traitlets.Unicode("")
    message = traitlets.Unicode("")
    warning = traitlets.Unicode("")  # a caveat of the last action that worked (amber), e.g. an engine warning
    #: run long actions (deploy, run_interactive) in a thread so Cancel stays clickable
    background = True
    #: how to connect when used outside a console ("Not connected: <hint> first")
    connect_hint = ""

    def __init__(self, session: Any = None, *, state: ConsoleState | None = None, workspace: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state if state is not None else ConsoleState()
        if session is not None:
            self.state.session = session
        self._buttons: list[widgets.Button] = []
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._lock = threading.RLock()
        self._queued: dict[str, tuple[Callable[[], Any], str | None, bool]] = {}
        self._pending_workspace = workspace
        self._action_snippets: dict[str, str] | None = None
        self._snippets: dict[str, str] | None = None
        self.last_record: Any = None  # the main call of the last action that made one ("Show code")
        self.action_calls: list[Any] = []  # every call of that action, in order
        self.status = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.show_code = widgets.ToggleButton(value=False, description="Show code", icon="code",
                                              tooltip="The equivalent Python, requests and curl for the last action")
        self.code_lang = widgets.ToggleButtons(options=["python", "requests", "curl"], value="python")
        self.code_view = widgets.HTML()
        self.code_box = widgets.VBox([self.code_lang, self.code_view], layout=widgets.Layout(display="none"))
        self.show_code.observe(self._render_code, "value")
        self.code_lang.observe(self._render_code, "value")
        self.observe(self._render_status, ["busy", "error", "message", "warning"])
        self.observe(self._toggle_buttons, "busy")
        self.state.observe(self._session_changed, "session")
        body = self.build()
        self.children = [*body, self.status, widgets.HBox([self.show_code]), self.code_box]
        if self.session is not None:
            self.run_action(self._load_session)

    # -- to override ------------------------------------------------------------------------------------
    def build(self) -> list[widgets.Widget]:
        """The panel's own widgets (above the status area)."""
        return []

    def on_session(self) -> None:
        """Called when the console's session changes (reload tables)."""

    def before_action(self) -> None:
        """Called as a user action starts (not for reloads queued by :meth:`run_when_idle`): clear one-shot
        views such as a temporary password."""

    # -- helpers ----------------------------------------------------------------------------------------
    @property
    def session(self) -> Any:
        return self.state.session

    def button(self, description: str, handler: Callable[[], Any], *, icon: str = "", style: str = "",
               tooltip: str = "") -> widgets.Button:
        """A button whose click runs ``handler`` and which is disabled while the panel is busy."""
        btn = widgets.Button(description=description, icon=icon, button_style=style, tooltip=tooltip or description,
                             layout=widgets.Layout(width="auto", min_width="8em" if description else "3em"))
        btn.on_click(lambda _b: handler())
        self._buttons.append(btn)
        return btn

    def make_cancel_button(self, tooltip: str) -> widgets.Button:
        """A disabled "Cancel" that calls :meth:`cancel`; unlike :meth:`button` it is not disabled while the
        panel is busy (that is when it is needed): the panel decides when to enable it."""
        btn = widgets.Button(description="Cancel", icon="times", disabled=True, tooltip=tooltip,
                             layout=widgets.Layout(width="auto", min_width="8em"))
        btn.on_click(lambda _b: self.cancel())
        return btn

    def require_session(self) -> Any:
        if self.session is None:
            hint = self.connect_hint or f"pass a session, e.g. {type(self).__name__}(Session.from_env()),"
            raise InputError(f"Not connected: {'open the Connect tab' if self.state.in_console else hint} first")
        return self.session

    def require_workspace(self) -> dict[str, Any]:
        """``state.workspace``, or an :class:`InputError` saying where to pick one (tab or menu)."""
        if not self.state.workspace:
            if self._pending_workspace is not None:  # workspace= given: it is looked up once connected
                self.require_session()
            if self.state.in_console:
                raise InputError("Select a workspace in the Workspaces tab first")
            raise InputError("Choose a workspace in the Workspace menu above (or pass workspace=...)")
        return self.state.workspace

    def run_action(self, fn: Callable[[], Any], *, success: str | None = None, background: bool = False) -> Any:
        """Run one user action: validation and API errors land in the status area, buttons are disabled
        meanwhile. ``fn`` raises :class:`InputError` before any request for bad input. With ``background``
        (and ``self.background``) it runs in a thread; :meth:`wait` joins it. "Show code" then shows the
        action's own main call (its first write, else its first call)."""
        with self._lock:
            if self.busy:
                self.error = "Another action is still running"
                return None
            work = self._prepare(fn, success, deferred=False)
        return self._launch(work, background)

    def run_when_idle(self, label: str, fn: Callable[[], Any], *, success: str | None = None,
                      background: bool = False) -> Any:
        """:meth:`run_action`, or — while another action of this panel runs — queued to run right after it
        (never outside the error handling). Use it for reloads triggered by observers (workspace, pipeline or
        session changes). Queued runs with the same ``label`` coalesce: only the last one runs. A deferred
        run keeps the finished action's message, error and "Show code" unless it reports or writes itself."""
        with self._lock:
            if self.busy:
                self._queued.pop(label, None)
                self._queued[label] = (fn, success, background)
                return None
            work = self._prepare(fn, success, deferred=False)
        return self._launch(work, background)

    def _prepare(self, fn: Callable[[], Any], success: str | None, *, deferred: bool) -> Callable[[], Any]:
        """Mark the panel busy (caller holds the lock) and return the action body with its error handling."""
        before = (self.error, self.message, self.warning)
        self.error, self.message, self.warning, self.busy = "", "", "", True
        self._cancel.clear()
        self._action_snippets = None
        mark = self._mark()

        def work() -> Any:
            try:
                if not deferred:
                    self.before_action()
                result = fn()
            except Exception as exc:  # every error is shown inline, never raised into the notebook
                self.error = describe_error(exc, self._secrets())
                return None
            else:
                if success and not self.error:
                    self.message = success
                return result
            finally:
                self._capture_calls(mark, deferred=deferred, failed=bool(self.error))
                if deferred:  # a queued reload keeps what the action it waited for reported
                    self.message = self.message or before[1]
                    self.warning = self.warning or before[2]
                    lines = [e for e in (*before[0].split("\n"), self.error) if e]
                    self.error = "\n".join(dict.fromkeys(lines))  # the same failure once
                self.busy = False
                self._run_queued()

        return work

    def _launch(self, work: Callable[[], Any], background: bool) -> Any:
        if background and self.background:
            self._thread = threading.Thread(target=work, daemon=True, name=f"{type(self).__name__}-action")
            self._thread.start()
            return None
        return work()

    def _run_queued(self) -> None:
        while True:
            with self._lock:
                if self.busy or not self._queued:
                    return
                label = next(iter(self._queued))
                fn, success, background = self._queued.pop(label)
                work = self._prepare(fn, success, deferred=True)
            self._launch(work, background)

    def wait(self, timeout: float | None = 60.0) -> None:
        """Join a background action (tests, scripts), including background runs queued behind it."""
        while self._thread is not None:
            thread = self._thread
            thread.join(timeout)
            if thread is self._thread or thread.is_alive():
                return

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

    def _load_session(self) -> None:
        """Resolve a pending ``workspace=`` then :meth:`on_session` (reloads that queued meanwhile are redundant)."""
        queued = set(self._queued)
        if self._pending_workspace is not None:
            self.state.workspace = discovery.resolve_workspace(self.require_session(), self._pending_workspace)
            self._pending_workspace = None
        self.on_session()
        with self._lock:
            for label in set(self._queued) - queued:
                del self._queued[label]

    # -- show code ------------------------------------------------------------------------------------
    def show_snippets(self, snippets: dict[str, str] | None) -> None:
        """Make "Show code" of the running action show these ``{lang: text}`` snippets (e.g. the Connect
        panel's token grant) instead of its recorded main call; missing languages fall back to that call."""
        self._action_snippets = dict(snippets) if snippets else None

    def _mark(self) -> tuple[Any, Any]:
        hist = getattr(self.session, "history", None)
        return self.session, (hist[-1] if hist else None)

    def _calls_since(self, mark: tuple[Any, Any]) -> list[Any]:
        """Calls recorded since ``mark`` (``Session.history`` keeps 50) that no nested action claimed."""
        sess, last = mark
        hist = list(getattr(self.session, "history", None) or [])
        if self.session is sess and last is not None:
            idx = next((i for i in range(len(hist) - 1, -1, -1) if hist[i] is last), None)
            if idx is not None:
                hist = hist[idx + 1:]
        # else a new session (Connect) or more than 50 calls: everything recorded belongs to this action
        return [r for r in hist if not getattr(r, "_ww_claimed", False)]

    def _capture_calls(self, mark: tuple[Any, Any], *, deferred: bool, failed: bool = False) -> None:
        calls = self._calls_since(mark)
        for rec in calls:  # an outer action (a selection that triggered this reload) skips them
            try:
                rec._ww_claimed = True
            except AttributeError:  # pragma: no cover - a record type without a __dict__
                pass
        snippets, self._action_snippets = self._action_snippets, None
        if snippets is None and not calls:
            return  # no call (e.g. bad input): keep showing the last one
        shown = self.last_record is not None or self._snippets is not None
        if deferred and shown and not failed and snippets is None and all(is_read_call(r) for r in calls):
            return  # a queued reload that worked does not hide the action it waited for
        self._snippets, self.action_calls = snippets, calls
        self.last_record = main_call(calls)
        self._render_code()

    def code_snippet(self, lang: str | None = None) -> str:
        """The last action's main call as python / requests / curl (secrets masked); empty before any call.
        The python variant also lists the action's other calls (reloads) as comments."""
        lang = lang or self.code_lang.value
        if self._snippets and lang in self._snippets:
            text = self._snippets[lang]
        elif self.last_record is not None:
            text = self.last_record.snippets()[lang]
            others = [r for r in self.action_calls if r is not self.last_record]
            if lang == "python" and others:
                text += "# then: " + "; ".join(r.api_call or f"{r.method} {r.url}" for r in others) + "\n"
        else:
            return ""
        return scrub(text, self._secrets())

    # -- rendering ------------------------------------------------------------------------------------
    def _render_status(self, _change: Any = None) -> None:
        if self.error:
            self.status.value = (f'<div class="ww-error" style="color:#b00020;white-space:pre-wrap">'
                                 f'&#9888; {html.escape(self.error)}</div>')
        elif self.busy:
            self.status.value = '<div class="ww-busy" style="color:#555">&#8987; working&#8230;</div>'
        else:
            parts = [f'<div class="ww-message" style="color:#1b5e20;white-space:pre-wrap">{html.escape(self.message)}'
                     '</div>'] if self.message else []
            if self.warning:
                parts.append(f'<div class="ww-warning" style="color:#b26a00;white-space:pre-wrap">&#9888; '
                             f'{html.escape(self.warning)}</div>')
            self.status.value = "".join(parts)

    def _toggle_buttons(self, change: Any) -> None:
        for btn in self._buttons:
            btn.disabled = bool(change["new"]) and not getattr(btn, "_always_enabled", False)

    def _render_code(self, _change: Any = None) -> None:
        self.code_box.layout.display = "flex" if self.show_code.value else "none"
        if not self.show_code.value:
            return
        text = self.code_snippet() or "# no API call yet"
        self.code_view.value = f"<pre style='font-size:12px;white-space:pre-wrap'>{html.escape(text)}</pre>"

    def _session_changed(self, _change: Any) -> None:
        if self.session is not None:
            self.run_when_idle("session", self._load_session)
