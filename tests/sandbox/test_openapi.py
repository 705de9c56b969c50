"""The OpenAPI document documents every error status with the ``{"msg","code"}`` model and no 422."""

from __future__ import annotations

import requests


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield path, method, op


def test_every_error_status_is_documented(sandbox):
    schema = requests.get(f"{sandbox.url}/v1/api/openapi.json", timeout=10).json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert set(schema["components"]["schemas"]["ErrorBody"]["required"]) == {"msg", "code"}
    ops = list(_operations(schema))
    assert len(ops) > 40
    for path, method, op in ops:
        codes = set(op["responses"])
        assert "422" not in codes, (path, method)
        if method in {"post", "put"}:
            assert {"400", "413"} <= codes, (path, method, codes)
        if op.get("security"):
            assert {"401", "403"} <= codes, (path, method, codes)
    token = schema["paths"]["/auth/realms/master/protocol/openid-connect/token"]["post"]
    assert "application/x-www-form-urlencoded" in token["requestBody"]["content"]
    assert token["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/OAuthError")
    secured = {path for path, _, op in ops if op.get("security")}
    assert "/v1/api/workspaces/list" in secured and "/v1/api/config" not in secured
