"""Small ONNX models built in memory with the ``onnx`` helper API (demo data and tests).

* ``housepricemodel``: input ``tensor`` float32 [N, 18] -> output ``variable`` float32 [N, 1]; a fixed
  log-linear price model over the 18 King County features, prices roughly 150k-2M.
* ``ccfraud``: input ``dense_input`` float32 [N, 29] -> output ``dense_1`` float32 [N, 1]; sigmoid of a
  fixed linear score (weights from a seeded RNG).

Both serialise to the same bytes on every call (fixed opset/IR version, no timestamps).
"""

from __future__ import annotations

import numpy as np

OPSET = 13
IR_VERSION = 8

HOUSE_FEATURES = (
    "bedrooms", "bathrooms", "sqft_living", "sqft_lot", "floors", "waterfront", "view", "condition",
    "grade", "sqft_above", "sqft_basement", "lat", "long", "sqft_living15", "sqft_lot15", "house_age",
    "renovated", "yrs_since_reno",
)
# A typical house (feature centre) and the log-price effect of one unit of each feature.
HOUSE_CENTER = np.array(
    [3, 2, 2000, 7500, 1.5, 0, 0, 3, 7, 1700, 300, 47.56, -122.21, 1950, 7500, 45, 0, 0], dtype=np.float32)
HOUSE_LOG_WEIGHTS = np.array(
    [-0.02, 0.04, 0.00024, 0.0000005, 0.03, 0.4, 0.06, 0.04, 0.13, 0.0, 0.00003, 1.2, -0.1,
     0.00008, 0.0, 0.002, 0.05, -0.001], dtype=np.float32)
HOUSE_LOG_INTERCEPT = np.float32(13.1)  # exp(13.1) ~ 488k for the centre house
HOUSE_LOG_CLIP = (np.float32(11.0), np.float32(15.5))  # 60k .. 5.4M

CCFRAUD_SEED = 20240109


def _finish(graph, name: str) -> bytes:
    import onnx
    from onnx import helper

    model = helper.make_model(graph, producer_name="wallaroo-widgets-sandbox", producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.model_version = 1
    model.doc_string = name
    onnx.checker.check_model(model)
    return model.SerializeToString(deterministic=True)


def house_price_onnx() -> bytes:
    """Serialized ``housepricemodel``: ``variable = exp(clip(b + (tensor - centre) @ w))``."""
    from onnx import TensorProto, helper, numpy_helper

    inits = [
        numpy_helper.from_array(HOUSE_CENTER.reshape(1, 18), "center"),
        numpy_helper.from_array(HOUSE_LOG_WEIGHTS.reshape(18, 1), "w"),
        numpy_helper.from_array(np.array([HOUSE_LOG_INTERCEPT], dtype=np.float32), "b"),
        numpy_helper.from_array(np.array(HOUSE_LOG_CLIP[0], dtype=np.float32), "lo"),
        numpy_helper.from_array(np.array(HOUSE_LOG_CLIP[1], dtype=np.float32), "hi"),
    ]
    nodes = [
        helper.make_node("Sub", ["tensor", "center"], ["centered"]),
        helper.make_node("MatMul", ["centered", "w"], ["z0"]),
        helper.make_node("Add", ["z0", "b"], ["z1"]),
        helper.make_node("Clip", ["z1", "lo", "hi"], ["z"]),
        helper.make_node("Exp", ["z"], ["variable"]),
    ]
    graph = helper.make_graph(
        nodes, "housepricemodel",
        [helper.make_tensor_value_info("tensor", TensorProto.FLOAT, [None, 18])],
        [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])],
        initializer=inits,
    )
    return _finish(graph, "house price regressor (log-linear), 18 features -> price")


def house_price_numpy(x: np.ndarray) -> np.ndarray:
    """The same model in numpy (float32), for checks; returns shape [N, 1]."""
    z = (np.asarray(x, dtype=np.float32) - HOUSE_CENTER) @ HOUSE_LOG_WEIGHTS.reshape(18, 1) + HOUSE_LOG_INTERCEPT
    return np.exp(np.clip(z, *HOUSE_LOG_CLIP)).astype(np.float32)


def ccfraud_weights() -> tuple[np.ndarray, np.float32]:
    """Fixed classifier weights [29, 1] and bias."""
    rng = np.random.default_rng(CCFRAUD_SEED)
    return rng.normal(0.0, 0.6, size=(29, 1)).astype(np.float32), np.float32(-5.0)


def linear_onnx(w: np.ndarray, b: np.ndarray | float, *, sigmoid: bool = False, input_name: str = "dense_input",
                output_name: str = "dense_1", name: str = "linear", doc: str = "") -> bytes:
    """Serialized float32 ``output = x @ w + b`` (``sigmoid`` of it when asked); ``w`` is [n_in, n_out]."""
    from onnx import TensorProto, helper, numpy_helper

    w = np.asarray(w, dtype=np.float32)
    b = np.asarray(b, dtype=np.float32).reshape(-1)
    nodes = [helper.make_node("MatMul", [input_name, "w"], ["z0"]),
             helper.make_node("Add", ["z0", "b"], ["z" if sigmoid else output_name])]
    if sigmoid:
        nodes.append(helper.make_node("Sigmoid", ["z"], [output_name]))
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [None, w.shape[0]])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [None, w.shape[1]])],
        initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")],
    )
    return _finish(graph, doc or name)


def ccfraud_onnx() -> bytes:
    """Serialized ccfraud-style classifier: ``dense_1 = sigmoid(dense_input @ w + b)``."""
    w, b = ccfraud_weights()
    return linear_onnx(w, b, sigmoid=True, name="ccfraud",
                       doc="ccfraud-style classifier, 29 features -> fraud probability")


def ccfraud_numpy(x: np.ndarray) -> np.ndarray:
    """The classifier in numpy (float32), shape [N, 1]."""
    w, b = ccfraud_weights()
    z = np.asarray(x, dtype=np.float32) @ w + b
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
