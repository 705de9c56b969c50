"""Plain-HTTP helpers for sandbox server tests: tokens, POSTs, tiny ONNX models and a deployed pipeline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import requests
from testkit import uniq

from wallaroo_widgets.sandbox import onnx_models

TOKEN_PATH = "/auth/realms/master/protocol/openid-connect/token"
DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials"


def token(srv: Any, username: str | None = None, password: str | None = None, **form: str) -> dict:
    """Password grant with HTTP Basic api-client auth -> token response (asserts 200)."""
    data = {"grant_type": "password", "username": username or srv.admin_email,
            "password": password or srv.admin_password, **form}
    r = requests.post(srv.url + TOKEN_PATH, data=data, auth=("api-client", srv.client_secret), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


class Client:
    """Bearer-token POSTs to ``/v1/api/<path>`` returning the raw ``requests.Response``."""

    def __init__(self, srv: Any, username: str | None = None, password: str | None = None,
                 access_token: str | None = None) -> None:
        self.srv = srv
        self.access_token = access_token or token(srv, username, password)["access_token"]

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.access_token}"}

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.srv.url}/v1/api/{path}"
        if body is not None:
            kw["json"] = body
        return requests.post(url, headers={**self.headers, **kw.pop("headers", {})}, timeout=60, **kw)

    def ok(self, path: str, body: Any = None, status: int = 200, **kw: Any) -> Any:
        r = self.post(path, body, **kw)
        assert r.status_code == status, (path, r.status_code, r.text)
        return r.json() if r.content else None


def new_user(admin: Client, email: str | None = None, password: str = "pw-Secret-1") -> tuple[str, str, str]:
    """Invite a user -> (id, email, password)."""
    email = email or f"{uniq('u')}@example.com"
    body = admin.ok("users/invite", {"email": email, "password": password})
    return body["id"], email, password


def linear_onnx(n_in: int, n_out: int = 1, *, sigmoid: bool = False, input_name: str = "dense_input",
                output_name: str = "dense_1", seed: int = 7) -> tuple[bytes, np.ndarray, np.ndarray]:
    """A float32 ``x @ W + b`` (optionally sigmoid) model with seeded random weights -> (bytes, W, b)."""
    rng = np.random.default_rng(seed)
    w = (rng.normal(size=(n_in, n_out)) * 0.2).astype(np.float32)
    b = rng.normal(size=(n_out,)).astype(np.float32)
    return onnx_models.linear_onnx(w, b, sigmoid=sigmoid, input_name=input_name, output_name=output_name), w, b


def upload_stream(c: Client, name: str, workspace_id: int, data: bytes) -> int:
    r = c.post("models/upload_stream", params={"name": name, "filename": f"{name}.onnx",
                                               "workspace_id": workspace_id},
               data=data, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    return r.json()["insert_models"]["returning"][0]["models"][0]["id"]


def deployed_pipeline(c: Client, workspace_id: int, model_bytes: bytes, *, wait: bool = True) -> dict:
    """Upload a model, create + deploy a pipeline with it -> ids, names and the inference URL."""
    mname, pname = uniq("model"), uniq("pipe")
    mid = upload_stream(c, mname, workspace_id, model_bytes)
    ver = c.ok("models/list_versions", {"model_id": mname, "models_pk_id": mid})[-1]
    step = {"ModelInference": {"models": [{"name": mname, "version": ver["model_version"], "sha": ver["sha"]}]}}
    created = c.ok("pipelines/create", {"pipeline_id": pname, "workspace_id": workspace_id,
                                        "definition": {"steps": [step]}})
    dep = c.ok("pipelines/deploy", {"deploy_id": pname, "pipeline_version_pk_id": created["pipeline_variant_pk_id"],
                                    "pipeline_id": created["pipeline_pk_id"], "model_ids": [mid]})
    status_name = f"{pname}-{dep['id']}"
    if wait:
        deadline = time.monotonic() + 30
        while c.ok("status/get_deployment", {"name": status_name})["status"] != "Running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    url = c.ok("admin/get_pipeline_external_url", {"workspace_id": workspace_id, "pipeline_name": pname})["url"]
    return {"model_id": mid, "model": mname, "version": ver, "pipeline": pname, "created": created,
            "deployment_id": dep["id"], "status_name": status_name, "url": url, "workspace_id": workspace_id}
