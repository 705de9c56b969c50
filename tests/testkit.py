"""Helpers every test folder shares (tests/ is on ``sys.path``: pytest puts the folder of tests/conftest.py there).

``uniq`` names things so tests never collide on a shared sandbox; ``pipeline_with``, ``deploy_pipeline`` and
``deploy_model`` build the one deployed pipeline the client, panel and sandbox tests use; ``sandbox_server`` starts a sandbox of a
test's own (``distinct_secrets`` for its credentials when a test searches answers for them) and ``admin_session``
logs in to it; ``SdkLikeClient`` stands in for a ``wallaroo.Client``.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def uniq(prefix: str) -> str:
    """``prefix`` plus 8 random hex digits."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def pipeline_with(s: Any, wid: int, model_id: int, prefix: str = "pipe") -> tuple[str, dict]:
    """A new pipeline (named ``uniq(prefix)``) whose one step is the model's latest version -> (name, created)."""
    model = s.models.get_by_id(model_id)
    ver = s.models.list_versions(model["name"], model_id)[-1]
    name = uniq(prefix)
    created = s.pipelines.create(name, wid, [s.pipelines.model_step(
        {"name": model["name"], "version": ver["model_version"], "sha": ver["sha"]})])
    return name, created


def deploy_pipeline(s: Any, wid: int, model_id: int, prefix: str = "pipe") -> tuple[str, dict, dict, str]:
    """``pipeline_with`` deployed (not waited for) -> (pipeline name, created, the deploy answer, deployment name)."""
    name, created = pipeline_with(s, wid, model_id, prefix)
    dep = s.pipelines.deploy(name, created["pipeline_variant_pk_id"], created["pipeline_pk_id"], model_ids=[model_id])
    return name, created, dep, s.pipelines.deployment_name(name, dep["id"])


def deploy_model(s: Any, wid: int, model: Path, *, model_prefix: str = "ccfraud", pipeline_prefix: str = "pipe",
                 on_progress: Callable[[dict, float], None] | None = None) -> dict[str, Any]:
    """Upload the ONNX file ``model`` to workspace ``wid``, deploy a pipeline of it and wait until Running.

    Returns ``wid``, ``name`` (the pipeline), ``created``, ``dep``, ``model`` (its record) and ``status``."""
    mid = s.models.upload_stream(uniq(model_prefix), wid, model)["id"]
    name, created, dep, deployment = deploy_pipeline(s, wid, mid, pipeline_prefix)
    status = s.pipelines.wait_until_running(deployment, timeout=60, poll_interval=0.1, on_progress=on_progress)
    return {"wid": wid, "name": name, "created": created, "dep": dep, "model": s.models.get_by_id(mid),
            "status": status}


def point_env_at(monkeypatch: Any, srv: Any) -> None:
    """Point the ``WALLAROO_*`` environment (what ``Session.from_env`` and the tutorials read) at ``srv``'s admin."""
    for key in ("WALLAROO_TOKEN", "WALLAROO_TOKEN_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("WALLAROO_URL", srv.url)
    monkeypatch.setenv("WALLAROO_USER", srv.admin_email)
    monkeypatch.setenv("WALLAROO_PASSWORD", srv.admin_password)
    monkeypatch.setenv("WALLAROO_CLIENT_SECRET", srv.client_secret)


@contextmanager
def sandbox_server(data_dir: Path, **kwargs: Any) -> Iterator[Any]:
    """A started ``SandboxServer`` on ``data_dir`` and a free port (``kwargs`` go to it); skips without fastapi."""
    pytest.importorskip("fastapi")
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(data_dir, **{"port": 0, **kwargs}) as srv:
        yield srv


def distinct_secrets() -> dict[str, str]:
    """A random admin password and client secret for ``sandbox_server``, so a test can search every answer for
    them (the default password "admin" is part of the admin's email address)."""
    return {"admin_password": "pw-" + secrets.token_hex(8), "client_secret": "cs-" + secrets.token_hex(8)}


def admin_session(srv: Any) -> Any:
    """An admin ``Session`` (password grant) against the sandbox ``srv``."""
    from wallaroo_widgets import Session

    return Session.password(srv.url, srv.admin_email, srv.admin_password, client_secret=srv.client_secret)


class SdkLikeClient:
    """A stand-in for a ``wallaroo.Client``: the two things ``Session.from_sdk`` uses of one, ``api_endpoint`` and
    ``auth.auth_header()``. ``token(n)`` gives the bearer token of the n-th header asked for; ``calls`` counts them."""

    def __init__(self, url: str, token: Callable[[int], str]) -> None:
        self.api_endpoint = url
        self.auth = self
        self.calls = 0
        self._token = token

    def auth_header(self) -> dict[str, str]:
        self.calls += 1
        return {"Authorization": f"Bearer {self._token(self.calls)}"}
