"""Body limits: 413 ``{"msg","code"}`` for announced and streamed (chunked) bodies on JSON calls, uploads and
the token endpoint; JSON bodies have a smaller limit than model uploads and inference."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from sandbox_http import TOKEN_PATH, Client, linear_onnx, uniq

from wallaroo_widgets.sandbox import SandboxServer

JSON_LIMIT, LARGE_LIMIT = 4096, 64 * 1024


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    with SandboxServer(tmp_path_factory.mktemp("limits"), max_request_bytes=LARGE_LIMIT, max_json_bytes=JSON_LIMIT,
                       deploy_delay=0) as server:
        yield server


def chunks(total: int, piece: bytes = b" ") -> Iterator[bytes]:
    """A generator body: requests sends it chunked (no Content-Length)."""
    for _ in range(total // 1000):
        yield piece * 1000


def assert_413(r: requests.Response, limit: int) -> None:
    assert r.status_code == 413, r.text
    assert r.json() == {"msg": f"request body larger than {limit} bytes", "code": 413}


def test_streamed_json_bodies_get_413(srv):
    c = Client(srv)
    for path in ("workspaces/create", "models/list", "assays/create"):
        r = c.post(path, data=chunks(10_000), headers={"Content-Type": "application/json"})
        assert_413(r, JSON_LIMIT)
    assert c.ok("workspaces/list", {})["workspaces"]  # still serving


def test_streamed_multipart_upload_gets_413(srv):
    c = Client(srv)
    boundary = "zz"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from chunks(LARGE_LIMIT + 10_000, b"x")

    r = c.post("models/upload", data=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert_413(r, LARGE_LIMIT)


def test_streamed_token_request_gets_413(srv):
    r = requests.post(srv.url + TOKEN_PATH, data=chunks(10_000, b"a"), auth=("api-client", srv.client_secret),
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert_413(r, JSON_LIMIT)


def test_json_limit_is_smaller_than_the_upload_limit(srv):
    c = Client(srv)
    r = c.post("workspaces/create", json={"workspace_name": "w" * (JSON_LIMIT + 10)})
    assert_413(r, JSON_LIMIT)
    wid = c.ok("workspaces/create", {"workspace_name": uniq("lim")})["workspace_id"]
    model = linear_onnx(29, 50)[0]  # above the JSON limit, below the upload limit: accepted
    assert JSON_LIMIT < len(model) < LARGE_LIMIT
    r = c.post("models/upload_stream", params={"name": uniq("m"), "filename": "m.onnx", "workspace_id": wid},
               data=model, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    r = c.post("models/upload_stream", params={"name": "m", "filename": "m.onnx", "workspace_id": wid},
               data=chunks(LARGE_LIMIT + 1000), headers={"Content-Type": "application/octet-stream"})
    assert_413(r, LARGE_LIMIT)


def test_limit_settings_are_checked():
    from wallaroo_widgets.sandbox.config import DEFAULT_MAX_JSON_BYTES, SandboxConfig

    assert SandboxConfig().max_json_bytes == DEFAULT_MAX_JSON_BYTES < SandboxConfig().max_request_bytes
    with pytest.raises(ValueError, match="max_json_bytes"):
        SandboxConfig(max_json_bytes=10)
