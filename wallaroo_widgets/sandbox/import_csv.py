"""CSV chunks of ``import-logs`` as Arrow columns when every cell is in the common shape.

A CSV chunk (strings, as ``pandas.read_csv(dtype=str)`` gives them) becomes a table without per-row Python
objects when ``time`` holds integers (epoch ms), every ``in.*``/``out.*`` column holds JSON lists of numbers
(``[0.12573]``, ``[1, 2]``) or plain numbers, ``check_failures`` is ``[]`` and ``metadata.*`` cells are
plain text; the values are then exactly what the per-record rules (``import_logs._csv_cell``) give: integers
stay int64 when a column has no other number, the rest parse as float64 (correctly rounded, as ``float()``).
Anything else returns None and the chunk takes the per-record rules.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

_INT = r"-?(?:0|[1-9][0-9]*)"
_NUM = _INT + r"(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_LIST = rf"^\[{_NUM}(?:, ?{_NUM})*\]$"
_TEXT = r"^[^\s\[0-9+\-.]"  # what _csv_cell keeps as a string (JSON-looking cells it decodes)


def _all(arr: pa.Array, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(arr, pattern)).as_py())


def _numbers(arr: pa.Array) -> pa.Array:
    """Number texts -> int64 when all are integers, else float64 (ArrowInvalid beyond int64)."""
    return arr.cast(pa.int64()) if _all(arr, rf"^{_INT}$") else arr.cast(pa.float64())


def _tensor(arr: pa.Array) -> pa.Array | None:
    if _all(arr, _LIST):
        parts = pc.split_pattern(pc.utf8_slice_codeunits(arr, 1, -1), ",")
        flat = pc.utf8_ltrim_whitespace(parts.flatten())
        return pa.ListArray.from_arrays(parts.offsets, _numbers(flat))
    if _all(arr, rf"^{_NUM}$"):
        return _numbers(arr)
    return None


def csv_table(frame: Any) -> pa.Table | None:
    """A chunk of string cells (a DataFrame) as Arrow columns for ``import_stream.fast_table``, or None."""
    cols: dict[str, pa.Array] = {}
    try:
        for name in frame.columns:
            arr = pa.array(frame[name].to_numpy(dtype=object), pa.string())
            if len(arr) == 0:
                return None
            if name == "time":
                if not _all(arr, rf"^{_INT}$"):
                    return None
                cols[name] = arr.cast(pa.int64())
            elif name.startswith(("in.", "out.")) and len(name.split(".", 1)[1]) > 0:
                col = _tensor(arr)
                if col is None:
                    return None
                cols[name] = col
            elif name == "check_failures":
                if not _all(arr, r"^\[\]$"):
                    return None  # fast_table adds the empty lists
            elif name.startswith(("metadata.", "anomaly.")) and len(name.split(".", 1)[1]) > 0:
                if not _all(arr, _TEXT) or pc.any(pc.is_in(arr, pa.array(["true", "false", "null", "NaN"]))).as_py():
                    return None
                cols[name] = arr
            else:
                return None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pa.table(cols) if cols else None
