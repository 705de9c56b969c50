"""Helpers for panel tests: walk a widget tree and collect every string it would render; the builder tests' logs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

_TEXT_TRAITS = ("value", "description", "placeholder", "tooltip", "caption", "options", "_options_labels",
                "titles", "_dt_args")


def walk(widget: Any) -> Iterator[Any]:
    """Every widget reachable through children (and the panels' tables and figures)."""
    seen: set[int] = set()
    stack = [widget]
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        if isinstance(w, widgets.Box):
            stack.extend(w.children)


def rendered_text(widget: Any) -> str:
    """All string-ish synced state of a widget tree, concatenated (for secret scans)."""
    parts: list[str] = []
    for w in walk(widget):
        for name in _TEXT_TRAITS:
            if w.has_trait(name):
                parts.append(str(getattr(w, name)))
        if hasattr(w, "to_plotly_json"):
            parts.append(str(w.to_plotly_json()))
    return "\n".join(parts)


T0 = pd.Timestamp("2024-03-01T00:00:00Z")


def synthetic_logs(hours: int = 72, per_hour: int = 40, seed: int = 3) -> pd.DataFrame:
    """Hourly inference logs whose output drifts upward after 48 h (seeded)."""
    rng = np.random.default_rng(seed)
    n = hours * per_hour
    minutes = np.sort(rng.uniform(0, hours * 60, n))
    times = T0 + pd.to_timedelta(minutes, unit="min")
    shift = np.where(minutes > 48 * 60, 0.8, 0.0)
    out = (rng.normal(1.0, 0.3, n) + shift).astype(np.float32)
    return pd.DataFrame({
        "time": times,
        "in.tensor": [[float(a), float(b)] for a, b in rng.normal(size=(n, 2))],
        "out.variable": [[float(str(x))] for x in out],  # float32 shortest decimals, as the logs print them
    })


def preview_on_server(builder: Any, session: Any, endpoint: str, local: list[dict]) -> dict:
    """Click the builder's "Preview on server" and wait: no error, the call went to ``endpoint`` and every window
    matches the ``local`` re-score. Returns the previewed body."""
    builder.preview_button.click()
    builder.wait()  # the preview runs in the background
    assert builder.error == "", builder.error
    assert session.last_call.url.endswith(endpoint)
    diff = builder.diff.df
    assert len(diff) == len(local) and diff["match"].all(), diff
    return session.last_call.json


def create_on_server(builder: Any, session: Any, endpoint: str, name: str) -> dict:
    """Name the assay ``name`` and click the builder's Create: no error, the call went to ``endpoint`` with the
    configuration the builder reports as created. Returns the posted body."""
    builder.name.value = name
    builder.create_button.click()
    assert builder.error == "", builder.error
    assert session.last_call.url.endswith(endpoint)
    posted = session.last_call.json
    assert posted == builder.created["config"]
    return posted
