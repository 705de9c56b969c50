"""Shared API-layer pieces: ApiList, the Area base class, argument and response-shape helpers."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..errors import UnexpectedResponse

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..session import Session


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
    """Base of one API area: holds the session and posts ``/v1/api/{area}/{verb}``."""

    area = ""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _post(self, verb: str, body: dict[str, Any] | None = None, *, read: bool, call: str | None = None) -> Any:
        path = verb if verb.startswith("/") else f"/v1/api/{self.area}/{verb}"
        return self.session.post(path, body, read=read, api_call=call)

    def _call(self, name: str, /, *args: Any, **kwargs: Any) -> str:
        """Python text of this library's call, for "show code" (secret keyword values masked)."""
        from ..secrets import MASK, is_secret_key, redact

        parts = [repr(redact(a)) if isinstance(a, dict) else repr(a) for a in args]
        parts += [f"{k}={MASK if is_secret_key(k) and v is not None else repr(v)}" for k, v in kwargs.items()
                  if v is not None]
        return f"{self.area}.{name}({', '.join(parts)})"


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


def iso(value: Any) -> str | None:
    """RFC 3339 text for a datetime / pandas Timestamp / string (naive datetimes are taken as UTC)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.timezone.utc).isoformat()
    raise TypeError(f"expected a datetime or RFC 3339 string, got {type(value).__name__}")


def compact(**fields: Any) -> dict[str, Any]:
    """A request body without the keys whose value is None."""
    return {k: v for k, v in fields.items() if v is not None}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__


def _short(body: Any) -> str:
    text = repr(body)
    return text if len(text) <= 200 else text[:200] + "..."
