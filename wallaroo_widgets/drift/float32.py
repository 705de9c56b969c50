"""float32 outputs printed as shortest decimals: detect them and widen them exactly (assay-math §1).

Inference logs print a float32 model output as its shortest decimal (``0.99300325``, ``404676.13``);
Wallaroo computes on the float64 widening of the float32 itself, so re-parsed logs must be widened the
same way or edges and scores drift in the last digits.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _sig_digits(text: str) -> int:
    mant = text.lower().lstrip("+-").split("e")[0].replace(".", "")
    return len(mant.strip("0")) or 1


def is_float32_shortest(values: Any) -> bool:
    """True when there is a finite value and no finite value has more significant digits than the
    shortest decimal of its float32. Digits, not string equality: a float32 has several shortest
    decimals (Wallaroo prints ``404676.13`` where numpy prints ``404676.12``, the same float32)."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    finite = arr[np.isfinite(arr)]
    if not finite.size:
        return False
    if np.abs(finite).max() > np.finfo(np.float32).max:
        return False
    as32 = finite.astype(np.float32)
    if not np.all(np.isfinite(as32)):
        return False
    # vectorised first: a value equal to the float64 of numpy's shortest float32 decimal passes (same digits)
    same = shortest_as_float64(as32) == finite
    rest = np.flatnonzero(~same)
    return all(_sig_digits(repr(float(finite[i]))) <= _sig_digits(str(as32[i])) for i in rest)


def shortest_as_float64(values: np.ndarray) -> np.ndarray:
    """float64 of the shortest decimal of each float32 (what JSON shows): orjson when installed (fast, no
    strings kept), else numpy's shortest-repr strings."""
    values = np.ascontiguousarray(values, dtype=np.float32).ravel()
    try:
        import orjson
    except ImportError:
        return values.astype(str).astype(np.float64)
    return np.asarray(orjson.loads(orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)), dtype=np.float64)


def widen_float32(values: np.ndarray) -> np.ndarray:
    """The exact float64 widening of float32 shortest decimals; other values are returned unchanged."""
    if is_float32_shortest(values):
        return np.asarray(values, dtype=np.float64).astype(np.float32).astype(np.float64)
    return values
