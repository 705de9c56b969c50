"""``SandboxServer``: the real uvicorn server on loopback in a background thread (context manager)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .config import DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, DEFAULT_CLIENT_SECRET, SandboxConfig


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``(host, port)`` (``port=0``: any free port; read it with ``getsockname``)."""
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only then (no 40 ms
    # delayed-ACK stalls on keep-alive connections)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class SandboxServer:
    """Run the sandbox on ``http://host:port`` (``port=0`` picks a free port); ``start()`` waits until it answers.

    ``data_dir=None`` uses a temporary directory removed on ``stop()``. ``admin_password`` (default ``"admin"``)
    is the admin's password on every start, also on an existing data dir. ``demo_now`` (datetime or ISO
    string): seed the demo as if the clock said that (see ``SandboxConfig``).
    """

    def __init__(self, data_dir: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 demo: bool = False, access_token_lifetime: int = 3600, refresh_token_lifetime: int = 1800,
                 deploy_delay: float = 0.5, assay_tick: float = 5.0, admin_email: str = DEFAULT_ADMIN_EMAIL,
                 admin_password: str = DEFAULT_ADMIN_PASSWORD, client_secret: str = DEFAULT_CLIENT_SECRET,
                 max_request_bytes: int | None = None, max_json_bytes: int | None = None,
                 startup_timeout: float = 60.0, demo_now: Any = None) -> None:
        self._tmp = None if data_dir is not None else tempfile.mkdtemp(prefix="wallaroo-sandbox-")
        extra: dict[str, Any] = {k: v for k, v in (("max_request_bytes", max_request_bytes),
                                                   ("max_json_bytes", max_json_bytes)) if v is not None}
        self.config = SandboxConfig(data_dir=data_dir or self._tmp, host=host, port=port, admin_email=admin_email,
                                    admin_password=admin_password, client_secret=client_secret,
                                    access_token_lifetime=access_token_lifetime,
                                    refresh_token_lifetime=refresh_token_lifetime, deploy_delay=deploy_delay,
                                    demo=demo, assay_tick=assay_tick, demo_now=demo_now, **extra)
        self.startup_timeout = startup_timeout
        self.app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # --- public attributes -------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("sandbox not started")
        return f"http://{self.config.host}:{self.port}"

    @property
    def data_dir(self) -> Path:
        return Path(self.config.data_dir)

    @property
    def admin_email(self) -> str:
        return self.config.admin_email

    @property
    def admin_password(self) -> str:
        return self.config.admin_password or DEFAULT_ADMIN_PASSWORD

    @property
    def client_secret(self) -> str:
        return self.config.client_secret

    @property
    def store(self) -> Any:
        return self.app.state.store

    def __repr__(self) -> str:
        state = self.url if self.port is not None else "stopped"
        return f"SandboxServer({state}, data_dir={str(self.data_dir)!r})"

    # --- lifecycle -----------------------------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        import uvicorn

        from .app import create_app

        if self._thread is not None:
            return self
        sock = bind_socket(self.config.host, self.config.port)
        self.config.port = sock.getsockname()[1]
        try:
            self.app = create_app(self.config)
        except BaseException:
            sock.close()
            raise
        self.port = self.config.port
        cfg = uvicorn.Config(self.app, log_level="warning", lifespan="on", access_log=False, timeout_keep_alive=30)
        self._server = uvicorn.Server(cfg)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self._server.started:
            if not self._thread.is_alive():
                self._thread = None
                raise RuntimeError("sandbox server failed to start (see the log above)")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"sandbox did not start within {self.startup_timeout:g} s")
            time.sleep(0.02)
        self._wait_answering(deadline)
        return self

    def _wait_answering(self, deadline: float) -> None:
        import requests

        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/v1/api/config", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError("sandbox started but does not answer")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._thread, self._server = None, None
        self.port = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
