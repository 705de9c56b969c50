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
# house-price inferences with a drift episode in the middle, scored all month by the demo assay
# `house price drift`.
#
# The MLOps API cannot delete workspaces or assays (today's API deletes pipelines and models, which the
# clean-up does), so the notebook uses fixed names and reuses what an earlier run created — assay names are
# unique, so a second run finds its assay and re-activates it instead of creating another one.

# %%
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import display

from wallaroo_widgets import Session, ValidationError

session = Session.from_env()
WORKSPACE, PIPELINE, MODEL, IOPATH = "housepricesaga", "housepricepipe", "housepricemodel", "output variable 0"
DEMO_ASSAY = "house price drift"  # the sandbox's demo assay on housepricepipe
OWN_WORKSPACE, OWN_PIPELINE = "tutorial-assays", "tutorial-assay-pipe"  # ours, reused by later runs
ASSAY_NAME = "tutorial house price assay"  # the assay this notebook creates (once) on the demo pipeline
workspace = next(w for w in session.workspaces.list() if w["name"] == WORKSPACE)
# assays/list is newest first and other notebooks add assays to this pipeline: pick the demo assay by name
demo_assay = next(a for a in session.assays.list(workspace_id=workspace["id"]) if a["name"] == DEMO_ASSAY)
assert demo_assay["pipeline_name"] == PIPELINE, demo_assay["pipeline_name"]
pipeline_id = demo_assay["pipeline_id"]
print("demo workspace", workspace["id"], "pipeline", PIPELINE, pipeline_id, "| demo assay", demo_assay["id"])

# %% [markdown]
# ## 1. Inference results are what assays read
#
# Every inference is written to the pipeline's log. To see it without touching the demo pipeline, we
# deploy the house-price model in a pipeline of our own (workspace `tutorial-assays`, created on the
# first run), send it five houses taken from the demo logs, and read them back with `assays/get_baseline`.
#
# | `get_baseline` parameter | meaning |
# |---|---|
# | `workspace_id`, `pipeline_name` | whose logs |
# | `start`, `end` | optional time range (RFC 3339) |
# | `model_name` | optional: only this model's records |
# | `limit` | optional maximum number of records |

# %%
from wallaroo_widgets.sandbox.onnx_models import house_price_onnx

try:
    own_ws = session.workspaces.create(OWN_WORKSPACE)["workspace_id"]
except ValidationError:  # "workspace name already exists": made by an earlier run
    own_ws = next(w["id"] for w in session.workspaces.list() if w["name"] == OWN_WORKSPACE)
model_file = Path(tempfile.mkdtemp()) / "housepricemodel.onnx"
model_file.write_bytes(house_price_onnx())
model = next((m for m in session.models.list(own_ws) if m["name"] == MODEL), None)
if model is None:  # upload once; later runs reuse the model
    session.models.upload(MODEL, own_ws, model_file)
    model = next(m for m in session.models.list(own_ws) if m["name"] == MODEL)
version = session.models.list_versions(MODEL, model["id"])[-1]
version_id = version["id"]
own_pipeline = OWN_PIPELINE
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
logged = session.assays.get_baseline(own_ws, own_pipeline, start=result["time"].min())
assert len(logged) == len(houses), len(logged)  # exactly the five we just sent (earlier runs logged theirs too)
print(len(logged), "records logged; their columns:")
print("  ", ", ".join(c for c in logged.df.columns))

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
edges = pd.DataFrame({"edge": window_summary["edge_names"], "from the vector": vector_summary["edges"],
                      "from the window": window_summary["edges"]})
edges["difference"] = edges["from the vector"] - edges["from the window"]
with pd.option_context("display.float_format", "{:,.5f}".format):  # enough digits to see the last ones
    display(edges)

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
#
# **Reading a PSI score** — the usual rule of thumb behind the thresholds 0.1 and 0.25 used here (and the
# SDK's default alert threshold of 0.25):
#
# | PSI | reading | status with these thresholds |
# |---|---|---|
# | below 0.1 | no significant change | `Ok` |
# | 0.1 to 0.25 | moderate shift: worth a look | `Warning` |
# | 0.25 and above | significant shift | `Alert` |
#
# Names are unique instance-wide and assays cannot be deleted, so creating `tutorial house price assay`
# a second time fails with a `ValidationError` ("assay name already exists"). That is what happens when
# you run this notebook again: we then look the assay up by name, check it is the same configuration
# and re-activate it (the clean-up deactivated it).

# %%
assay_config = {
    "name": ASSAY_NAME,
    "pipeline_id": pipeline_id, "pipeline_name": PIPELINE, "workspace_id": workspace["id"],
    "baseline": {"static": window_summary},
    "window": {"pipeline_name": PIPELINE, "model_name": MODEL, "path": IOPATH, "width": "24 hours",
               "interval": "24 hours", "start": day1_end.isoformat(), "workspace_id": workspace["id"],
               "locations": []},
    "summarizer": SUMMARIZER,
    "warning_threshold": 0.1, "alert_threshold": 0.25,
    "run_until": (month["time"].max() + pd.Timedelta(hours=1)).isoformat(),
}
try:
    assay_id = session.assays.create(assay_config)["assay_id"]
    print("created assay", assay_id)
except ValidationError as err:
    if "already exists" not in err.msg:
        raise
    existing = next(a for a in session.assays.list(pipeline_id) if a["name"] == ASSAY_NAME)
    same = {k: existing["summarizer"].get(k) for k in SUMMARIZER} == SUMMARIZER and all(
        existing[k] == assay_config[k] for k in ("warning_threshold", "alert_threshold"))
    assert same, "an assay with this name but another configuration exists: pick another name"
    assay_id = existing["id"]
    session.assays.set_active(assay_id, True)
    print(f"{err.msg}: reusing assay {assay_id} from an earlier run (same configuration), re-activated")

# %% [markdown]
# ## 5. List, deactivate and activate
#
# | call | parameters | answer |
# |---|---|---|
# | `assays.list` | `pipeline_id` (int), or keywords `workspace_id` / `workspace_name` | the assays, **newest first**: `id`, `name`, `active`, `status` (`"created"`, or the last run's counts parsed into `run_at`, `num_ok`, `num_warnings`, `num_alerts`), thresholds, `next_run`, `baseline`, `window`, `summarizer` |
# | `assays.set_active` | `id` (the assay id), `active` (bool) | `{"id", "active"}`; an inactive assay is left alone by the scheduler |
#
# Because the list is newest first and several assays may watch one pipeline, pick an assay **by name**
# (or id), never by position.

# %%
assays = session.assays.list(pipeline_id)
assert [a["name"] for a in assays].count(ASSAY_NAME) == 1
assays.df[[c for c in ("id", "name", "active", "status", "warning_threshold", "alert_threshold", "next_run")
           if c in assays.df]]

# %%
assert session.assays.set_active(assay_id, False) == {"id": assay_id, "active": False}
assert not next(a for a in session.assays.list(pipeline_id) if a["id"] == assay_id)["active"]
assert session.assays.set_active(assay_id, True) == {"id": assay_id, "active": True}
print("deactivated and re-activated assay", assay_id)

# %% [markdown]
# ## 6. Preview every window: run_interactive
#
# `run_interactive` takes the same configuration, scores every window of the logs on the server and
# stores nothing. Each result carries the window summary, the per-bin `scores` and a `status`.
#
# | call | parameters | answer |
# |---|---|---|
# | `assays.run_interactive` | the full assay configuration (as for create), plus `id` of an existing assay if any | one result per window (nothing stored; `id`, `created_at` are null, `assay_id` = the `id` sent) |
#
# A result as a row of `.df` (the columns used below):
#
# | column | meaning |
# |---|---|
# | `window_start`, `window_end` | the window's bounds (`window_end` = `window_summary.end`; V1 results have no `window_end` key) |
# | `window_count`, `baseline_count` | number of values in the window and in the baseline |
# | `window_mean`, `window_median`, `window_min`, `window_max` | statistics of the window's values |
# | `score` | the metric's value for the window (PSI here) |
# | `scores` | per-bin contributions, `num_bins + 2` values (left outlier bin first, right outlier bin last) |
# | `bin_index` | MaxDiff only: the bin with the largest difference |
# | `status` | `Ok`, `Warning` (score ≥ warning threshold) or `Alert` (score ≥ alert threshold) |
# | `baseline_summary`, `window_summary` | the two histograms (edges, aggregated values, statistics), for the charts |

# %%
preview = session.assays.run_interactive({**assay_config, "id": assay_id})
preview_df = preview.df
assert len(preview_df) > 0 and set(preview_df["status"]) <= {"Ok", "Warning", "Alert"}
preview_df[["window_start", "window_count", "score", "status"]]

# %% [markdown]
# ## 7. Stored results: get_assay_results
#
# The scheduler runs active assays and stores one result per window; `get_assay_results` reads them. The
# demo assay `house price drift` has been running for the whole month.
#
# | `get_assay_results` parameter | meaning |
# |---|---|
# | `assay_id` | the assay's id |
# | `start`, `end` | optional period (datetime or RFC 3339): results with `start` ≤ `window_start` < `end`; left out, this toolkit sends 1970-01-01 and now + 1 day (newer servers require both) |
# | `workspace_id`, `workspace_name` | optional, keywords |
#
# The answer is ascending by `window_start`, with the columns above (plus `id`, `analyzed_at`, `created_at`).

# %%
stored = session.assays.get_assay_results(demo_assay["id"])
assert len(stored) and {r["assay_id"] for r in stored} == {demo_assay["id"]}
stored.df[["window_start", "score", "status"]].tail(10)

# %% [markdown]
# The demo assay was created with the configuration we previewed — day-1 baseline, 5 quantile bins, PSI,
# daily windows from day 2 — so the scheduler stored the scores `run_interactive` computed (up to float
# rounding):
# a preview tells you what an assay *will* store before you create it.

# %%
both = stored.df[["window_start", "score", "status"]].merge(
    preview_df[["window_start", "score", "status"]], on="window_start", suffixes=(" stored", " preview"))
assert len(both) == len(stored) == len(preview_df), (len(both), len(stored), len(preview_df))
rel_diff = ((both["score stored"] - both["score preview"]).abs() / both["score preview"].abs()).max()
assert rel_diff < 1e-6, both  # equal up to float rounding
assert (both["status stored"] == both["status preview"]).all(), both
print(f"{len(both)} windows: stored and previewed scores agree to 6 significant digits (largest relative "
      f"difference {rel_diff:.0e}); the statuses are identical")

# %% [markdown]
# Only the last week, with `start` and `end`:

# %%
last_week = session.assays.get_assay_results(demo_assay["id"], start=month["time"].max() - pd.Timedelta(days=7),
                                             end=month["time"].max())
assert 0 < len(last_week) < len(stored)
print(len(last_week), "of", len(stored), "stored windows:",
      f"{last_week.df['window_start'].min():%m-%d} to {last_week.df['window_start'].max():%m-%d}")

# %% [markdown]
# ## 8. Charts
#
# The score timeline with the warning and alert bands, the bins of the baseline and one window, and
# the statistics of both side by side.
#
# | function | parameters | shows |
# |---|---|---|
# | `plots.score_timeline` | `results` (a list of results, server or local), `warning_threshold`, `alert_threshold`, `title` | score per window start, coloured by status, with the threshold bands |
# | `plots.bins_comparison` | `baseline` (a Summary), `window` (a result or a window Summary), `title`, `summarizer` (only to score a bare Summary) | baseline vs window share per bin, outlier bins marked, per-bin scores on the bars |
# | `plots.stats_comparison` | `baseline`, `window` (Summaries or results), `title` | count, min, max, mean, median, std side by side with diff and % diff (`plots.stats_frame` gives the same as a DataFrame) |

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
assert assays_panel.table.select_where("name", DEMO_ASSAY), "the demo assay is not in the panel's table"
assays_panel.results_button.click()
assert not assays_panel.error, assays_panel.error
print(assays_panel.message)

# %% [markdown]
# ## Clean-up
#
# We deactivate the assay, undeploy our pipeline, then delete it and its model with today's
# `pipelines.delete_pipeline` / `models.delete_model` (the pipeline's versions, deployment record and the
# five logged inferences go with it; its model file is shared with the demo model, so nothing is freed).
# **What remains:**
#
# - the assay `tutorial house price assay` on the demo pipeline, **deactivated** (the API has no assay
#   delete; the scheduler leaves it alone), with the results it stored while it was active — its own, never
#   mixed into the demo assay's; the next run re-activates this same assay instead of creating another;
# - the workspace `tutorial-assays`, empty (no workspace delete).
#
# On a 2023-era instance (`has_current_api()` False) our model and pipeline stay, undeployed.

# %%
session.assays.set_active(assay_id, False)
session.pipelines.undeploy(created["pipeline_pk_id"], deployment["id"])
ours = [a for a in session.assays.list(pipeline_id) if a["name"] == ASSAY_NAME]
assert [a["active"] for a in ours] == [False], ours
if session.pipelines.has_current_api():
    session.pipelines.delete_pipeline(own_ws, own_pipeline)
    print("freed", session.models.delete_model(own_ws, MODEL), "bytes (the file is the demo model's too)")
model_file.unlink()
model_file.parent.rmdir()
session.close()
print(f"remains: assay {ASSAY_NAME!r} (id {assay_id}, deactivated), the workspace {OWN_WORKSPACE}")
