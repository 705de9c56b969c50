"""Thin tornado handlers over :class:`~.backend.Backend`; every verb is authenticated and authorized by Jupyter
(``auth_resource = "wallaroo"``). No browser header or cookie is passed on: the backend's ``Session`` sends its
own ``Authorization``, ``Content-Type`` and ``User-Agent`` only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from .backend import Backend, NotConfigured, ProxyDenied, UpstreamError

AUTH_RESOURCE = "wallaroo"


class _Base(ExtensionHandlerMixin, APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def backend(self) -> Backend:
        return self.settings["wallaroo_backend"]

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking backend call on the extension's worker threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.settings["wallaroo_executor"], fn, *args)

    def reply(self, status: int, body: Any) -> None:
        self.set_status(status)
        self.finish(json.dumps(body))

    def flag(self, name: str) -> bool:
        return self.get_query_argument(name, "0").lower() in ("1", "true", "yes")


class StatusHandler(_Base):
    """``GET /wallaroo-widgets/status[?refresh=1]`` -> connection status (never 5xx)."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(200, await self.run(self.backend.status, self.flag("refresh")))


class TreeHandler(_Base):
    """``GET /wallaroo-widgets/tree[?refresh=1]`` -> the sidebar tree; 503 when not configured, upstream errors
    as their status (401/403/5xx upstream -> 502) with ``{"message"}``."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        try:
            self.reply(200, await self.run(self.backend.tree, self.flag("refresh")))
        except NotConfigured as exc:
            self.reply(503, {"message": str(exc)})
        except UpstreamError as exc:
            self.reply(exc.status, {"message": exc.message})


class ProxyHandler(_Base):
    """``POST /wallaroo-widgets/api/<v1|v2>/api/<path>`` -> the upstream JSON for allowlisted read paths; 403 for
    anything else (before any upstream call); other verbs are tornado's 405."""

    @tornado.web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        try:
            target = self.backend.check_path(path)
        except ProxyDenied as exc:
            self.reply(403, {"message": str(exc)})
            return
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            self.reply(400, {"message": "the request body is not JSON"})
            return
        try:
            self.reply(200, await self.run(self.backend.proxy, target, body))
        except NotConfigured as exc:
            self.reply(503, {"message": str(exc)})
        except UpstreamError as exc:
            self.reply(exc.status, {"message": exc.message})


def route_handlers(namespace: str) -> list[tuple[str, type]]:
    """Routes relative to the server's base URL (ExtensionApp prefixes it)."""
    return [
        (rf"/{namespace}/status", StatusHandler),
        (rf"/{namespace}/tree", TreeHandler),
        (rf"/{namespace}/api/(.*)", ProxyHandler),
    ]
