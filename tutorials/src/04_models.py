# %% [markdown]
# # 04 · Models
#
# **What you will learn**
#
# - build a tiny ONNX model in the notebook and upload it three ways: **multipart upload**, **stream
#   upload** (raw bytes, for large files) and **upload_and_convert** (with a framework);
# - list the models of a workspace, their **versions** (sha, version UUID, file name) and their **config**;
# - browse the same in the **Models panel**.
#
# Workspaces cannot be deleted through the MLOps API, so the notebook works in the fixed workspace
# `tutorial-models`; it uploads a file only when the model does not hold it yet, and its clean-up deletes the
# models with today's `models/delete_model` (on a 2023-era instance they stay and a second run reuses them).

# %%
import hashlib
import tempfile
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
from onnx import TensorProto, helper, numpy_helper

from wallaroo_widgets import Session, ValidationError

session = Session.from_env()
WORKSPACE = "tutorial-models"  # fixed: reused by later runs
try:
    workspace_id = session.workspaces.create(WORKSPACE)["workspace_id"]
except ValidationError:  # "workspace name already exists": an earlier run created it
    workspace_id = next(w["id"] for w in session.workspaces.list() if w["name"] == WORKSPACE)
print("workspace", WORKSPACE, workspace_id)

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
SHA = hashlib.sha256(model_path.read_bytes()).hexdigest()  # the server stores the same sha256 per version
print(model_path.name, model_path.stat().st_size, "bytes, sha256", SHA[:12])


def stored_version(name, file_name):
    """The version of model ``name`` in our workspace that already holds this file (same sha256 and file name)."""
    model = next((m for m in session.models.list(workspace_id) if m["name"] == name), None)
    if model is None:
        return None
    return next((v for v in session.models.list_versions(name, model["id"])
                 if v["sha"] == SHA and v["file_name"] == file_name), None)

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
# The answer is the `insert_models` envelope; `id` is the new model version's id. Every upload adds a
# version, even of identical bytes, so we first check whether the model already holds this file.

# %%
name = "tiny-linear"
found = stored_version(name, model_path.name)
if found is None:
    up = session.models.upload(name, workspace_id, model_path)
    print("uploaded", name, "-> id", up["id"])
else:
    print(f"{name} already holds {model_path.name} (version id {found['id']}, from an earlier run): not uploading")

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
found = stored_version(name, "tiny_linear_v2.onnx")
if found is None:
    up2 = session.models.upload_stream(name, workspace_id, model_path, filename="tiny_linear_v2.onnx")
    print("second version -> id", up2["id"])
else:
    print(f"{name} already holds tiny_linear_v2.onnx (version id {found['id']}): not uploading")

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
found = stored_version("tiny-converted", model_path.name)
if found is None:
    converted = session.models.upload_and_convert("tiny-converted", workspace_id, model_path, framework="onnx")
    print("upload_and_convert -> id", converted["id"])
else:
    print(f"tiny-converted already holds {model_path.name} (version id {found['id']}): not uploading")

# %% [markdown]
# ## 5. List models, versions and config
#
# `models.list(workspace_id)` returns the workspace's models, newest first; `list_versions` takes the
# model **name** and its integer pk and returns the versions oldest first (`[-1]` is the latest).
#
# | call | parameters | answer |
# |---|---|---|
# | `models.list` | `workspace_id` (int), optional `workspace_name` | models, newest first: `id`, `name`, `owner_id`, `created_at`, `updated_at` (newer servers: also `model_versions`) |
# | `models.list_versions` | `model_name` (str), `model_pk_id` = the model's integer `id` (the API calls them `model_id` and `models_pk_id`) | versions, oldest first: `id` (version pk), `model_version` (UUID), `sha`, `file_name`, `models_pk_id`, `image_path`, `status` |
# | `models.get_by_id` | `id` = the model's integer `id` | `id`, `name`, `owner_id`, `workspace_id`, `created_at`, `updated_at`, `model_config` |
# | `models.get_config_by_id` | `model_id` = a model **version**'s integer `id` (what the SDK sends; the sandbox falls back to a model id that is no version's id) | `{"model_config": null}` or `{"model_config": {id, model_version_id, runtime, tensor_fields, filter_threshold}}` |
#
# `.df` adds `workspace_name` and `num_versions` when the server sends the newer shape. `owner_id` is
# the literal two-character string `""` (two double quotes), as Wallaroo's API returns it — not a user id.

# %%
models = session.models.list(workspace_id)
print("columns:", ", ".join(models.df.columns))
models.df[[c for c in ("id", "name", "num_versions", "created_at", "updated_at") if c in models.df]]

# %%
model = next(m for m in models if m["name"] == name)
versions = session.models.list_versions(name, model["id"])
versions.df[[c for c in ("id", "model_version", "sha", "file_name", "status") if c in versions.df]].assign(
    sha=lambda d: d["sha"].str[:12] + "…")  # the full sha256 has 64 hex digits

# %%
assert versions[-1]["sha"] == SHA, "the stored sha256 differs from the file's"
assert [v["file_name"] for v in versions] == ["tiny_linear.onnx", "tiny_linear_v2.onnx"], versions.df
print("sha of the latest version matches the file:", versions[-1]["sha"][:12], "==", SHA[:12])

# %% [markdown]
# `get_by_id` takes the **model** id and answers with the model and the config of its **latest** version;
# `get_config_by_id` takes a **version** id. Both versions here hold the same bytes, so the two configs
# differ only in their ids:

# %%
details = session.models.get_by_id(model["id"])
latest_config = session.models.get_config_by_id(versions[-1]["id"])["model_config"]
assert details["model_config"]["model_version_id"] == versions[-1]["id"], details["model_config"]
assert latest_config["model_version_id"] == versions[-1]["id"], latest_config
first_config = session.models.get_config_by_id(versions[0]["id"])["model_config"]
assert first_config["model_version_id"] == versions[0]["id"], first_config
pd.DataFrame([{"asked": f"get_by_id(model {model['id']})", **details["model_config"]},
              {"asked": f"get_config_by_id(version {versions[-1]['id']})", **latest_config},
              {"asked": f"get_config_by_id(version {versions[0]['id']})", **first_config}])

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
# We delete the two models this notebook uploaded with today's `models/delete_model` (it answers the bytes
# freed; a model a pipeline uses would be refused with a `ConflictError`). **What remains:** the workspace
# `tutorial-models`, empty (the API has no workspace delete); the next run reuses it and uploads again. On a
# 2023-era instance (no delete call: `has_current_api()` is False) the models stay and the next run reuses
# them. We also remove the local file and close the session.

# %%
if session.pipelines.has_current_api():
    for name in ("tiny-linear", "tiny-converted"):
        print(f"deleted {name}: {session.models.delete_model(workspace_id, name)} bytes freed")
model_path.unlink()
model_path.parent.rmdir()
remaining = {m["name"]: len(session.models.list_versions(m["name"], m["id"])) for m in session.models.list(workspace_id)}
assert remaining == ({} if session.pipelines.has_current_api() else {"tiny-linear": 2, "tiny-converted": 1}), remaining
session.close()
print("remains in", WORKSPACE, "(workspaces cannot be deleted):", remaining or "no model")
