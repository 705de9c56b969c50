"""pytest plugin for the tutorial notebooks (nbval, ``pytest notebooks --nbval-lax``): one demo sandbox for all.

It lives at the repository root, not in ``notebooks/``, so that the folder JupyterLab opens holds only the
notebooks and their README.

nbval items are not pytest Functions, so fixtures (even autouse ones) never run for them. Instead
the sandbox is started lazily by a ``pytest_runtest_setup`` hook that fires before the first notebook's
kernel starts (nbval starts the kernel in the file collector's setup, which runs inside the item's
setup). The ``WALLAROO_*`` connection settings are put in ``os.environ`` first, so every nbval kernel
inherits them and the notebooks connect with ``Session.from_env()``. The sandbox has a fresh data dir
and is stopped at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
ENV_KEYS = ("WALLAROO_URL", "WALLAROO_USER", "WALLAROO_PASSWORD", "WALLAROO_CLIENT_SECRET", "WALLAROO_TOKEN",
            "WALLAROO_TOKEN_URL")
#: a real instance's leftovers that would beat (or misroute) the sandbox's password grant in the kernels
UNSET_KEYS = ("WALLAROO_TOKEN", "WALLAROO_TOKEN_URL")

_state: dict = {}


def _start_sandbox(config: pytest.Config) -> None:
    from wallaroo_widgets.sandbox import SandboxServer

    data_dir = Path(tempfile.mkdtemp(prefix="nb-sandbox-"))
    server = SandboxServer(data_dir, port=0, demo=True)
    server.__enter__()
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    for key in UNSET_KEYS:  # a stray static token would win over the password grant, a token URL misroute it
        os.environ.pop(key, None)
    os.environ.update(
        WALLAROO_URL=server.url,
        WALLAROO_USER=server.admin_email,
        WALLAROO_PASSWORD=server.admin_password,
        WALLAROO_CLIENT_SECRET=server.client_secret,
    )
    _state.update(server=server, data_dir=data_dir)

    def stop() -> None:
        try:
            server.__exit__(None, None, None)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            shutil.rmtree(data_dir, ignore_errors=True)
            _state.clear()

    config.add_cleanup(stop)


def _is_notebook_item(item: pytest.Item) -> bool:
    path = Path(str(getattr(item, "path", getattr(item, "fspath", ""))))
    return path.suffix == ".ipynb" and NOTEBOOKS in path.resolve().parents


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start the demo sandbox once, before the first notebook kernel is launched."""
    if _is_notebook_item(item) and "server" not in _state:
        _start_sandbox(item.config)
