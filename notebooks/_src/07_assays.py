# %% [markdown]
# # 07 · Assays
#
# **What you will learn** — the Wallaroo assay tutorial flow with this toolkit:
#
# - **infer**: inference results are logged, and assays read those logs (`get_baseline`);
# - **summarize** a baseline from a vector of values and from a time window;
# - **create** an assay, **list** assays, **deactivate/activate** one;
# - **run_interactive** (a preview of every window, nothing stored) and **get_assay_results**;
# - the charts: **score timeline** with warning/alert bands, **baseline vs window bins**, and the
#   **stats comparison** — plus the **Assays panel**.
#
# The assay part uses the sandbox demo pipeline `housepricepipe` (workspace `housepricesaga`): a month of
# house-price inferences with a drift episode in the middle.

# %%
import secrets
import tempfile
from pathlib import Path

import pandas as pd

from wallaroo_widgets import Session

session = Session.from_env()
SUFFIX = secrets.token_hex(3)
WORKSPACE, PIPELINE, MODEL, IOPATH = "housepricesaga", "housepricepipe", "housepricemodel", "output variable 0"
workspace = next(w for w in session.workspaces.list() if w["name"] == WORKSPACE)
demo_assays = session.assays.list(workspace_id=workspace["id"])
pipeline_id = next(a["pipeline_id"] for a in demo_assays if a["pipeline_name"] == PIPELINE)
print("demo workspace", workspace["id"], "pipeline", PIPELINE, pipeline_id)

# %% [markdown]
# ## 1. Inference results are what assays read
#
# Every inference is written to the pipeline's log. To see it without touching the demo pipeline, we
# deploy the house-price model in a pipeline of our own, send it five houses taken from the demo logs,
# and read them back with `assays/get_baseline`.
#
# | `get_baseline` parameter | meaning |
# |---|---|
# | `workspace_id`, `pipeline_name` | whose logs |
# | `start`, `end` | optional time range (RFC 3339) |
# | `model_name` | optional: only this model's records |
# | `limit` | optional maximum number of records |

# %%
from wallaroo_widgets.sandbox.onnx_models import house_price_onnx

own_ws = session.workspaces.create(f"nb-assays-{SUFFIX}")["workspace_id"]
model_file = Path(tempfile.mkdtemp()) / "housepricemodel.onnx"
model_file.write_bytes(house_price_onnx())
version_id = session.models.upload(MODEL, own_ws, model_file)["id"]
model = next(m for m in session.models.list(own_ws) if m["name"] == MODEL)
version = session.models.list_versions(MODEL, model["id"])[-1]
own_pipeline = f"nb-assay-pipe-{SUFFIX}"
created = session.pipelines.create(own_pipeline, own_ws, [session.pipelines.model_step(
    {"name": MODEL, "version": version["model_version"], "sha": version["sha"]})])
deployment = session.pipelines.deploy(own_pipeline, created["pipeline_variant_pk_id"], created["pipeline_pk_id"],
                                      model_ids=[version_id])
session.pipelines.wait_until_running(session.pipelines.deployment_name(own_pipeline, deployment["id"]),
                                     timeout=60, poll_interval=0.25)
url = session.pipelines.external_url(own_ws, own_pipeline)

houses = session.assays.get_baseline(workspace["id"], PIPELINE, limit=5).df[["in.tensor"]].head(5)
houses = houses.rename(columns={"in.tensor": "tensor"})
result = session.pipelines.infer(url, houses)
result[["time", "out.variable"]]

# %%
logged = session.assays.get_baseline(own_ws, own_pipeline)
print(len(logged), "records logged;", "columns:", ", ".join(c for c in logged.df.columns if "." in c)[:120])

# %% [markdown]
# ## 2. Baseline data from the demo month
#
# Day 1 of the month is the baseline period. `get_baseline` returns the raw records; the iopath
# `output variable 0` means: direction `output`, field `variable`, index 0.

# %%
month = session.assays.get_baseline(workspace["id"], PIPELINE).df
start = month["time"].min().floor("h")
day1_end = start + pd.Timedelta(days=1)
day1 = month[month["time"] < day1_end]
values = day1["out.variable"].map(lambda v: float(v[0]))
print(f"{len(month)} records in the month; {len(day1)} on day 1 (from {start:%Y-%m-%d %H:%M} UTC)")
values.describe().to_frame("day 1 output").T

# %% [markdown]
# ## 3. Summarize a baseline
#
# | summarizer field | values |
# |---|---|
# | `type` | `UnivariateContinuous` |
# | `bin_mode` | `Quantile` (baseline quantiles), `Equal` (equal widths), `Provided` (`provided_edges`) |
# | `num_bins` | number of bins (5–14 recommended); two outlier bins are added |
# | `aggregation` | `Density`, `Cumulative` or `Edges` |
# | `metric` | `PSI`, `MaxDiff` or `SumDiff` |
# | `bin_weights` | optional, `num_bins + 2` weights |
#
# **From a vector** of values (e.g. a validation set's predictions):

# %%
SUMMARIZER = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
              "num_bins": 5, "bin_weights": None, "provided_edges": None}
vector_summary = session.assays.summarize(SUMMARIZER, {"vector": values.tolist()})
pd.DataFrame({"edge": vector_summary["edge_names"], "value": vector_summary["edges"],
              "share": vector_summary["aggregated_values"]})

# %% [markdown]
# **From a time window** of the pipeline's logs (`fixed_window`):
#
# | window field | meaning |
# |---|---|
# | `pipeline_name`, `model_name`, `workspace_id` | whose logs |
# | `path` | the iopath, e.g. `output variable 0` |
# | `start`, `width` | the period, e.g. `24 hours` |
# | `interval` | step between windows (defaults to `width`) |

# %%
window_summary = session.assays.summarize(SUMMARIZER, {"fixed_window": {
    "pipeline_name": PIPELINE, "model_name": MODEL, "path": IOPATH, "workspace_id": workspace["id"],
    "start": start.isoformat(), "width": "24 hours", "interval": "24 hours", "locations": []}})
pd.DataFrame({"edge": window_summary["edge_names"], "from the vector": vector_summary["edges"],
              "from the window": window_summary["edges"]})

# %% [markdown]
# Same 298 values, yet the edges differ in the last digits: the model's output is float32. The JSON
# values we put in the vector are float32's *shortest decimals* (e.g. `367217.72`), while the server
# widens the logged float32 values exactly to float64 (`367217.71875`). Wallaroo behaves the same way;
# the scores barely move.

# %%
rel = [abs(a - b) / abs(b) for a, b in zip(vector_summary["edges"][:-1], window_summary["edges"][:-1], strict=True)]
print("count:", vector_summary["count"], "vs", window_summary["count"], "| largest relative edge difference:",
      f"{max(rel):.1e}")

# %% [markdown]
# ## 4. Create an assay
#
# | parameter | meaning |
# |---|---|
# | `name` | unique name |
# | `pipeline_id`, `pipeline_name`, `workspace_id` | the pipeline whose logs are scored |
# | `baseline` | `{"static": <summary>}` from summarize |
# | `window` | `pipeline_name`, `model_name`, `path`, `width`, `interval`, `start`, `workspace_id` |
# | `summarizer` | as above |
# | `warning_threshold`, `alert_threshold` | scores at or above them are Warning / Alert |
# | `run_until` | optional end of scheduling |

# %%
assay_config = {
    "name": f"nb-assay-{SUFFIX}",
    "pipeline_id": pipeline_id, "pipeline_name": PIPELINE, "workspace_id": workspace["id"],
    "baseline": {"static": window_summary},
    "window": {"pipeline_name": PIPELINE, "model_name": MODEL, "path": IOPATH, "width": "24 hours",
               "interval": "24 hours", "start": day1_end.isoformat(), "workspace_id": workspace["id"],
               "locations": []},
    "summarizer": SUMMARIZER,
    "warning_threshold": 0.1, "alert_threshold": 0.25,
    "run_until": (month["time"].max() + pd.Timedelta(hours=1)).isoformat(),
}
assay_id = session.assays.create(assay_config)["assay_id"]
print("created assay", assay_id)

# %% [markdown]
# ## 5. List, deactivate and activate

# %%
assays = session.assays.list(pipeline_id)
assays.df[[c for c in ("id", "name", "active", "status", "warning_threshold", "alert_threshold", "next_run")
           if c in assays.df]]

# %%
print(session.assays.set_active(assay_id, False))
print(session.assays.set_active(assay_id, True))

# %% [markdown]
# ## 6. Preview every window: run_interactive
#
# `run_interactive` takes the same configuration, scores every window of the logs on the server and
# stores nothing. Each result carries the window summary, the per-bin `scores` and a `status`.

# %%
preview = session.assays.run_interactive({**assay_config, "id": assay_id})
preview_df = preview.df
preview_df[["window_start", "window_count", "score", "status"]]

# %% [markdown]
# ## 7. Stored results: get_assay_results
#
# The scheduler runs active assays and stores one result per window; `get_assay_results` reads them
# (optionally between `start` and `end`). The demo assay has been running for the whole month.

# %%
demo_assay = next(a for a in demo_assays if a["pipeline_name"] == PIPELINE)
stored = session.assays.get_assay_results(demo_assay["id"])
stored.df[["window_start", "score", "status"]].tail(10)

# %% [markdown]
# ## 8. Charts
#
# The score timeline with the warning and alert bands, the bins of the baseline and one window, and
# the statistics of both side by side.

# %%
from wallaroo_widgets import plots

plots.score_timeline(list(preview), warning_threshold=0.1, alert_threshold=0.25)

# %%
worst = preview[int(preview_df["score"].idxmax())]
plots.bins_comparison(worst["baseline_summary"], worst)

# %%
plots.stats_comparison(worst["baseline_summary"], worst)

# %% [markdown]
# ## 9. The Assays panel
#
# Assays of the selected pipeline with activate/deactivate, results over a period as a score timeline
# and a table; selecting a window shows its bins, the bin contribution and the stats comparison.

# %%
from wallaroo_widgets.panels import AssaysPanel, ConsoleState

state = ConsoleState(session=session)
state.workspace = workspace
state.pipeline = state.remember_pipeline({"id": pipeline_id, "name": PIPELINE, "workspace_id": workspace["id"]})
assays_panel = AssaysPanel(state=state)
assert not assays_panel.error, assays_panel.error
assays_panel

# %% [markdown]
# Select the demo assay and load its results, as the row click and the **Load results** button do; the
# panel above updates in place.

# %%
assays_panel.table.select_where("name", demo_assay["name"])
assays_panel.results_button.click()
assert not assays_panel.error, assays_panel.error
print(assays_panel.message)

# %% [markdown]
# ## Clean-up
#
# Assays cannot be deleted through the API: deactivate ours. Undeploy our pipeline (it lives in its
# own uniquely named workspace) and remove the model file.

# %%
session.assays.set_active(assay_id, False)
session.pipelines.undeploy(created["pipeline_pk_id"], deployment["id"])
model_file.unlink()
model_file.parent.rmdir()
session.close()
print("deactivated assay", assay_id, "and undeployed", own_pipeline)
