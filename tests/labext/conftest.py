"""Fixtures for the JupyterLab extension: pytest-jupyter's server fixtures (scoped to this directory: they are
autouse and would start a ServerApp around every other test), a demo sandbox and a header-recording upstream."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_jupyter.jupyter_server import *  # noqa: F403 - jp_fetch, jp_serverapp, ... for this directory only
from testkit import distinct_secrets, sandbox_server

WALLAROO_ENV = ("WALLAROO_URL", "WALLAROO_TOKEN", "WALLAROO_USER", "WALLAROO_PASSWORD", "WALLAROO_CLIENT_SECRET",
                "WALLAROO_TOKEN_URL")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo sandbox (housepricesaga with the deployed housepricepipe and its assay; ccfraud-demo) per module."""
    # distinct secrets, so a test can search every answer for them
    with sandbox_server(tmp_path_factory.mktemp("labext-demo"), demo=True, deploy_delay=0.2,
                        **distinct_secrets()) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _no_outer_wallaroo_env(monkeypatch):
    """The server extension reads WALLAROO_*: the test runner's own values must not leak in."""
    for name in WALLAROO_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def wallaroo_config(demo):
    """``c.WallarooLabApp`` for the demo sandbox (tests may replace it)."""
    return {"api_url": demo.url, "user": demo.admin_email, "password": demo.admin_password,
            "client_secret": demo.client_secret, "cache_ttl": 30.0}


@pytest.fixture
def jp_server_config(wallaroo_config):
    return {"ServerApp": {"jpserver_extensions": {"wallaroo_widgets": True},
                          "allow_unauthenticated_access": False},
            "WallarooLabApp": wallaroo_config}


#: the recorder's answers, as a 2023-era instance: one workspace with pipelines 3 and 9 (ids only), a paused
#: assay naming pipeline 3; no list_pipelines, no /v2, no deployment (all 404)
RECORDER_ANSWERS = {
    "/v1/api/workspaces/list": {"workspaces": [{"id": 7, "name": "old-ws", "archived": False, "models": [],
                                                "pipelines": [9, 3]}]},
    "/v1/api/models/list": {"models": []},
    "/v1/api/assays/list": [{"id": 11, "name": "old assay", "active": False, "pipeline_id": 3,
                             "pipeline_name": "oldpipe", "status": "created", "last_run": None}],
    "/v1/api/assays/get_assay_results": [],
}


class Recorder:
    """A fake Wallaroo answering POSTs from ``answers`` (default ``RECORDER_ANSWERS``; 404 ``{"msg","code"}``
    otherwise) with a ``Set-Cookie``; keeps each request's path and headers (``requests``) and JSON body
    (``bodies``)."""

    def __init__(self, answers: dict | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.bodies: list[tuple[str, object]] = []
        answers = RECORDER_ANSWERS if answers is None else answers
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                rec.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                rec.bodies.append((self.path, json.loads(raw) if raw else None))
                found = self.path in answers
                answer = answers[self.path] if found else {"msg": "no such endpoint", "code": 404}
                body = json.dumps(answer).encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Set-Cookie", "upstream-session=from-wallaroo; Path=/")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    rec = Recorder()
    yield rec
    rec.close()
