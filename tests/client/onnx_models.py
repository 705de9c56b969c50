"""Small ONNX models written with a seeded RNG for end-to-end tests (ccfraud-like: dense_input[N,29] -> dense_1[N,1])."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def ccfraud_like(path: Path, seed: int = 7) -> tuple[Path, np.ndarray, float]:
    """Write ``sigmoid(dense_input @ w + b)`` as ONNX; returns (path, w, b) so tests can recompute outputs."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.3, size=(29, 1)).astype(np.float32)
    b = np.float32(-2.0)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["dense_input", "w"], ["z0"]),
         helper.make_node("Add", ["z0", "b"], ["z"]),
         helper.make_node("Sigmoid", ["z"], ["dense_1"])],
        "ccfraud_like",
        [helper.make_tensor_value_info("dense_input", TensorProto.FLOAT, [None, 29])],
        [helper.make_tensor_value_info("dense_1", TensorProto.FLOAT, [None, 1])],
        initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array([b]), "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return path, w, float(b)


def expected_scores(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """The model's outputs computed with numpy (float32)."""
    z = x.astype(np.float32) @ w + np.float32(b)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)[:, 0]
