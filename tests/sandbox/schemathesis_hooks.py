"""Schemathesis hooks of test_schemathesis.py (loaded by ``st`` through SCHEMATHESIS_HOOKS): test data a JSON
Schema cannot make, supplied as schemathesis' documentation suggests for "missing test data".

Positive (valid) cases only, so that they reach the server's logic instead of stopping at its first check:
- model uploads: the file becomes a real ONNX model and the workspace the demo's (a generated file is not a
  model onnxruntime loads: a documented 400, left to the negative cases);
- V2 assays: an assay id becomes the demo's V2 assay; a body with a targeting monitors the demo pipeline's
  ``out.variable.0`` (the generated thresholds kept), a Static baseline becomes the demo's first day, the
  preview range, the first run (with an end two days after the first window) and a Stored window fall in
  the demo's data, and bin_weights (which must match the bin count) are dropped. Summarizers, bin modes,
  metrics, Vector and Raw values, frequencies, widths and names stay generated.
``WALLAROO_ST_DEMO`` (JSON) names the demo's workspace, pipeline, V2 assay and its first run.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd
import schemathesis

from wallaroo_widgets.sandbox.onnx_models import house_price_onnx

DEMO = json.loads(os.environ.get("WALLAROO_ST_DEMO", "{}"))
DAY = pd.Timedelta(days=1)
_ONNX: list[bytes] = []


def _onnx() -> bytes:
    if not _ONNX:
        _ONNX.append(house_price_onnx())
    return _ONNX[0]


def _positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode == schemathesis.GenerationMode.POSITIVE


def _v2_body(body: dict) -> dict:
    body = dict(body)
    for key in ("id", "assay_id"):
        if isinstance(body.get(key), str):
            body[key] = DEMO["assay_id"]
    first = pd.Timestamp(DEMO["first_run"])
    t = body.get("targeting")
    if isinstance(t, dict):
        path = {**t["iopath"][0], "field": "out.variable", "indexes": [0]}
        body["targeting"] = {**t, "data_origin": {**t["data_origin"], **DEMO["origin"]}, "iopath": [path]}
        if "Vector" not in body["baseline"]:
            body["baseline"] = {"Static": [(first - DAY).isoformat(), first.isoformat()]}
        body["summarizer"] = {"UnivariateContinuous": {**body["summarizer"]["UnivariateContinuous"],
                                                       "bin_weights": None}}
    if isinstance(body.get("scheduling"), dict):  # an end two days after the first run bounds the scheduler's work
        width = pd.Timedelta(seconds=body["window"]["width"]["seconds"])
        body["scheduling"] = {**body["scheduling"], "first_run": first.isoformat(),
                              "end": (first + width + 2 * DAY).isoformat()}
    if "preview_start" in body:
        body["preview_start"], body["preview_end"] = first.isoformat(), (first + 2 * DAY).isoformat()
    if isinstance(body.get("window"), dict) and "Stored" in body["window"]:
        body["window"] = {"Stored": [first.isoformat(), (first + DAY).isoformat()]}
    return body


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
        case.body = _v2_body(body)
    return case
