"""Strict JSON encoding of request bodies (numpy/datetime fallback, NaN/Infinity refused with their key path) and
fast decoding of response bodies."""

from __future__ import annotations

import datetime as _dt
import gc
import json
import math
from collections.abc import Mapping
from typing import Any

from ..drift.timeutil import aware


def json_default(obj: Any) -> Any:
    """JSON encoder fallback: numpy scalars/arrays, datetimes (RFC 3339, naive = UTC), pandas Timestamps."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, _dt.datetime):
        return aware(obj).isoformat()
    if isinstance(obj, _dt.date):
        return obj.isoformat()
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def dumps(body: Any) -> bytes:
    """Strict JSON (``json_default`` for numpy/datetimes); a NaN/Infinity is a ValueError naming its key path."""
    try:
        return json.dumps(body, default=json_default, allow_nan=False).encode()
    except ValueError:
        where = nonfinite_path(body)
        if where is None:
            raise
        raise ValueError(f"the request body has a non-finite number (NaN or Infinity) at {where}; JSON cannot "
                         "carry it: use None or a finite value") from None


def nonfinite_path(obj: Any, path: str = "body") -> str | None:
    """Key path (``body['a'][3]``) of the first NaN/Infinity in JSON-like data, None if there is none."""
    if hasattr(obj, "tolist") and not isinstance(obj, float):
        obj = obj.tolist()
    if isinstance(obj, float):
        return None if math.isfinite(obj) else path
    if isinstance(obj, Mapping):
        items: Any = ((f"{path}[{k!r}]", v) for k, v in obj.items())
    elif isinstance(obj, list | tuple):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(obj))
    else:
        return None
    for sub, value in items:
        found = nonfinite_path(value, sub)
        if found:
            return found
    return None


def loads_response(resp: Any) -> Any:
    """A ``requests.Response``'s JSON, through orjson when installed (large log reads); anything orjson refuses
    (NaN literals, integers beyond 64 bits) goes to the standard parser."""
    try:
        import orjson
    except ImportError:
        return resp.json()
    enabled = gc.isenabled()
    gc.disable()  # a large log read makes ~10^5 objects: no cyclic GC passes over them while parsing
    try:
        return orjson.loads(resp.content)
    except orjson.JSONDecodeError:
        return resp.json()
    finally:
        if enabled:
            gc.enable()
