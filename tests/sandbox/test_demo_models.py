"""The sandbox's built-in ONNX models: deterministic bytes, shapes, and outputs equal to the numpy formula."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort

from wallaroo_widgets.sandbox import onnx_models as m

DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials"


def _run(blob: bytes, name: str, x: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(blob, providers=["CPUExecutionProvider"])
    return sess.run(None, {name: x})[0]


def test_house_price_model_bytes_are_deterministic() -> None:
    assert hashlib.sha256(m.house_price_onnx()).hexdigest() == hashlib.sha256(m.house_price_onnx()).hexdigest()
    assert hashlib.sha256(m.ccfraud_onnx()).digest() == hashlib.sha256(m.ccfraud_onnx()).digest()
    assert m.house_price_onnx() != m.ccfraud_onnx()


def test_house_price_model_io_and_values() -> None:
    sess = ort.InferenceSession(m.house_price_onnx(), providers=["CPUExecutionProvider"])
    assert [(i.name, i.shape[1]) for i in sess.get_inputs()] == [("tensor", 18)]
    assert [(o.name, o.shape[1]) for o in sess.get_outputs()] == [("variable", 1)]
    rows = json.loads((DATA / "house_price" / "xtest-1k.df.json").read_text())
    x = np.array([r["tensor"] for r in rows], dtype=np.float32)
    y = _run(m.house_price_onnx(), "tensor", x)
    assert y.shape == (1000, 1) and y.dtype == np.float32
    np.testing.assert_allclose(y, m.house_price_numpy(x), rtol=1e-5)
    assert 150_000 < np.median(y) < 1_000_000
    assert 200_000 < np.percentile(y, 5) and np.percentile(y, 95) < 2_000_000
    # the centre house is priced exp(intercept)
    centre = _run(m.house_price_onnx(), "tensor", m.HOUSE_CENTER.reshape(1, 18))
    assert abs(float(centre[0, 0]) - float(np.exp(np.float32(13.1)))) < 1.0


def test_big_houses_price_higher() -> None:
    big = np.array([r["tensor"] for r in json.loads((DATA / "house_price" / "biginputs.df.json").read_text())],
                   dtype=np.float32)
    assert float(_run(m.house_price_onnx(), "tensor", big).min()) > 1_500_000


def test_ccfraud_model_io_and_values() -> None:
    rows = json.loads((DATA / "ccfraud" / "cc_data_api_1k.df.json").read_text())
    x = np.array([r["dense_input"] for r in rows], dtype=np.float32)
    y = _run(m.ccfraud_onnx(), "dense_input", x)
    assert y.shape == (1001, 1) and y.dtype == np.float32
    np.testing.assert_allclose(y, m.ccfraud_numpy(x), rtol=1e-5, atol=1e-7)
    assert ((y >= 0) & (y <= 1)).all()
    assert np.median(y) < 0.05 < y.max()
