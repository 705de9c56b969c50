"""Run a tutorial's code cells in-process from ``tutorials/src`` (one namespace per notebook, as a kernel has)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TUTORIALS = ROOT / "tutorials"
SOURCES = TUTORIALS / "src"


def load_builder():
    """The ``tutorials/build.py`` module."""
    spec = importlib.util.spec_from_file_location("tutorials_build", TUTORIALS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code_cells(name: str) -> list[str]:
    """The code cells' sources of tutorial ``name`` (e.g. ``"08_drift_exploration"``)."""
    builder = load_builder()
    return [c.source for c in builder.parse((SOURCES / f"{name}.py").read_text()) if c.cell_type == "code"]


def run_notebook(name: str) -> dict:
    """Execute the code cells in order -> the namespace; AssertionError naming the failing cell."""
    namespace: dict = {"__name__": "__main__"}
    for i, source in enumerate(code_cells(name)):
        try:
            exec(compile(source, f"<{name} cell {i}>", "exec"), namespace)  # noqa: S102 - our own notebooks
        except Exception as exc:
            raise AssertionError(f"{name}: code cell {i} failed: {type(exc).__name__}: {exc}") from exc
    return namespace
