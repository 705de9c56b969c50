"""``pipelines/get_logs`` pages over ``LogStore.read``: order, page size, time range and an opaque cursor.

A page is a JSON array of records as the Wallaroo API answers (``application/json; format=pandas-records``):
``{"time": epoch ms, "in": {...}, "out": {...}, "check_failures": [...], "metadata": {...}}``. Headers
``x-iteration-status`` (``All`` = nothing more; ``RecordLimited`` = more, ask again with the cursor) and
``x-iteration-cursor`` (only when more). The cursor names the last row sent: ``<time ms>.<n>``, its time and how
many rows with that time were sent, so rows logged meanwhile at other times neither shift nor repeat a page.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .errors import ApiError
from .logs import table_records
from .logstore import LogStore

SECTIONS = ("in", "out", "metadata", "anomaly")


#: ``<time ms>.<rows at that time already sent>``: the last row sent, in either order
CURSOR_PATTERN = r"^-?[0-9]{1,18}\.[0-9]{1,9}$"
_CURSOR = re.compile(CURSOR_PATTERN)


def encode_cursor(time_ms: int, skip: int) -> str:
    return f"{int(time_ms)}.{int(skip)}"


def decode_cursor(cursor: str) -> tuple[int, int]:
    """(time ms, rows at that time already sent); 400 for anything else."""
    if not _CURSOR.match(cursor):
        raise ApiError(400, "field 'cursor': not a cursor from a previous get_logs answer")
    t, _, k = cursor.partition(".")
    return int(t), int(k)


def nest(record: dict[str, Any]) -> dict[str, Any]:
    """A flattened log record (``in.tensor``) -> the API's nested form (``{"in": {"tensor": ...}}``)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        head, dot, rest = key.partition(".")
        if dot and head in SECTIONS:
            out.setdefault(head, {})[rest] = value
        else:
            out[key] = value
    for s in ("in", "out", "metadata"):
        out.setdefault(s, {})
    out.setdefault("check_failures", [])
    return out


def page(store: LogStore, conn: Any, pipeline_id: int, *, order: str, page_size: int, cursor: str | None,
         start_ms: int | None, end_ms: int | None) -> tuple[list[dict], str | None]:
    """One page of records (start_ms <= time < end_ms) and the next cursor (None when this is the last)."""
    t, k = decode_cursor(cursor) if cursor else (None, 0)
    if order == "asc":
        lo = start_ms if t is None else max(t, start_ms if start_ms is not None else t)
        table = store.read(pipeline_id, None, lo, end_ms, conn=conn)
        times = table.column("time").to_numpy()
        skip = 0 if t is None else min(k, int(np.searchsorted(times, t, "right")))
        stop = min(len(times), skip + page_size)
        rows = table.slice(skip, stop - skip)
        nxt = None
        if stop < len(times):
            last = int(times[stop - 1])
            nxt = encode_cursor(last, stop - int(np.searchsorted(times, last, "left")))
    else:
        hi = end_ms if t is None else min(t + 1, end_ms if end_ms is not None else t + 1)
        table = store.read(pipeline_id, None, start_ms, hi, conn=conn)
        times = table.column("time").to_numpy()
        n = len(times)
        tail = 0 if t is None else min(k, n - int(np.searchsorted(times, t, "left")))
        end = n - tail
        begin = max(0, end - page_size)
        rows = table.take(np.arange(end - 1, begin - 1, -1)) if end > begin else table.slice(0, 0)
        nxt = None
        if begin > 0:
            first = int(times[begin])
            nxt = encode_cursor(first, int(np.searchsorted(times, first, "right")) - begin)
    return [nest(r) for r in table_records(rows)], nxt
