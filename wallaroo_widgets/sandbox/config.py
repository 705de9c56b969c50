"""Sandbox settings (CLI flags and ``SandboxServer`` arguments)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ..drift import timeutil
from ..netutil import is_loopback

DEFAULT_ADMIN_EMAIL = "admin@wallaroo.local"
DEFAULT_ADMIN_PASSWORD = "admin"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_DATA_DIR = "~/.wallaroo-widgets/sandbox"
DEFAULT_MAX_REQUEST_BYTES = 256 * 1024 * 1024   # model uploads and inference bodies
DEFAULT_MAX_JSON_BYTES = 32 * 1024 * 1024        # every other body (JSON calls, the token form)
#: environment variable read when no ``demo_now`` is given (reproduce a run "at another hour" without code)
DEMO_NOW_ENV = "WALLAROO_SANDBOX_DEMO_NOW"


def parse_demo_now(value: str | dt.datetime | None) -> dt.datetime | None:
    """An aware UTC datetime from an RFC 3339 / ISO 8601 string (naive = UTC); ``None``/``""`` stay ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"demo now must be an ISO 8601 time such as 2026-11-30T23:50:00Z, got {value!r}") \
                from None
    return timeutil.aware(value).astimezone(timeutil.UTC)



@dataclass
class SandboxConfig:
    """Everything the app factory needs. ``deploy_delay``: seconds a deployment stays ``Starting``.

    ``demo_now``: the clock the demo month is anchored to (it ends at the last full hour before it); default
    the ``WALLAROO_SANDBOX_DEMO_NOW`` environment variable, else the time of seeding. Tests use it to seed
    the demo as if at any hour or date.

    ``admin_password=None`` (not given): a new admin gets ``DEFAULT_ADMIN_PASSWORD``, an existing admin keeps
    the stored password. A given password is the admin's password from this start on (stored if it differs).
    """

    data_dir: str | Path = DEFAULT_DATA_DIR
    host: str = "127.0.0.1"
    port: int = 8080
    admin_email: str = DEFAULT_ADMIN_EMAIL
    admin_password: str | None = None
    client_secret: str = DEFAULT_CLIENT_SECRET
    access_token_lifetime: int = 3600
    refresh_token_lifetime: int = 1800
    deploy_delay: float = 2.0
    demo: bool = False
    assay_tick: float = 5.0
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES
    demo_now: dt.datetime | str | None = None

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser()
        self.demo_now = parse_demo_now(self.demo_now if self.demo_now is not None else os.environ.get(DEMO_NOW_ENV))
        self.validate()

    def validate(self) -> None:
        """Raise ValueError for unusable settings (including default credentials on a non-loopback host)."""
        if self.access_token_lifetime < 1 or self.refresh_token_lifetime < 1:
            raise ValueError("token lifetimes must be at least 1 second")
        if self.deploy_delay < 0:
            raise ValueError("deploy_delay must be >= 0")
        if not self.admin_email or "@" not in self.admin_email:
            raise ValueError(f"admin email must be an email address, got {self.admin_email!r}")
        if self.admin_password == "" or not self.client_secret:
            raise ValueError("admin password and client secret must not be empty")
        if self.max_request_bytes < 1024 or self.max_json_bytes < 1024:
            raise ValueError("max_request_bytes and max_json_bytes must be at least 1024")
        if self.public and (self.admin_password == DEFAULT_ADMIN_PASSWORD
                            or self.client_secret == DEFAULT_CLIENT_SECRET):
            raise ValueError(f"refusing to bind non-loopback host {self.host!r} with the default admin password "
                             "or client secret: pass --admin-password and --client-secret")
        if self.public and self.demo:
            raise ValueError(f"refusing --demo on non-loopback host {self.host!r}: the demo users' passwords are "
                             "published (use --host 127.0.0.1)")

    @property
    def public(self) -> bool:
        """Bound to a non-loopback address (the default-credential checks apply)."""
        return not is_loopback(self.host)

    def __repr__(self) -> str:  # never show the password or secret
        return (f"SandboxConfig(data_dir={str(self.data_dir)!r}, host={self.host!r}, port={self.port}, "
                f"admin_email={self.admin_email!r}, demo={self.demo})")
