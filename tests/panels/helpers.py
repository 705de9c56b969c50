"""Helpers for panel tests: walk a widget tree and collect every string it would render."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets

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
