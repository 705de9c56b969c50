"""Input validation run before any request; each check raises :class:`InputError` with a readable message."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from typing import Any

from ..drift.timeutil import as_utc

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DNS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,62}$")


class InputError(ValueError):
    """A user input is missing or malformed (shown inline; no request is made)."""


def required(value: Any, label: str) -> str:
    """A non-empty stripped string."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise InputError(f"{label} is required")
    return text


def email(value: Any, label: str = "Email") -> str:
    """A syntactically valid email address."""
    text = required(value, label)
    if not _EMAIL.match(text):
        raise InputError(f"{label} {text!r} is not a valid email address")
    return text


def dns_name(value: Any, label: str = "Name") -> str:
    """Wallaroo resource names: start with a letter; letters, digits and '-'; under 64 chars; no trailing '-'."""
    text = required(value, label)
    if not _DNS_NAME.match(text) or text.endswith("-"):
        raise InputError(f"{label} {text!r} must start with a letter, use only letters, digits and '-', "
                         "be under 64 characters and not end with '-'")
    return text


def number(value: Any, label: str, *, optional: bool = False, minimum: float | None = None) -> float | None:
    """A finite float (``None`` allowed when optional and the field is blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise InputError(f"{label} is required")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{label} must be a number, got {value!r}") from None
    if out != out or out in (float("inf"), float("-inf")):
        raise InputError(f"{label} must be a finite number")
    if minimum is not None and out < minimum:
        raise InputError(f"{label} must be at least {minimum:g}")
    return out


def integer(value: Any, label: str, *, minimum: int | None = None) -> int:
    """An int (accepts '12' or 12.0)."""
    num = number(value, label)
    assert num is not None
    if num != int(num):
        raise InputError(f"{label} must be a whole number, got {value!r}")
    if minimum is not None and num < minimum:
        raise InputError(f"{label} must be at least {minimum}")
    return int(num)


def numbers(value: Any, label: str, *, length: int | None = None) -> list[float] | None:
    """Comma/space separated floats (blank -> None)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    parts = [p for p in re.split(r"[,\s]+", text.strip("[]")) if p]
    out = [number(p, f"{label} entry") for p in parts]
    if length is not None and len(out) != length:
        raise InputError(f"{label} needs {length} values, got {len(out)}")
    return out  # type: ignore[return-value]


def duration(value: Any, label: str) -> str:
    """A V1 duration string such as ``"24 hours"`` or ``"1 minute"`` (the drift engine's parser decides)."""
    from ..drift import parse_duration

    text = required(value, label)
    try:
        parse_duration(text, label)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return " ".join(text.split())


def file_present(path: Any, label: str = "File") -> str:
    """An existing file path."""
    text = required(path, label)
    if not os.path.isfile(text):
        raise InputError(f"{label} {text!r} does not exist")
    return text


def timestamp(value: Any, label: str, *, optional: bool = False) -> _dt.datetime | None:
    """A UTC datetime from a datetime/date/ISO string (naive values are taken as UTC)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise InputError(f"{label} is required")
    import pandas as pd

    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise InputError(f"{label} {value!r} is not a date/time") from None
    if ts is pd.NaT:
        raise InputError(f"{label} is required")
    return as_utc(ts).to_pydatetime()


ARROW_SUFFIXES = (".arrow", ".feather", ".ipc")


def table_file(name: str, content: bytes, label: str = "Inference file") -> Any:
    """The rows of an uploaded file: a pyarrow Table (Arrow IPC file or stream: ``.arrow/.feather/.ipc``) or
    a DataFrame (JSON: a list of row objects, i.e. pandas records, or a dict of equal-length column lists).
    Anything else is an :class:`InputError` naming the field and the file, never a library message."""
    shown = f"{label} {name!r}"
    if name.lower().endswith(ARROW_SUFFIXES):
        import pyarrow as pa

        for opener in (pa.ipc.open_file, pa.ipc.open_stream):
            try:
                return opener(pa.BufferReader(content)).read_all()
            except (pa.ArrowException, ValueError, OSError):
                continue
        raise InputError(f"{shown} is not an Arrow IPC file or stream (write it with pyarrow.ipc.new_file)")
    try:
        data = json.loads(content)
    except ValueError as exc:  # includes undecodable bytes
        raise InputError(f"{shown} is not valid JSON: {exc}") from None
    import pandas as pd

    if isinstance(data, dict):
        scalars = [k for k, col in data.items() if not isinstance(col, list)]
        if scalars or not data:
            raise InputError(f"{shown}: a column dict needs a list of values per column ({scalars[0]!r} is a "
                             f"single value; write [{{...}}] for one row)" if scalars else f"{shown} has no columns")
        if len({len(col) for col in data.values()}) > 1:
            raise InputError(f"{shown}: every column list must have the same length")
        return pd.DataFrame(data)
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        return pd.DataFrame.from_records(data)
    raise InputError(f"{shown} must hold a list of row objects (pandas records) or a column dict")
