"""A tiny programmable HTTP server on loopback for client unit tests (retry, refresh, error mapping).

It is not the sandbox: each test scripts the exact answers it needs (503 then 200, a 401, an odd body).
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


Reply = tuple[int, Any] | tuple[int, Any, dict[str, str]]


@dataclass
class Loopback:
    """``handler(seen) -> (status, body[, headers])``; body dict/list -> JSON, bytes/str sent as is."""

    handler: Callable[[Seen], Reply]
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                parts = urlsplit(self.path)
                seen = Seen(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
                outer.requests.append(seen)
                reply = outer.handler(seen)
                status, payload = reply[0], reply[1]
                headers = reply[2] if len(reply) > 2 else {}
                if isinstance(payload, dict | list) or payload is None and status != 204:
                    data = json.dumps(payload).encode() if payload is not None else b""
                    headers.setdefault("Content-Type", "application/json")
                else:
                    data = payload.encode() if isinstance(payload, str) else payload
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def make_jwt(claims: dict[str, Any]) -> str:
    """An unsigned-looking JWT (clients decode without verifying)."""

    def b64(obj: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{b64({'alg': 'RS256', 'typ': 'JWT'})}.{b64(claims)}.c2lnbmF0dXJl"


class FakeClock:
    """Settable clock shared by the token endpoint and the provider."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class TokenEndpoint:
    """Keycloak-like token endpoint on loopback: password / refresh_token / client_credentials grants."""

    def __init__(self, clock: FakeClock, *, lifetime: int = 3600, refresh_lifetime: int = 1800,
                 secret: str = "s3cr3t-client", password: str = "pa55word-x") -> None:
        self.clock, self.lifetime, self.refresh_lifetime = clock, lifetime, refresh_lifetime
        self.secret, self.password = secret, password
        self.grants: list[str] = []
        self.n = 0
        self.revoked_refresh = False
        self.outage: list[int] = []  # statuses answered (one per request, before any grant) while non-empty
        self.down: int | None = None  # answer every request with this status (e.g. 503) while set
        self.hits = 0
        self.server = Loopback(self._handle)
        self.url = self.server.url + "/auth/realms/master/protocol/openid-connect/token"

    def _handle(self, seen: Seen) -> Reply:
        self.hits += 1
        if self.outage or self.down:
            status = self.outage.pop(0) if self.outage else self.down
            return status, "<html>Service Unavailable</html>", {"Content-Type": "text/html"}
        form = seen.form()
        expected = "Basic " + base64.b64encode(f"api-client:{self.secret}".encode()).decode()
        if seen.headers.get("Authorization") != expected:
            return 401, {"error": "unauthorized_client", "error_description": "Invalid client secret"}
        grant = form.get("grant_type", "")
        self.grants.append(grant)
        if grant == "password" and (form.get("username") != "me@example.com" or form.get("password") != self.password):
            return 401, {"error": "invalid_grant", "error_description": "Invalid user credentials"}
        if grant == "refresh_token" and (self.revoked_refresh or not form.get("refresh_token", "").startswith("r")):
            return 400, {"error": "invalid_grant", "error_description": "Token is not active"}
        self.n += 1
        now = int(self.clock())
        access = make_jwt({"exp": now + self.lifetime, "iat": now, "sub": "u-1", "email": "me@example.com",
                           "preferred_username": "me@example.com", "n": self.n,
                           "realm_access": {"roles": ["admin", "offline_access"]}})
        body = {"access_token": access, "expires_in": self.lifetime, "token_type": "Bearer"}
        if grant != "client_credentials":
            body |= {"refresh_token": f"r-{self.n}", "refresh_expires_in": self.refresh_lifetime}
        return 200, body

    def close(self) -> None:
        self.server.close()


class FullBacklog:
    """A listening socket whose accept queue is full: connecting to it times out (a real ConnectTimeout)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self._fill: list[socket.socket] = []
        for _ in range(4):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(self.sock.getsockname())
            except BlockingIOError:
                pass
            self._fill.append(c)

    def close(self) -> None:
        for c in self._fill:
            c.close()
        self.sock.close()
