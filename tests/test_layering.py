"""The layering contract, checked on every import statement of the package (``make lint`` runs this file).

Each module belongs to the component whose name is the longest prefix of its dotted name (below
``wallaroo_widgets``); a component may import only the components listed for it, plus the *leaf* modules.

* Leaf modules (``LEAVES``) import nothing of the package; every component may use them.
* ``drift`` (the pure engine, V1 and ``drift.v2``) imports nothing of the package, not even a leaf; inside it,
  V1 modules do not import ``drift.v2`` (only the modules above both engines do: ``drift/__init__`` re-exports
  it, ``drift.overview`` scores every field with either).
* ``plots`` imports only ``drift``.
* ``api`` imports only ``session``, ``errors``, ``secrets`` and ``drift`` (its answers are drift's typed wire
  objects; drift is pure).
* ``discovery`` (pipeline and workspace lookups, free of widgets) imports only ``session``, ``api``, ``errors``.
* ``panels`` imports anything but ``sandbox`` and ``labserver``.
* ``sandbox`` imports only ``drift``.
* ``labserver`` (the Jupyter server extension) uses the client (``session``, ``api``) but not ``sandbox``,
  ``panels`` or ``plots``.

Every import counts: top level, inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "wallaroo_widgets"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE

ABOVE_BOTH_ENGINES = {"drift", "drift.overview"}  # drift modules that may use V1 and V2 alike
LEAVES = {"_version", "netutil", "secrets", "retry"}
CLIENT_CORE = {"errors", "auth", "codegen"}  # the client's support modules (errors, token refresh, Show code)
CONTRACT: dict[str, set[str]] = {
    "drift.v2": {"drift"},
    "drift": {"drift.v2"},  # only drift/__init__ re-exports V2 (checked below)
    "plots": {"drift"},
    "api": {"session", "errors", "secrets", "drift"},
    "session": {"api", *CLIENT_CORE},
    "errors": set(),
    "auth": {"errors", "sdk_token"},
    "sdk_token": {"auth"},  # explains a 401 through Session.from_sdk (the SDK's token cache)
    "codegen": set(),
    "discovery": {"session", "api", "errors"},  # pipeline/workspace lookups, widget-free (panels call it)
    "panels": {"drift", "plots", "api", "session", "discovery", *CLIENT_CORE},
    "sandbox": {"drift"},
    "labserver": {"session", "api", "drift", *CLIENT_CORE},
    "cli": {"sandbox"},  # the ``wallaroo-widgets`` command starts the sandbox
    # wallaroo_widgets/__init__.py (console and report imported lazily)
    "": {"api", "session", "labserver", "panels", "plots", *CLIENT_CORE},
}


def component(module: str) -> str:
    """The contract's component of a dotted module name relative to the package ('' for the package)."""
    names = sorted((*CONTRACT, *LEAVES), key=len, reverse=True)
    for name in names:
        if name and (module == name or module.startswith(name + ".")):
            return name
    if module == "":
        return ""
    raise AssertionError(f"{PACKAGE}.{module}: in no component of the layering contract; add it to CONTRACT")


def imports(source: str, module: str, is_package: bool) -> list[tuple[str, int]]:
    """Every package module ``source`` imports (relative to the package), with its line."""
    found = []
    here = module.split(".") if module else []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
                # ``from . import x``: x may be a module; count it as one (its component decides)
                names = [f"{target}.{a.name}" if target else a.name for a in node.names] if not node.module \
                    else [target]
                found += [(n, node.lineno) for n in names]
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                found.append((name[len(PACKAGE) + 1:], node.lineno))
    return found


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """The contract's broken rules in one module's source."""
    own = component(module)
    allowed = {own, *CONTRACT.get(own, set())}
    if own not in LEAVES:
        allowed |= LEAVES if own not in ("drift", "drift.v2") else set()
    out = []
    for target, line in imports(source, module, is_package):
        if target == "" and own != "":
            out.append(f"{module}:{line} imports the package root")
            continue
        other = component(target) if target else ""
        if other == "drift.v2" and own == "drift" and module not in ABOVE_BOTH_ENGINES:
            out.append(f"{module}:{line} -> {target} (V1 drift modules do not import drift.v2)")
        elif other not in allowed:
            out.append(f"{module}:{line} -> {target} ({own or 'package'} may not import {other})")
    return out


def package_modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def test_the_package_keeps_the_layering_contract() -> None:
    broken = [v for module, path in package_modules()
              for v in violations(module, path.read_text(encoding="utf-8"), path.name == "__init__.py")]
    assert not broken, "layering contract broken:\n" + "\n".join(broken)


def test_leaves_import_nothing_of_the_package() -> None:
    for leaf in LEAVES:
        path = ROOT / f"{leaf}.py"
        assert path.exists(), f"leaf {leaf} is listed but missing"
        assert imports(path.read_text(encoding="utf-8"), leaf, False) == [], f"{leaf} is not a leaf"


def test_every_module_is_in_a_component() -> None:
    modules = package_modules()
    assert len(modules) > 50
    for module, _ in modules:
        component(module)  # raises for a module outside the contract


@pytest.mark.parametrize(("module", "source", "is_package"), [
    ("drift.summary", "from ..netutil import is_loopback\n", False),        # drift: not even a leaf
    ("drift.scorer", "from .v2 import engine\n", False),                    # V1 drift does not import V2
    ("plots.bins", "def f():\n    from ..api import assays\n", False),    # lazy imports count
    ("api.assays", "from ..panels import base\n", False),
    ("api", "from . import x\nfrom ..sandbox import db\n", True),
    ("sandbox.db", "import wallaroo_widgets.session\n", False),
    ("labserver.tree", "from ..sandbox.app import create_app\n", False),
    ("panels.base", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..sandbox import db\n", False),
    ("netutil", "from .errors import WallarooError\n", False),               # a leaf imports nothing
])
def test_the_checker_catches_a_broken_rule(module: str, source: str, is_package: bool) -> None:
    assert violations(module, source, is_package), f"{module}: {source!r} was not caught"


@pytest.mark.parametrize(("module", "source", "is_package"), [
    ("drift.v2.engine", "from ..metrics import score_arrays\n", False),
    ("drift", "from . import v2\n", True),
    ("sandbox.server", "from ..netutil import is_loopback\nfrom ..drift import v2\n", False),
    ("panels.assays", "from ..api import assays\nfrom ..plots import bins\n", False),
    ("labserver.backend", "from ..session import Session\n", False),
])
def test_the_checker_lets_allowed_imports_pass(module: str, source: str, is_package: bool) -> None:
    assert violations(module, source, is_package) == []
