"""Request bodies: the size limits (413 ``{"msg","code"}``) and JSON parsing that rejects invalid Unicode.

Two limits: model uploads and inference may be up to ``max_request_bytes``; every other body (JSON calls,
the token form) up to ``max_json_bytes``. A body over its limit gets 413 whether it announces its size
(``Content-Length``, answered before reading) or streams it (chunked): the middleware answers itself, at the
moment the limit is passed, and drops whatever the app tries to send after that.

JSON strings with lone surrogates (``"\\ud800"``: valid JSON, not valid Unicode) are refused at parse with a
400 naming the field (``JsonRoute``); SQLite and UTF-8 responses cannot hold them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from .errors import TooLarge, error_response

#: paths whose bodies may be large (model files, inference batches); the rest are small JSON/form bodies
LARGE_BODY_PATHS = ("/v1/api/models/upload", "/v1/api/pipelines/infer/")


def bad_text(value: Any) -> str | None:
    """The dotted path (``"users.0"``; ``"body"`` for the top level) of the first string or key that is not
    valid Unicode (a lone surrogate), else None. Iterative: nesting depth does not matter."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and not _encodable(item):
                return path or "body"
        elif isinstance(item, dict):
            for k, v in item.items():
                sub = f"{path}.{k}" if path else str(k)
                if not _encodable(str(k)):
                    return (path or "body") + " (a key)"
                stack.append((v, sub))
        elif isinstance(item, list):
            stack.extend((v, f"{path}.{i}" if path else str(i)) for i, v in enumerate(item))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_error(where: str) -> str:
    """The 400 message for ``bad_text``'s answer."""
    return f"field '{where}': not valid Unicode (a lone surrogate such as \\ud800)"


class JsonRequest(Request):
    """A request whose ``json()`` refuses strings that are not valid Unicode (400 naming the field)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            data = json.loads(await self.body())
            where = bad_text(data)
            if where is not None:
                # FastAPI re-raises HTTPExceptions from body parsing as they are -> {"msg","code"} 400
                raise HTTPException(400, text_error(where))
            self._json = data
        return self._json


class JsonRoute(APIRoute):
    """Route class of every sandbox router: JSON bodies are parsed by ``JsonRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            return await handler(JsonRequest(request.scope, request.receive))

        return checked


class BodyLimit:
    """ASGI middleware: bodies larger than their limit get 413 ``{"msg","code"}`` (by header or streamed)."""

    def __init__(self, app: Any, max_bytes: int, max_json_bytes: int | None = None) -> None:
        self.app, self.max_bytes = app, int(max_bytes)
        self.max_json_bytes = min(self.max_bytes, int(max_json_bytes if max_json_bytes is not None else max_bytes))

    def limit(self, path: str) -> int:
        return self.max_bytes if path.startswith(LARGE_BODY_PATHS) else self.max_json_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope.get("path", ""))
        too_big = error_response(413, f"request body larger than {limit} bytes")
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await error_response(400, "invalid Content-Length")(scope, receive, send)
                return
            if declared > limit:
                await too_big(scope, receive, send)
                return
        seen = 0
        started = answered = False

        async def limited_receive() -> dict:
            nonlocal seen, started, answered
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    if not started:  # answer now: parsers turn any receive error into their own 400
                        started = answered = True
                        await too_big(scope, receive, send)
                    raise TooLarge()
            return msg

        async def tracking_send(msg: dict) -> None:
            nonlocal started
            if answered:
                return  # the 413 went out; the app's own answer to the aborted body is dropped
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge:
            if not started:
                await too_big(scope, receive, send)

