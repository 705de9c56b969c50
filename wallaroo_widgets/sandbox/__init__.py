"""A local Wallaroo-compatible MLOps server (FastAPI + uvicorn + SQLite): ``SandboxServer``, ``create_app``."""

from __future__ import annotations

from typing import Any

__all__ = ["SandboxConfig", "SandboxServer", "create_app"]


def __getattr__(name: str) -> Any:  # lazy: importing the package must not need FastAPI
    if name == "SandboxServer":
        from .server import SandboxServer

        return SandboxServer
    if name == "SandboxConfig":
        from .config import SandboxConfig

        return SandboxConfig
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
