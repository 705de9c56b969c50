"""Plain-HTTP helpers for sandbox server tests: tokens, POSTs, tiny ONNX models and a deployed pipeline."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import requests

TOKEN_PATH = "/auth/realms/master/protocol/openid-connect/token"
DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials"


def uniq(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


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
    """A float32 ``x @ W + b`` (optionally sigmoid) model built with the ``onnx`` helper API -> (bytes, W, b)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    w = (rng.normal(size=(n_in, n_out)) * 0.2).astype(np.float32)
    b = rng.normal(size=(n_out,)).astype(np.float32)
    nodes = [helper.make_node("MatMul", [input_name, "W"], ["mm"]),
             helper.make_node("Add", ["mm", "B"], ["lin" if sigmoid else output_name])]
    if sigmoid:
        nodes.append(helper.make_node("Sigmoid", ["lin"], [output_name]))
    graph = helper.make_graph(
        nodes, "linear",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["N", n_in])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["N", n_out])],
        initializer=[numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString(), w, b


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
