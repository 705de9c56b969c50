"""Reusable pieces for real-SDK tests: the sandbox as a child process, a logged-in wallaroo.Client."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLEARED = ("WALLAROO_URL", "WALLAROO_SDK_AUTH_TYPE", "WALLAROO_SDK_CREDENTIALS", "WALLAROO_USER",
           "WALLAROO_PASSWORD", "WALLAROO_TOKEN", "WALLAROO_TOKEN_URL", "WALLAROO_CLIENT_SECRET",
           "WALLAROO_TASK_ID", "ASSAYS_V2_ENABLED", "JUPYTER_SVC_SERVICE_HOST", "JUPYTERHUB_HOST")
ADMIN_EMAIL, ADMIN_PASSWORD, CLIENT_SECRET = "admin@sandbox.local", "admin", "sandbox-secret"


def sandbox_python() -> str:
    """The interpreter that runs the sandbox (it needs the ``sandbox`` extra, which the SDK venv lacks)."""
    py = os.environ.get("WALLAROO_SANDBOX_PYTHON") or str(REPO / ".venv" / "bin" / "python")
    if not Path(py).exists():
        pytest.fail(f"no sandbox interpreter at {py}: run `make install` (or set WALLAROO_SANDBOX_PYTHON)")
    return py


class SandboxProcess:
    """``wallaroo-widgets sandbox --port 0`` in a child process on a fresh data dir; ``stop()`` ends it."""

    def __init__(self, *extra: str, startup_timeout: float = 90.0) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="sdk-sandbox-"))
        self.log_path = self.data_dir / "sandbox.log"
        self.admin_email, self.admin_password, self.client_secret = ADMIN_EMAIL, ADMIN_PASSWORD, CLIENT_SECRET
        cmd = [sandbox_python(), "-m", "wallaroo_widgets.cli", "sandbox", "--port", "0",
               "--data-dir", str(self.data_dir / "data"), "--admin-email", ADMIN_EMAIL,
               "--admin-password", ADMIN_PASSWORD, "--client-secret", CLIENT_SECRET,
               "--deploy-delay", "0.3", "--assay-tick", "0.2", *extra]
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=REPO)
        self.url = self._wait_url(startup_timeout)

    def _wait_url(self, timeout: float) -> str:
        import httpx

        deadline = time.monotonic() + timeout
        url = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"sandbox exited ({self.proc.returncode}): {self.log()}")
            if url is None:
                for line in self.log().splitlines():
                    if line.startswith("Wallaroo sandbox on "):
                        url = line.split()[3]
            if url is not None:
                try:
                    if httpx.get(f"{url}/v1/api/config", timeout=2).status_code == 200:
                        return url
                except httpx.HTTPError:
                    pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"sandbox did not answer within {timeout:g} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def token_cache(home: Path) -> Path:
    """The SDK's token cache file under ``sdk_home``."""
    return home / "wallaroo_sdk" / "auth" / "keycloak.json"


def sdk_client(url: str, email: str, password: str):
    """A real ``wallaroo.Client`` for ``url`` (user_password; credentials through the environment)."""
    import wallaroo

    os.environ["WALLAROO_USER"], os.environ["WALLAROO_PASSWORD"] = email, password
    try:
        return wallaroo.Client(api_endpoint=url, auth_type="user_password", interactive=False, request_timeout=30)
    finally:
        os.environ.pop("WALLAROO_USER", None)
        os.environ.pop("WALLAROO_PASSWORD", None)


def served_paths(url: str) -> set[str]:
    """The paths the sandbox's OpenAPI document lists (what it serves)."""
    import httpx

    return set(httpx.get(f"{url}/v1/api/openapi.json", timeout=10).json().get("paths", {}))


def require_served(url: str, path: str, issue: str) -> None:
    """Skip as *pending* while the sandbox does not serve ``path`` yet (the test runs once it does)."""
    if path not in served_paths(url):
        pytest.skip(f"pending ({issue}): the sandbox does not serve {path} yet")
