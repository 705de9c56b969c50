""""Save report" for any panel: :func:`wallaroo_widgets.plots.report` written to one HTML file, the panel's
message saying where. Used by the Assays tab, the overview and the assay builder (its locally scored results with
``config=self.model.report_config()``)."""

from __future__ import annotations

import pathlib
from typing import Any

from ..plots.report import report
from . import validate as v


def save_report(panel: Any, path: Any, results: Any = None, **kwargs: Any) -> pathlib.Path:
    """Build the report (``plots.report(results, **kwargs)``), write it to ``path`` (``.html`` added when
    missing) and tell the user; ``panel.last_report`` is the written path."""
    text = v.required(path, "Report file")
    if not text.lower().endswith((".html", ".htm")):
        text += ".html"
    try:
        rep = report(results, **kwargs)
    except ValueError as exc:
        raise v.InputError(str(exc)) from None
    try:
        out = rep.save(text)
    except OSError as exc:
        raise v.InputError(f"Could not write {text}: {exc.strerror or exc}") from None
    panel.last_report = out
    panel.message = f"Saved report to {out} ({len(rep.html) // 1024} KiB, {rep.figures} charts; opens offline)"
    return out
