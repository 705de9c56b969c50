"""ipywidgets 8 panels over the Wallaroo API, the assay builder and the tabbed :func:`console`."""

from __future__ import annotations

from typing import Any

from .base import Cancelled, ConsoleState, Panel, describe_error
from .connect import ConnectPanel
from .console import Console, console
from .enablement import EnablementPanel
from .models import ModelsPanel
from .pipelines import PipelinesPanel
from .table import DataTable
from .users import UsersPanel
from .validate import InputError
from .workspaces import WorkspacesPanel

__all__ = [
    "Panel", "ConsoleState", "Cancelled", "describe_error", "InputError", "DataTable", "ConnectPanel",
    "UsersPanel", "WorkspacesPanel", "ModelsPanel", "PipelinesPanel", "EnablementPanel", "AssaysPanel",
    "AssayBuilder", "AssayBuilderModel", "DriftOverview", "Console", "console",
]


def __getattr__(name: str) -> Any:
    """The assay panels import the drift engine and plots lazily."""
    if name == "AssaysPanel":
        from .assays import AssaysPanel

        return AssaysPanel
    if name == "DriftOverview":
        from .overview import DriftOverview

        return DriftOverview
    if name in {"AssayBuilder", "AssayBuilderModel"}:
        from . import builder, builder_model

        return getattr(builder, name, None) or getattr(builder_model, name)
    raise AttributeError(f"module 'wallaroo_widgets.panels' has no attribute {name!r}")
