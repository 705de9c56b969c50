"""Small ONNX models written with a seeded RNG for end-to-end tests (ccfraud-like: dense_input[N,29] -> dense_1[N,1])."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from wallaroo_widgets.sandbox.onnx_models import linear_onnx


def ccfraud_like(path: Path, seed: int = 7) -> tuple[Path, np.ndarray, float]:
    """Write ``sigmoid(dense_input @ w + b)`` as ONNX; returns (path, w, b) so tests can recompute outputs."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.3, size=(29, 1)).astype(np.float32)
    b = np.float32(-2.0)
    path.write_bytes(linear_onnx(w, b, sigmoid=True, name="ccfraud_like"))
    return path, w, float(b)


def expected_scores(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """The model's outputs computed with numpy (float32)."""
    z = x.astype(np.float32) @ w + np.float32(b)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)[:, 0]
