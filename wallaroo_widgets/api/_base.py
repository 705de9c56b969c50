"""Shared API-layer pieces: the :func:`api` decorator, the Area base class, ApiList, argument and response helpers.

Every public HTTP method of an area is declared with ``@api(read=...)``; that one line is where its retry rule
(reads are retried on connection errors and 502/503/504, writes never) and its "Show code" come from::

    class Things(Area):
        area = "things"                     # requests go to /v1/api/things/<verb>

        @api(read=True)                     # a pure read: retried; read=False: a write, sent once
        def get(self, thing_name: str, *, limit: int | None = None) -> dict[str, Any]:
            return self._post("get", compact(name=thing_name, limit=limit))

The decorator binds the arguments the caller really passed (``inspect.signature().bind``) and renders them as
the Python snippet (``session.things.get('x', limit=3)``; secrets masked, defaults left out); the requests/curl
snippets come from the HTTP request the session then really sends (:class:`~wallaroo_widgets.codegen.CallRecord`).
``_post``/``_request`` refuse to send outside an ``@api`` method. ``renamed={"old": "new"}`` keeps an old keyword
working with a DeprecationWarning; ``show={"param": fn(value, arguments) -> source}`` renders values that have
no literal (files, DataFrames). Public methods that send nothing themselves (static builders, polling loops over
other ``@api`` methods) are marked ``@helper``; tests/client/test_show_code.py checks every method is one or the
other and replays every ``@api`` method's snippets against the sandbox (add a call for a new method to
tests/client/show_code_cases.py; tests/client/test_retry_declared.py lists the writes).
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import functools
import inspect
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..drift.timeutil import iso_offset
from ..errors import UnexpectedResponse
from ..secrets import MASK, is_secret_key, redact

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..session import Session


F = TypeVar("F", bound=Callable[..., Any])
#: Source renderer for one argument: ``fn(value, bound arguments) -> Python source text``.
Show = Callable[[Any, Mapping[str, Any]], str]


@dataclass(frozen=True)
class ApiSpec:
    """What ``@api`` declared for a method (``method.__api__``)."""

    read: bool
    renamed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiCall:
    """The API method call in progress: its Python source (for "Show code") and its read flag (for retries)."""

    text: str
    read: bool


_CURRENT: contextvars.ContextVar[ApiCall | None] = contextvars.ContextVar("wallaroo_widgets_api_call", default=None)


def api(*, read: bool, renamed: Mapping[str, str] | None = None, show: Mapping[str, Show] | None = None
        ) -> Callable[[F], F]:
    """Declare a public API method: ``read`` (retried) or write (never retried), and its Python snippet.

    ``renamed``: old keyword -> new parameter name (the old one still works, with a DeprecationWarning).
    ``show``: parameter -> renderer for values that have no Python literal (a file, a DataFrame).
    """
    renames, shows = dict(renamed or {}), dict(show or {})

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        missing = [new for new in renames.values() if new not in sig.parameters]
        if missing:
            raise TypeError(f"{fn.__qualname__}: renamed targets {missing} are not parameters")

        slots = [p.name for p in list(sig.parameters.values())[1:] if p.kind in (p.POSITIONAL_ONLY,
                                                                                p.POSITIONAL_OR_KEYWORD)]

        @functools.wraps(fn)
        def wrapper(self: Area, *args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs or new in slots[:len(args)]:
                        raise TypeError(f"{fn.__name__}() got both {old}= (deprecated) and {new}=")
                    warnings.warn(f"{self._attr}.{fn.__name__}({old}=...) is deprecated; use {new}=",
                                  DeprecationWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            bound = sig.bind(self, *args, **kwargs)
            token = _CURRENT.set(ApiCall(call_text(self._attr, fn.__name__, sig, bound.arguments, shows), read))
            try:
                return fn(self, *args, **kwargs)
            finally:
                _CURRENT.reset(token)

        wrapper.__api__ = ApiSpec(read=read, renamed=renames)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def helper(fn: F) -> F:
    """Mark a public area method that sends no request itself (a builder, or a loop over ``@api`` methods)."""
    target = fn.__func__ if isinstance(fn, staticmethod | classmethod) else fn
    target.__api_helper__ = True  # type: ignore[attr-defined]
    return fn


def current_call(area: Area) -> ApiCall:
    """The ``@api`` call in progress; RuntimeError when an area sends outside one (undeclared retry rule)."""
    call = _CURRENT.get()
    if call is None:
        raise RuntimeError(f"{type(area).__name__} sent a request outside an @api method: declare the public "
                           "method with @api(read=True|False)")
    return call


def call_text(attr: str, name: str, sig: inspect.Signature, arguments: Mapping[str, Any],
              shows: Mapping[str, Show] | None = None) -> str:
    """``attr.name(...)`` with the arguments as passed: positional while possible, then keywords; arguments left
    at their default are omitted; secret-named values shown as ``***``."""
    shows = shows or {}
    parts: list[str] = []
    keywords = False  # once a positional parameter is skipped, later ones must be named
    params = list(sig.parameters.values())[1:]  # without self
    for p in params:
        if p.name not in arguments:
            keywords = keywords or p.kind is not p.KEYWORD_ONLY
            continue
        value = arguments[p.name]
        if p.kind is p.VAR_POSITIONAL:
            parts += [_source(p.name, v, arguments, shows) for v in value]
            continue
        if p.kind is p.VAR_KEYWORD:
            parts += [f"{k}={_source(k, v, arguments, shows)}" for k, v in value.items()]
            continue
        if p.default is not p.empty and _same(value, p.default):
            keywords = keywords or p.kind is not p.KEYWORD_ONLY
            continue
        src = _source(p.name, value, arguments, shows)
        keywords = keywords or (is_secret_key(p.name) and p.kind is not p.POSITIONAL_ONLY)  # password='***'
        positional = p.kind is p.POSITIONAL_ONLY or (p.kind is p.POSITIONAL_OR_KEYWORD and not keywords)
        parts.append(src if positional else f"{p.name}={src}")
    return f"{attr}.{name}({', '.join(parts)})"


def _same(value: Any, default: Any) -> bool:
    try:
        return value is default or (type(value) is type(default) and bool(value == default))
    except (TypeError, ValueError):
        return False


def _source(name: str, value: Any, arguments: Mapping[str, Any], shows: Mapping[str, Show]) -> str:
    if name in shows:
        return shows[name](value, arguments)
    if is_secret_key(name) and value is not None:
        return repr(MASK)  # a string literal, so the snippet still compiles
    return repr(redact(plain(value)))


def plain(value: Any) -> Any:
    """``value`` with dates as RFC 3339 text, numpy scalars as Python numbers and paths as text (so its
    ``repr`` is a literal the method accepts)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(plain(v) for v in value)
    if isinstance(value, _dt.date):
        return iso(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return value


class ApiList(list):
    """A ``list`` of plain dicts with ``.df`` (pandas DataFrame) and ``.raw`` (the body as received)."""

    def __init__(self, items: Iterable[Any], raw: Any = None, frame: Callable[[list], pd.DataFrame] | None = None):
        super().__init__(items)
        self.raw = raw
        self._frame = frame

    @property
    def df(self) -> pd.DataFrame:
        """DataFrame view (times as UTC timestamps, nested fields flattened)."""
        from . import frames

        return (self._frame or frames.records_frame)(list(self))

    def __repr__(self) -> str:
        return f"ApiList({list.__repr__(self)})"


class ApiDict(dict):
    """One object as a plain ``dict`` with ``.df`` (a one-row DataFrame, empty for ``{}``) and ``.raw``."""

    def __init__(self, data: Any = (), raw: Any = None, frame: Callable[[list], pd.DataFrame] | None = None):
        super().__init__(data)
        self.raw = raw
        self._frame = frame

    @property
    def df(self) -> pd.DataFrame:
        """DataFrame view of this object (as the matching list call's ``.df``)."""
        from . import frames

        return (self._frame or frames.records_frame)([dict(self)] if self else [])


class Area:
    """Base of one API area: holds the session and sends ``/v1/api/{area}/{verb}`` from :func:`api` methods.

    ``session_attr`` is the Session attribute that holds the area (``session.<session_attr>.<method>(...)`` in the
    Python snippet); it defaults to ``area``.
    """

    area = ""
    session_attr = ""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _attr(self) -> str:
        return self.session_attr or self.area

    def _post(self, verb: str, body: dict[str, Any] | None = None) -> Any:
        """POST a JSON body to ``/v1/api/{area}/{verb}`` (or to ``verb`` when it starts with ``/``)."""
        call = current_call(self)
        path = verb if verb.startswith("/") else f"/v1/api/{self.area}/{verb}"
        return self.session.post(path, body, read=call.read, api_call=call.text)

    def _request(self, method: str, path: str, **kw: Any) -> Any:
        """``Session.request`` (multipart, raw bytes, inference) with the method's read flag and Python call."""
        call = current_call(self)
        return self.session.request(method, path, read=call.read, api_call=call.text, **kw)


def endpoint_of(session: Session) -> str | None:
    rec = session.last_call
    return rec.url if rec else None


def status_of(session: Session) -> int | None:
    """HTTP status of the session's last call (for UnexpectedResponse)."""
    rec = session.last_call
    return rec.status if rec else None


def expect(body: Any, key: str, kind: type | tuple[type, ...], session: Session) -> Any:
    """``body[key]`` checked to be ``kind``; UnexpectedResponse (never KeyError/TypeError) otherwise."""
    if not isinstance(body, dict) or key not in body:
        raise UnexpectedResponse(f"response has no {key!r} key: {_short(body)}", status=status_of(session),
                                 endpoint=endpoint_of(session))
    value = body[key]
    if not isinstance(value, kind):
        raise UnexpectedResponse(
            f"response {key!r} is {type(value).__name__}, expected {_kind_name(kind)}", status=status_of(session),
            endpoint=endpoint_of(session),
        )
    return value


def expect_type(body: Any, kind: type | tuple[type, ...], session: Session, what: str = "response") -> Any:
    """``body`` checked to be ``kind``."""
    if not isinstance(body, kind):
        raise UnexpectedResponse(
            f"{what} is {type(body).__name__}, expected {_kind_name(kind)}: {_short(body)}",
            status=status_of(session), endpoint=endpoint_of(session),
        )
    return body


def upload_id(body: Any, session: Session) -> int:
    """The id in ``{"insert_models": {"returning": [{"models": [{"id": N}]}]}}``."""
    try:
        value = body["insert_models"]["returning"][0]["models"][0]["id"]
    except (KeyError, IndexError, TypeError):
        raise UnexpectedResponse(f"upload response without insert_models.returning[0].models[0].id: {_short(body)}",
                                 status=status_of(session), endpoint=endpoint_of(session)) from None
    return value


#: RFC 3339 text for a datetime / pandas Timestamp / date / string (naive datetimes are taken as UTC)
iso = iso_offset


def compact(**fields: Any) -> dict[str, Any]:
    """A request body without the keys whose value is None."""
    return {k: v for k, v in fields.items() if v is not None}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__


def _short(body: Any) -> str:
    text = repr(body)
    return text if len(text) <= 200 else text[:200] + "..."
