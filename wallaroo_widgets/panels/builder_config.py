"""The assay builder's knobs as traits (:class:`BuilderConfig`): plain traitlets, no widgets; the builder links its
widgets to them (:mod:`.builder_controls`) and :class:`~.builder_model.AssayBuilderModel` scores what they say."""

from __future__ import annotations

from typing import Any

import traitlets

from . import validate as v


class BuilderConfig(traitlets.HasTraits):
    """Everything the builder's knobs set, as traits (the builder links each widget to one of them; plain
    Python sets them directly). Values are kept as given (text included) and validated when scored, so a
    bad entry is an inline error of the next re-score, never an exception while typing."""

    name = traitlets.Unicode("")
    iopath = traitlets.Unicode("")  # "output dense_1 0"
    baseline_kind = traitlets.Unicode("range")  # "range" (a time range of the logs) or "vector"
    baseline_start = traitlets.Any(None, allow_none=True)  # ISO text, datetime or Timestamp
    baseline_end = traitlets.Any(None, allow_none=True)
    window_start = traitlets.Any(None, allow_none=True)  # None = the baseline end (SDK default), else the first log
    width = traitlets.Unicode("24 hours")
    interval = traitlets.Any(None, allow_none=True)  # None = the width
    run_until = traitlets.Any(None, allow_none=True)
    bin_mode = traitlets.Unicode("Quantile")
    num_bins = traitlets.Int(5)
    aggregation = traitlets.Unicode("Density")
    metric = traitlets.Unicode("PSI")
    weights_text = traitlets.Unicode("")  # "num_bins + 2 numbers" (blank: none); parsed as ``bin_weights``
    edges_text = traitlets.Unicode("")  # Provided bin edges; parsed as ``provided_edges``
    vector_text = traitlets.Unicode("")  # a baseline vector; parsed as ``baseline_vector``
    warning_threshold = traitlets.Any(None, allow_none=True)  # a number or its text; None/blank = none
    alert_threshold = traitlets.Any(0.25)
    target = traitlets.Unicode("V1")  # "V1" (assays/create, run_interactive) or "V2" (/v2/api/assays)

    @property
    def bin_weights(self) -> list[float] | None:
        return v.numbers(self.weights_text, "Weights")

    @bin_weights.setter
    def bin_weights(self, values: list[float] | None) -> None:
        self.weights_text = _numbers_text(values)

    @property
    def provided_edges(self) -> list[float] | None:
        return v.numbers(self.edges_text, "Edges")

    @provided_edges.setter
    def provided_edges(self, values: list[float] | None) -> None:
        self.edges_text = _numbers_text(values)

    @property
    def baseline_vector(self) -> list[float] | None:
        return v.numbers(self.vector_text, "Baseline vector")

    @baseline_vector.setter
    def baseline_vector(self, values: list[float] | None) -> None:
        self.vector_text = _numbers_text(values)

    def as_dict(self) -> dict[str, Any]:
        """Every knob's value (a cache key and a readable record of the configuration)."""
        return {name: getattr(self, name) for name in sorted(self.trait_names())}


def _numbers_text(values: list[float] | None) -> str:
    return ", ".join(repr(float(x)) for x in values) if values else ""
