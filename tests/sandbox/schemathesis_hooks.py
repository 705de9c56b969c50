"""Schemathesis hooks of test_schemathesis.py (loaded by ``st`` through SCHEMATHESIS_HOOKS): test data a JSON
Schema cannot make, supplied as schemathesis' documentation suggests for "missing test data".

In the positive (valid) cases only: a model upload's file becomes a real ONNX model and its workspace the
demo's (a generated file is not a model onnxruntime loads: a documented 400, left to the negative cases), and
a V2 assay id becomes the demo's V2 assay, so those cases reach the server's logic (loading the model, storing
a version, reading and pausing an assay) instead of stopping at the first check. ``WALLAROO_ST_DEMO`` (JSON)
names the demo's workspace and V2 assay.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from schemathesis.generation.modes import GenerationMode

from wallaroo_widgets.sandbox.onnx_models import house_price_onnx

DEMO = json.loads(os.environ.get("WALLAROO_ST_DEMO", "{}"))
_ONNX: list[bytes] = []


def _onnx() -> bytes:
    if not _ONNX:
        _ONNX.append(house_price_onnx())
    return _ONNX[0]


def _positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode == GenerationMode.POSITIVE


@schemathesis.hook
def map_case(ctx: Any, case: Any) -> Any:
    if not DEMO or not _positive(case):
        return case
    path, body = case.operation.path, case.body
    if path == "/v1/api/models/upload_stream" and isinstance(body, bytes | str):  # str: schemathesis' Binary
        case.body, case.query = _onnx(), {**(case.query or {}), "workspace_id": DEMO["workspace_id"]}
    elif path.startswith("/v1/api/models/upload") and isinstance(body, dict) and "file" in body:
        case.body = {**body, "file": _onnx(), "workspace_id": DEMO["workspace_id"]}
    elif path.startswith("/v2/api/assays/") and isinstance(body, dict):
        for key in ("id", "assay_id"):
            if isinstance(body.get(key), str):
                case.body = {**body, key: DEMO["assay_id"]}
    return case
