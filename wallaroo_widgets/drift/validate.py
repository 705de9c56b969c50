"""Input checks shared by the engine: every bad input is a ``ValueError`` naming the parameter."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def as_values(values: Any, name: str = "values", allow_empty: bool = False, allow_nan: bool = True) -> np.ndarray:
    """A 1-D float64 array (None -> NaN unless not ``allow_nan``); rejects strings, bools, non-numeric and
    multi-dimensional input."""
    if isinstance(values, str | bytes) or values is None:
        raise ValueError(f"{name} must be a 1-D array of numbers, got {type(values).__name__}")
    if isinstance(values, list | tuple) and any(t is bool or t is np.bool_ for t in set(map(type, values))):
        raise ValueError(f"{name} must contain only numbers, not booleans")
    arr = np.asarray(values)
    if arr.dtype == object:
        try:
            arr = np.array([np.nan if v is None else v for v in arr.ravel()], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must contain only numbers") from None
        if any(isinstance(v, str | bytes | bool) for v in np.asarray(values).ravel()):
            raise ValueError(f"{name} must contain only numbers")
    elif arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must contain only numbers (got dtype {arr.dtype})")
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.isinf(arr).any():
        raise ValueError(f"{name} must not contain infinite values" + (" (NaN is allowed)" if allow_nan else ""))
    if not allow_nan and np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN or None")
    return arr


def as_number(value: Any, name: str, optional: bool = False, minimum: float | None = None) -> float | None:
    """A finite real number (bools and strings rejected); ``None`` allowed when ``optional``."""
    if value is None:
        if optional:
            return None
        raise ValueError(f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and float(value) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return float(value)
