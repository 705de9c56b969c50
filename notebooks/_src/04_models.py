# %% [markdown]
# # 04 · Models
#
# **What you will learn**
#
# - build a tiny ONNX model in the notebook and upload it three ways: **multipart upload**, **stream
#   upload** (raw bytes, for large files) and **upload_and_convert** (with a framework);
# - list the models of a workspace, their **versions** (sha, version UUID, file name) and their **config**;
# - browse the same in the **Models panel**.

# %%
import hashlib
import secrets
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from wallaroo_widgets import Session

session = Session.from_env()
SUFFIX = secrets.token_hex(3)
workspace_id = session.workspaces.create(f"nb-models-{SUFFIX}")["workspace_id"]
print("workspace", workspace_id)

# %% [markdown]
# ## 1. A small ONNX model
#
# A linear model `output = tensor · W + b` with 4 inputs, built with `onnx.helper` — small enough to
# read, real enough for the sandbox to run it with ONNX Runtime.

# %%
W = np.array([[0.5], [1.0], [-0.25], [2.0]], dtype=np.float32)
b = np.array([0.1], dtype=np.float32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["tensor", "W"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["output"])],
    "tiny_linear",
    [helper.make_tensor_value_info("tensor", TensorProto.FLOAT, [None, 4])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, 1])],
    initializer=[numpy_helper.from_array(W, "W"), numpy_helper.from_array(b, "b")],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
model_path = Path(tempfile.mkdtemp()) / "tiny_linear.onnx"
model_path.write_bytes(model.SerializeToString())
print(model_path.name, model_path.stat().st_size, "bytes, sha256", hashlib.sha256(model_path.read_bytes()).hexdigest()[:12])

# %% [markdown]
# ## 2. Upload (multipart)
#
# | parameter | meaning |
# |---|---|
# | `name` | model name (letters, digits, `-`) |
# | `workspace_id` | the workspace the model goes into |
# | `file` | a path, bytes or a binary file object (form part `file`) |
# | `visibility` | `public` (default) or `private` |
#
# The answer is the `insert_models` envelope; `id` is the new model version's id.

# %%
name = f"tiny-linear-{SUFFIX}"
up = session.models.upload(name, workspace_id, model_path)
print("uploaded", name, "-> id", up["id"])

# %% [markdown]
# ## 3. Stream upload (large files)
#
# `upload_stream` sends the raw bytes as `application/octet-stream` with the metadata in the query
# string, so a large file is streamed from disk, never read into memory. Uploading under the same
# name adds a **version**.
#
# | parameter | meaning |
# |---|---|
# | `name`, `workspace_id`, `file` | as above |
# | `filename` | the stored file name (default: the path's name) |

# %%
up2 = session.models.upload_stream(name, workspace_id, model_path, filename="tiny_linear_v2.onnx")
print("second version -> id", up2["id"])

# %% [markdown]
# ## 4. Upload and convert
#
# `upload_and_convert` sends a JSON `metadata` part with a `conversion` block; the server answers
# `202 Accepted` and converts non-ONNX frameworks in the background.
#
# | parameter | meaning |
# |---|---|
# | `framework` | `onnx`, `tensorflow`, `keras`, `pytorch`, `sklearn`, `xgboost`, `python`, `mlflow`, ... |
# | `python_version`, `requirements` | the conversion environment |
# | `input_schema`, `output_schema` | base64 Arrow schemas (needed by some frameworks) |

# %%
converted = session.models.upload_and_convert(f"tiny-converted-{SUFFIX}", workspace_id, model_path,
                                               framework="onnx")
print("upload_and_convert -> id", converted["id"])

# %% [markdown]
# ## 5. List models, versions and config
#
# `models.list(workspace_id)` returns the workspace's models, newest first; `list_versions` takes the
# model **name** and its integer pk and returns the versions oldest first (`[-1]` is the latest).

# %%
models = session.models.list(workspace_id)
models.df

# %%
model = next(m for m in models if m["name"] == name)
versions = session.models.list_versions(name, model["id"])
versions.df[[c for c in ("id", "model_version", "sha", "file_name", "status") if c in versions.df]]

# %%
print("sha of the latest version matches the file:",
      versions[-1]["sha"] == hashlib.sha256(model_path.read_bytes()).hexdigest())

# %%
session.models.get_by_id(model["id"])

# %%
session.models.get_config_by_id(model["id"])

# %% [markdown]
# ## 6. The Models panel
#
# Models of the selected workspace with their versions; the upload form (plain, stream, or
# upload_and_convert with a framework) shows a progress bar; selecting a model shows its details and
# config.

# %%
from wallaroo_widgets.panels import ConsoleState, ModelsPanel

state = ConsoleState(session=session)  # what the console shares between its tabs
state.workspace = next(w for w in session.workspaces.list() if w["id"] == workspace_id)
models_panel = ModelsPanel(state=state)
assert not models_panel.error, models_panel.error
models_panel

# %% [markdown]
# ## Clean-up
#
# The MLOps API has no model or workspace delete; these models live in their own uniquely named
# workspace and are never deployed. We remove the local file and close the session.

# %%
model_path.unlink()
model_path.parent.rmdir()
session.close()
print("cleaned up")
