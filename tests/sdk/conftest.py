"""Harness for tests with the real Wallaroo SDK (``make test-sdk``, venv ``.venv-sdk``).

The SDK pins its dependencies exactly (``pyjwt==2.4.0`` among them) and cannot share a venv with the
sandbox (``pyjwt>=2.8``), so the sandbox runs as its own process from the main venv, like a real instance:
``WALLAROO_SANDBOX_PYTHON`` names its interpreter (default ``<repo>/.venv/bin/python``).

Fixtures:
- ``sdk_home``: a session-wide private SDK environment: ``XDG_CACHE_HOME`` in a temp dir (the SDK's token
  cache, never the user's), no ``WALLAROO_*`` leftovers, ``ASSAYS_V2_ENABLED`` unset (the SDK default).
- ``sdk_sandbox``: a started demo sandbox process (``SandboxProcess``: ``url``, ``admin_email``, ``admin_password``,
  ``client_secret``).
- ``wl``: a real ``wallaroo.Client`` logged in to ``sdk_sandbox`` as the admin (password grant of the public
  ``sdk-client``; credentials from the environment, so nothing prompts).
- ``session``: our admin ``Session`` (password grant) on the same sandbox, to set up what the SDK then reads.
- ``mlops``: ``wl.mlops()``, the SDK's generated client, for parsing tests of single endpoints.

Modules here start with ``pytest.importorskip("wallaroo")``: in the main venv they are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import CLEARED, SandboxProcess, sdk_client, token_cache


@pytest.fixture(scope="session")
def sdk_home(tmp_path_factory):
    """A private SDK environment for the whole session (token cache in a temp dir, no stray settings)."""
    mp = pytest.MonkeyPatch()
    for key in CLEARED:
        mp.delenv(key, raising=False)
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield Path(os.environ["XDG_CACHE_HOME"])
    mp.undo()


@pytest.fixture(scope="session")
def sdk_sandbox(sdk_home):
    """The demo sandbox (its V1 and V2 assays, a month of logs) in a child process."""
    srv = SandboxProcess("--demo")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def wl(sdk_sandbox, sdk_home):
    """A real ``wallaroo.Client`` logged in to ``sdk_sandbox`` as the admin (fresh token cache)."""
    token_cache(sdk_home).unlink(missing_ok=True)
    return sdk_client(sdk_sandbox.url, sdk_sandbox.admin_email, sdk_sandbox.admin_password)


@pytest.fixture(scope="session")
def session(sdk_sandbox):
    """Our admin ``Session`` on the SDK tests' sandbox."""
    from wallaroo_widgets import Session

    return Session.password(sdk_sandbox.url, sdk_sandbox.admin_email, sdk_sandbox.admin_password,
                            client_secret=sdk_sandbox.client_secret)


@pytest.fixture
def mlops(wl):
    """The SDK's generated client (``wallaroo_ml_ops_api_client``) with ``raise_on_unexpected_status``: a status
    its parser does not expect raises ``UnexpectedStatus`` instead of giving ``None``."""
    import attrs

    return attrs.evolve(wl.mlops(), raise_on_unexpected_status=True)
