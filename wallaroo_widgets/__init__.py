"""wallaroo-widgets: Jupyter widgets, drift analysis and a local sandbox for the Wallaroo MLOps API."""

from __future__ import annotations

from typing import Any

from . import errors
from ._version import __version__
from .api import ApiList
from .codegen import CallRecord
from .errors import (
    AuthenticationError,
    ConflictError,
    ConnectionFailed,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponse,
    ValidationError,
    WallarooError,
)
from .session import Session

__all__ = [
    "__version__",
    "Session",
    "ApiList",
    "CallRecord",
    "errors",
    "WallarooError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ValidationError",
    "ConflictError",
    "ServerError",
    "ConnectionFailed",
    "UnexpectedResponse",
    "console",
    "report",
]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the prebuilt frontend (``jupyter labextension develop`` and the listing)."""
    return [{"src": "labextension", "dest": "wallaroo-widgets"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """The Jupyter Server extension behind the sidebar (imported only when a Jupyter server loads it)."""
    from .labserver.app import WallarooLabApp

    return [{"module": "wallaroo_widgets", "app": WallarooLabApp}]


def __getattr__(name: str) -> Any:
    """``console`` and ``report`` are imported lazily (they pull in ipywidgets / plotly)."""
    if name == "console":
        from .panels import console

        return console
    if name == "report":  # the drift report lives with the figures: drift itself never imports plotly
        from .plots.report import report

        return report
    raise AttributeError(f"module 'wallaroo_widgets' has no attribute {name!r}")
