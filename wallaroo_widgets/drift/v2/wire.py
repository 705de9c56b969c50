"""JSON wire helpers of the V2 typed objects: field errors, times, floats, externally tagged unions.

Rules (docs/assays-v2-math.md "Wire conventions"): scores, thresholds and statistics are JSON floats; server
timestamps are UTC with ``Z`` and as many fraction digits as needed (``2025-03-19T16:43:00Z``,
``2025-03-19T16:44:02.16068Z``); times a client sent (``first_run``, ``end``, ``Static`` ranges) are echoed
with the offset they came with; a naive time counts as UTC; the +∞ edge is the string ``"INFINITY"``.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..timeutil import iso_offset, iso_trimmed

INFINITY = "INFINITY"


class WireError(ValueError):
    """A V2 JSON value that does not fit its schema; ``field`` is the dotted path of the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def obj(data: Any, field: str) -> Mapping[str, Any]:
    """``data`` as a JSON object (WireError otherwise)."""
    if not isinstance(data, Mapping):
        raise WireError(field, f"expected an object, got {type(data).__name__}")
    return data


def req(data: Mapping[str, Any], key: str, field: str) -> Any:
    """A required key (present and not null)."""
    if data.get(key) is None:
        raise WireError(f"{field}.{key}" if field else key, "is required")
    return data[key]


def tagged(data: Any, field: str, variants: tuple[str, ...]) -> tuple[str, Any]:
    """(variant, payload) of a serde externally tagged union: a one-key object, or a bare unit-variant string."""
    if isinstance(data, str) and data in variants:
        return data, None
    if isinstance(data, Mapping) and len(data) == 1:
        (key, value), = data.items()
        if key in variants:
            return key, value
    raise WireError(field, f"expected one of {', '.join(variants)} (as {{\"<variant>\": …}}), got {data!r}")


def number(value: Any, field: str, optional: bool = False) -> float | None:
    """A finite JSON number as float (None when ``optional``)."""
    if value is None:
        if optional:
            return None
        raise WireError(field, "is required")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise WireError(field, f"expected a finite number, got {value!r}")
    return float(value)


def integer(value: Any, field: str, optional: bool = False, minimum: int | None = None) -> int | None:
    """A JSON integer (a float with an integral value is accepted)."""
    if value is None:
        if optional:
            return None
        raise WireError(field, "is required")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or float(value) != int(value):
        raise WireError(field, f"expected an integer, got {value!r}")
    out = int(value)
    if minimum is not None and out < minimum:
        raise WireError(field, f"must be >= {minimum}, got {out}")
    return out


def text(value: Any, field: str, optional: bool = False) -> str | None:
    if value is None:
        if optional:
            return None
        raise WireError(field, "is required")
    if not isinstance(value, str):
        raise WireError(field, f"expected a string, got {value!r}")
    return value


def choice(value: Any, field: str, options: tuple[str, ...]) -> str:
    """An enum value, exactly as spelled on the wire."""
    if value not in options:
        raise WireError(field, f"expected one of {', '.join(options)}, got {value!r}")
    return value


def edge(value: Any, field: str) -> float:
    """A bin edge: a number, or ``"INFINITY"`` (also ``inf`` / ``+inf``) as +∞."""
    if isinstance(value, str) and value.strip().upper().lstrip("+") in {INFINITY, "INF"}:
        return math.inf
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
        raise WireError(field, f"expected a number or \"INFINITY\", got {value!r}")
    return float(value)


def edge_out(value: float) -> float | str:
    return INFINITY if value == math.inf else float(value)


def time(value: Any, field: str, optional: bool = False) -> _dt.datetime | None:
    """An aware datetime from an ISO string (``Z``, offsets, any fraction digits) or a datetime; naive = UTC."""
    if value is None:
        if optional:
            return None
        raise WireError(field, "is required")
    if isinstance(value, _dt.datetime):
        out = value
    elif isinstance(value, str):
        try:
            out = _dt.datetime.fromisoformat(value)
        except ValueError:
            try:
                out = pd.Timestamp(value).to_pydatetime()
            except (ValueError, TypeError):
                raise WireError(field, f"expected an ISO 8601 date/time, got {value!r}") from None
    else:
        raise WireError(field, f"expected an ISO 8601 date/time string, got {value!r}")
    return out if out.tzinfo is not None else out.replace(tzinfo=_dt.timezone.utc)


#: UTC ``Z``, fraction without trailing zeros: how Wallaroo prints its own timestamps
server_time = iso_trimmed
#: a client-given time as sent (Python ``isoformat``: keeps the offset)
echo_time = iso_offset


def floats(values: Any, field: str, allow_null: bool = False) -> tuple[float, ...]:
    """A JSON list of finite numbers (``null`` → NaN when ``allow_null``)."""
    if isinstance(values, str | bytes | Mapping) or not hasattr(values, "__iter__"):
        raise WireError(field, f"expected a list of numbers, got {values!r}")
    out = []
    for i, v in enumerate(values):
        if v is None and allow_null:
            out.append(math.nan)
        else:
            out.append(number(v, f"{field}[{i}]"))
    return tuple(out)  # type: ignore[arg-type]


def opt_float(value: float | None) -> float | None:
    return None if value is None else float(value)
