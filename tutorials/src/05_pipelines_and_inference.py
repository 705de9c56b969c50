# %% [markdown]
# # 05 · Pipelines and inference
#
# **What you will learn**
#
# - create a pipeline with a model step, deploy it and follow the deployment until it is `Running`;
# - read the deployment status (engines, model statuses) and the pipeline's external inference URL;
# - run inferences from a pandas **DataFrame** and from an **Arrow table**;
# - copy a pipeline, undeploy, and do the same in the **Pipelines panel**.
#
# Workspaces cannot be deleted through the MLOps API, so the notebook works in the fixed workspace
# `tutorial-pipelines`; it undeploys what it deploys and, with today's delete calls, removes the pipelines and
# the model it made (a 2023-era instance cannot: there a later run reuses them).

# %%
import hashlib
import tempfile
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
import pyarrow as pa
from onnx import TensorProto, helper, numpy_helper

from wallaroo_widgets import NotFoundError, Session, ValidationError

session = Session.from_env()
WORKSPACE = "tutorial-pipelines"  # fixed names: a second run reuses them
try:
    workspace_id = session.workspaces.create(WORKSPACE)["workspace_id"]
except ValidationError:  # "workspace name already exists": an earlier run created it
    workspace_id = next(w["id"] for w in session.workspaces.list() if w["name"] == WORKSPACE)

# The tiny linear ONNX model of notebook 04: output = tensor . W + b
W = np.array([[0.5], [1.0], [-0.25], [2.0]], dtype=np.float32)
b = np.array([0.1], dtype=np.float32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["tensor", "W"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["output"])],
    "tiny_linear",
    [helper.make_tensor_value_info("tensor", TensorProto.FLOAT, [None, 4])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, 1])],
    initializer=[numpy_helper.from_array(W, "W"), numpy_helper.from_array(b, "b")],
)
onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx_model.ir_version = 8
onnx.checker.check_model(onnx_model)
model_path = Path(tempfile.mkdtemp()) / "tiny_linear.onnx"
model_path.write_bytes(onnx_model.SerializeToString())

sha = hashlib.sha256(model_path.read_bytes()).hexdigest()

model_name = "tiny-linear"
model = next((m for m in session.models.list(workspace_id) if m["name"] == model_name), None)
versions = session.models.list_versions(model_name, model["id"]) if model else []
version = next((v for v in versions if v["sha"] == sha), None)  # uploaded by an earlier run?
if version is None:
    session.models.upload(model_name, workspace_id, model_path)
    model = next(m for m in session.models.list(workspace_id) if m["name"] == model_name)
    version = session.models.list_versions(model_name, model["id"])[-1]
version_id = version["id"]
print("model", model_name, "version", version["model_version"])

# %% [markdown]
# ## 1. Create a pipeline with a model step
#
# | parameter | meaning |
# |---|---|
# | `pipeline_name` | the pipeline's name (the API calls it `pipeline_id`) |
# | `workspace_id` | its workspace |
# | `steps` | e.g. `[{"ModelInference": {"models": [{"name", "version", "sha"}]}}]`; omit for an empty pipeline |
#
# `Pipelines.model_step(...)` builds the step from a model version. Creating a name that exists adds a
# new **version** of that pipeline (as the SDK's `build_pipeline` does), so a second run reuses the pipeline.

# %%
pipeline_name = "tutorial-pipeline"
step = session.pipelines.model_step({"name": model_name, "version": version["model_version"],
                                     "sha": version["sha"]})
created = session.pipelines.create(pipeline_name, workspace_id, [step])
created

# %% [markdown]
# ## 2. Deploy, with progress
#
# | parameter | meaning |
# |---|---|
# | `deployment_name` | deployment name (the tutorials use the pipeline name; the API calls it `deploy_id`) |
# | `pipeline_version_pk_id` | `pipeline_variant_pk_id` from create |
# | `pipeline_id` | `pipeline_pk_id` from create |
# | `model_ids` / `model_configs` / `models` | the models of the steps |
#
# The deployment starts as `Starting`; `wait_until_running` polls `status/get_deployment` (name
# `"<deployment name>-<deployment id>"`) and reports each poll to `on_progress`.

# %%
deployment = session.pipelines.deploy(pipeline_name, created["pipeline_variant_pk_id"], created["pipeline_pk_id"],
                                      model_ids=[version_id])
deploy_name = session.pipelines.deployment_name(pipeline_name, deployment["id"])
status = session.pipelines.wait_until_running(
    deploy_name, timeout=60, poll_interval=0.25,
    on_progress=lambda st, elapsed: print(f"{elapsed:5.2f} s  {st['status']}"),
)

# %% [markdown]
# ## 3. Status and external URL
#
# | call | parameters | answer |
# |---|---|---|
# | `pipelines.status` | `name` = `"<deployment name>-<deployment id>"` (build it with `deployment_name`) | `status` (`Running`, `Starting`, `Error`), `engines` (pods with `model_statuses`), `engine_lbs`, `sidekicks`; an unknown name raises `NotFoundError` |
# | `pipelines.external_url` | `workspace_id`, `pipeline_name` | the inference URL `…/v1/api/pipelines/infer/<deployment name>-<id>/<pipeline_name>` |

# %%
assert status["status"] == "Running", status["status"]
engine = status["engines"][0]
print("status:", status["status"])
print("engine:", engine.get("name"), engine.get("status"))
print("models:", [(m["name"], m["status"]) for m in (engine.get("model_statuses") or {}).get("models", [])])

# %%
url = session.pipelines.external_url(workspace_id, pipeline_name)
assert url.endswith(f"/{deploy_name}/{pipeline_name}"), url
url

# %% [markdown]
# ## 4. Inference
#
# | input | content type |
# |---|---|
# | pandas DataFrame | `application/json; format=pandas-records` |
# | `pyarrow.Table` | `application/vnd.apache.arrow.file` (Arrow IPC file) |
#
# The answer has one row per input: `time`, `in.*`, `out.*` and `metadata.*` columns. Every inference is
# also written to the pipeline's log: assays score those logs, and notebook 07 reads them back with
# `assays/get_baseline`.

# %%
rows = [[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 0.5, 2.0, 1.5]]
df_in = pd.DataFrame({"tensor": rows})
result = session.pipelines.infer(url, df_in)
result[["time", "in.tensor", "out.output"]]

# %%
expected = (np.array(rows, dtype=np.float32) @ W + b).ravel()
got = np.array([v[0] for v in result["out.output"]], dtype=np.float32)
assert np.allclose(got, expected), (got, expected)
print("matches tensor . W + b:", got)

# %%
table = pa.table({"tensor": pa.array(rows, type=pa.list_(pa.float32(), 4))})
arrow_result = session.pipelines.infer(url, table)
assert np.allclose([v[0] for v in arrow_result["out.output"]], expected)
arrow_result[["time", "out.output"]]

# %% [markdown]
# The inference call as `curl` (the Arrow body is shown as a file name, the token masked):

# %%
print(session.last_call.to_curl())

# %% [markdown]
# ## 5. Copy a pipeline
#
# | parameter | meaning |
# |---|---|
# | `name` | the new pipeline's name |
# | `workspace_id` | target workspace |
# | `source_pipeline` | pk id of the pipeline to copy |
# | `deploy` | optional deployment name to deploy the copy right away |
#
# The copy's name must be new in the workspace; if the copy exists (a 2023-era instance keeps it from an
# earlier run: only today's API can delete it, as the clean-up does), the server answers with a
# `ValidationError` and the existing copy is kept as it is.

# %%
try:
    copy = session.pipelines.copy(f"{pipeline_name}-copy", workspace_id, created["pipeline_pk_id"])
except ValidationError as err:
    if "already exists" not in err.msg:
        raise
    copy = None
    print("kept the copy of an earlier run:", err.msg)
copy

# %% [markdown]
# ## 6. Undeploy
#
# | parameter | meaning |
# |---|---|
# | `pipeline_id` | the pipeline pk id |
# | `deployment_id` | the deployment id returned by deploy |

# %%
session.pipelines.undeploy(created["pipeline_pk_id"], deployment["id"])
try:
    after = session.pipelines.status(deploy_name)["status"]
except NotFoundError as err:  # the deployment is gone entirely (the sandbox's answer)
    print("status after undeploy: 404 -", err.msg)
else:  # an instance that still reports it must not call it running
    assert after not in ("Running", "Starting"), f"still {after} after undeploy"
    print("status after undeploy:", after)

# %% [markdown]
# ## 7. The Pipelines panel
#
# Create a pipeline (empty or with model steps from the workspace), deploy with a progress bar,
# status details, the external URL, inference from a DataFrame or an uploaded JSON/Arrow file shown as
# a table, undeploy and copy.

# %%
from wallaroo_widgets.panels import ConsoleState, PipelinesPanel

state = ConsoleState(session=session)
state.workspace = next(w for w in session.workspaces.list() if w["id"] == workspace_id)
state.remember_pipeline({"id": created["pipeline_pk_id"], "name": pipeline_name, "workspace_id": workspace_id,
                         "version_pk_id": created["pipeline_variant_pk_id"], "url": url, "status": "undeployed",
                         "models": [{"name": model_name, "version": version["model_version"],
                                     "sha": version["sha"], "id": version_id}]})
pipelines_panel = PipelinesPanel(state=state)
pipelines_panel.infer_data = df_in  # "Run inference" sends this DataFrame
assert not pipelines_panel.error, pipelines_panel.error
pipelines_panel

# %% [markdown]
# ## Clean-up
#
# The pipeline is undeployed (a deployed pipeline cannot be deleted: the server answers 409, a
# `ConflictError`). Today's API deletes what we made: `pipelines.delete_pipeline` removes a pipeline with its
# versions, deployment history and inference logs; then `models.delete_model` removes the model (refused
# while any pipeline version uses it, so the pipelines go first). **What remains:** the workspace
# `tutorial-pipelines`, empty (no workspace delete). On a 2023-era instance (`has_current_api()` False) the
# model and both pipelines stay, and each run adds a pipeline version, a deployment record and six logs.

# %%
try:
    session.pipelines.status(deploy_name)
    raise AssertionError("the deployment is still there")
except NotFoundError:
    pass
if session.pipelines.has_current_api():
    for name in (pipeline_name, f"{pipeline_name}-copy"):
        session.pipelines.delete_pipeline(workspace_id, name)
    session.models.delete_model(workspace_id, "tiny-linear")
    assert session.pipelines.list_pipelines(workspace_id) == [] and session.models.list(workspace_id) == []
model_path.unlink()
model_path.parent.rmdir()
session.close()
print("remains in", WORKSPACE, ": the empty workspace; nothing deployed")
