"""The V1 ``UnivariateContinuous`` summarizer: validated settings with the server's echo shape."""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from typing import Any

import numpy as np

from .validate import as_number

BIN_MODES = ("Quantile", "Equal", "Provided")
AGGREGATIONS = ("Density", "Cumulative", "Edges")
METRICS = ("PSI", "MaxDiff", "SumDiff")
RECOMMENDED_BINS = (5, 14)
MAX_BINS = 1000


class DriftWarning(UserWarning):
    """A drift set-up that works but deserves attention (bin count, tied edges, tiny baseline)."""


def _choice(value: Any, options: tuple[str, ...], name: str) -> str:
    if isinstance(value, str):
        for opt in options:
            if opt.lower() == value.strip().lower():
                return opt
    raise ValueError(f"{name} must be one of {', '.join(options)}; got {value!r}")


def _floats(values: Any, name: str) -> tuple[float, ...] | None:
    if values is None:
        return None
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a list of numbers, got {values!r}")
    return tuple(as_number(v, f"{name}[{i}]") for i, v in enumerate(values))  # type: ignore[misc]


@dataclasses.dataclass(frozen=True)
class Summarizer:
    """Validated summarizer settings. ``to_dict()`` is what the server echoes (no ``bin_width`` and
    ``add_outlier_edges``)."""

    bin_mode: str = "Quantile"
    num_bins: int = 5
    aggregation: str = "Density"
    metric: str = "PSI"
    bin_weights: tuple[float, ...] | None = None
    provided_edges: tuple[float, ...] | None = None
    add_outlier_edges: bool = True
    type: str = "UnivariateContinuous"

    def __post_init__(self) -> None:
        if self.type != "UnivariateContinuous":
            raise ValueError(f"type must be 'UnivariateContinuous', got {self.type!r}")
        set_ = object.__setattr__
        set_(self, "bin_mode", _choice(self.bin_mode, BIN_MODES, "bin_mode"))
        set_(self, "aggregation", _choice(self.aggregation, AGGREGATIONS, "aggregation"))
        set_(self, "metric", _choice(self.metric, METRICS, "metric"))
        n = self.num_bins
        if (isinstance(n, bool) or not isinstance(n, numbers.Integral | float)
                or (isinstance(n, float) and not np.isfinite(n)) or n != int(n)):
            raise ValueError(f"num_bins must be a whole number, got {n!r}")
        n = int(n)
        if not 1 <= n <= MAX_BINS:
            raise ValueError(f"num_bins must be between 1 and {MAX_BINS}, got {n}")
        set_(self, "num_bins", n)
        if not RECOMMENDED_BINS[0] <= n <= RECOMMENDED_BINS[1]:
            warnings.warn(f"num_bins={n} is outside the recommended range 5-14", DriftWarning, stacklevel=3)
        weights = _floats(self.bin_weights, "bin_weights")
        if weights is not None:
            if len(weights) != n + 2:
                raise ValueError(f"bin_weights needs num_bins + 2 = {n + 2} values (outlier bins included), "
                                 f"got {len(weights)}")
            if min(weights) < 0 or sum(weights) <= 0:
                raise ValueError("bin_weights must be >= 0 with a positive sum")
            if self.aggregation == "Edges":  # Edges has n + 1 edge positions, not K bins (assay-math §5: OPEN)
                raise ValueError("bin_weights cannot be used with aggregation 'Edges' (it scores edge positions, "
                                 "not bins)")
        set_(self, "bin_weights", weights)
        edges = _floats(self.provided_edges, "provided_edges")
        if self.bin_mode == "Provided":
            if edges is None or len(edges) not in (n, n + 1):
                got = "none" if edges is None else len(edges)
                raise ValueError(f"provided_edges needs num_bins ({n}) or num_bins + 1 ({n + 1}) values for "
                                 f"bin_mode 'Provided', got {got}")
            edges = tuple(sorted(edges))
        set_(self, "provided_edges", edges)
        if self.add_outlier_edges is None:
            set_(self, "add_outlier_edges", True)
        elif not isinstance(self.add_outlier_edges, bool):
            raise ValueError(f"add_outlier_edges must be true or false, got {self.add_outlier_edges!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any] | Summarizer | None) -> Summarizer:
        """Build from the API dict (unknown keys such as ``bin_width`` ignored)."""
        if isinstance(data, Summarizer):
            return data
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError(f"summarizer must be a dict, got {type(data).__name__}")
        keys = ("type", "bin_mode", "num_bins", "aggregation", "metric", "bin_weights", "provided_edges",
                "add_outlier_edges")
        kwargs = {k: data[k] for k in keys if data.get(k) is not None}
        return cls(**kwargs)

    def replace(self, **changes: Any) -> Summarizer:
        """A copy with some settings changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The echo shape of API responses."""
        return {"type": self.type, "bin_mode": self.bin_mode, "aggregation": self.aggregation,
                "metric": self.metric, "num_bins": self.num_bins,
                "bin_weights": list(self.bin_weights) if self.bin_weights is not None else None,
                "provided_edges": list(self.provided_edges) if self.provided_edges is not None else None}

    def weights(self) -> np.ndarray | None:
        """Normalised bin weights (sum 1) or None."""
        if self.bin_weights is None:
            return None
        w = np.asarray(self.bin_weights, dtype=np.float64)
        return w / w.sum()
