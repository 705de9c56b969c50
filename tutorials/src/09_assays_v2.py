# %% [markdown]
# # 09 · Assays V2
#
# **What you will learn** — the assays that Wallaroo 2024.4 and later (and the current SDK) create by default,
# **Assays V2** (`/v2/api/assays/*`, UUID ids), with this toolkit:
#
# - **list** V1 and V2 assays together, **get** one V2 assay and its **next run**;
# - **build** a V2 configuration from Python (baseline as a time range, bins, metric, thresholds per
#   iopath, window width, run frequency, first run, end) and **convert** a V1 configuration;
# - **preview_baseline_binning**, **preview** (nothing stored), **schedule**, **get_results**,
#   **set_active** and **score**;
# - the **charts** and the **Assays panel** on V2 results.
#
# The notebook uses the sandbox demo pipeline `housepricepipe` (workspace `housepricesaga`): a month of
# house-price inferences with a drift episode in the middle, scored all month by the demo V2 assay
# `house price drift v2` (next to the V1 assay `house price drift` of notebook 07).
#
# **V1 and V2 differ** in more than the path:
#
# | | V1 (`/v1/api/assays/*`) | V2 (`/v2/api/assays/*`) |
# |---|---|---|
# | ids | integers | UUID strings |
# | Quantile *n* bins | *n* + 2 (two outlier bins), closest-observation edges | exactly *n*, linear-interpolation edges, last edge `"INFINITY"` |
# | bin names | `left_outlier`, `q_20`, … | `"< 20%"`, `"20% - 40%"`, … |
# | thresholds | one pair per assay | per monitored iopath (`targeting.iopath[i].thresholds`) |
# | iopaths | one per assay (`output variable 0`) | several per assay (`out.variable.0`, …), one score each; the result's status is the worst |
# | results | flat, one score | `scores` and `summaries` keyed by iopath; a failed iopath scores a message string |
# | stored baseline | a Summary | always `{"Summary": {<iopath>: …}}` (a time range is summarised once, at creation) |
# | create | `assays/create` → `{"assay_id": N}` | `schedule` → a bare JSON string (the UUID) |
#
# Assays cannot be deleted through the API, so the notebook uses a fixed name and reuses what an earlier
# run created (it re-activates its assay instead of creating another).

# %%
import datetime as dt

import pandas as pd
from IPython.display import display

from wallaroo_widgets import ConflictError, Session
from wallaroo_widgets.api import assays_v2

session = Session.from_env()
WORKSPACE, PIPELINE = "housepricesaga", "housepricepipe"
DEMO_V1, DEMO_V2 = "house price drift", "house price drift v2"  # the sandbox's demo assays
ASSAY_NAME = "tutorial house price assay v2"  # the assay this notebook schedules (once)
workspace = next(w for w in session.workspaces.list() if w["name"] == WORKSPACE)
print("demo workspace", workspace["name"], workspace["id"])

# %% [markdown]
# ## 1. V1 and V2 assays in one list
#
# `assays_v2.all_assays(session)` asks both APIs and returns one list with a `version` column; an instance
# that does not answer one of them (404) simply contributes no rows of that version.
#
# | parameter | meaning |
# |---|---|
# | `workspace_id` | optional: only this workspace's assays (default: every workspace you are a member of) |
# | `next_runs` | ask `get_next_run` for every V2 assay (`last_run`, `next_run`), default `True` |

# %%
listing = assays_v2.all_assays(session, workspace_id=workspace["id"])
assert {DEMO_V1, DEMO_V2} <= {r["name"] for r in listing}
listing.df[["version", "id", "name", "active", "pipeline_name", "iopaths", "last_run", "next_run"]]

# %% [markdown]
# ## 2. One V2 assay: get and get_next_run
#
# | call | parameters | answer |
# |---|---|---|
# | `assays_v2.list` | `active` (`All`, `ActiveOnly`, `InactiveOnly`), `workspace_id`, `pipeline_name` | `AssayV2` objects, newest first (`.df`: one row each) |
# | `assays_v2.get` | `id` (the UUID) | one `AssayV2`: `name`, `active`, `baseline`, `scheduling`, `summarizer`, `targeting`, `window` |
# | `assays_v2.get_next_run` | `id` | `{"last_run", "next_run"}`; `next_run` is `None` while the assay is paused |

# %%
demo_row = next(r for r in listing if r["name"] == DEMO_V2)
demo = session.assays_v2.get(demo_row["id"])
key = demo.targeting.keys[0]  # the iopath key, e.g. out.variable.0
baseline = demo.baseline.summaries[key]  # stored as a Summary
print(f"{demo.name}: iopath {key}, thresholds {demo.targeting.iopath[0].thresholds.to_api()},",
      f"window {demo.window.width_seconds} s every {demo.scheduling.quantity} {demo.scheduling.unit}")
print("baseline bins:", list(baseline.labels))
print("runs:", session.assays_v2.get_next_run(demo_row["id"]))

# %% [markdown]
# ## 3. Its stored results
#
# `get_results(id, start, end, assay=...)` returns `AssayResultV2` objects with `start` ≤ `window_end` <
# `end`; `.df` has the SDK's `to_dataframe` columns (one row per window and iopath), then the window
# bounds, the count and the per-bin scores. Passing `assay=` makes each status follow that iopath's own
# thresholds, as the SDK does.

# %%
results = session.assays_v2.get_results(demo_row["id"], assay=demo)
stored = results.df
assert len(stored) > 20 and set(stored["status"]) <= {"Ok", "Warning", "Alert"}
stored[["window_start", "window_end", "count", "score", "status"]].tail(10)

# %% [markdown]
# ## 4. Build a V2 configuration from Python
#
# `assays_v2.config(name, ...)` returns the configuration that `preview`, `schedule` and `score` take.
#
# | parameter | meaning |
# |---|---|
# | `pipeline_id`, `pipeline_name`, `workspace_id`, `workspace_name` | whose inference logs |
# | `baseline` | `(start, end)`: a time range of the logs (summarised once, at creation); a list of values; or `{<iopath>: summary}` |
# | `iopaths` | one key or a list: `"out.variable.0"` = output `variable`, element 0 |
# | `bins`, `bin_mode` | a count with `Quantile` (default), `Equal` or `QuantileWithExplicitOutliers`; a list of edges (Provided) |
# | `metric`, `aggregation` | `PSI` / `MaxDiff` / `SumDiff`; `Density` / `Cumulative` |
# | `alert`, `warning` | thresholds for every iopath (default alert 0.25); `thresholds={key: {...}}` per iopath |
# | `width`, `frequency` | window width and run frequency (`"24 hours"`, a `timedelta` or seconds; frequency defaults to the width) |
# | `first_run`, `end` | the first window **starts** at `first_run` (default: the baseline's end); no run after `end` |
#
# Here: the same setup as the demo assay — day 1 of the month as the baseline, daily windows from day 2.

# %%
start = pd.Timestamp(baseline.start)
month_end = start + pd.Timedelta(days=30)
config = assays_v2.config(
    ASSAY_NAME, pipeline_id=demo.targeting.data_origin.pipeline_id, pipeline_name=PIPELINE,
    workspace_id=workspace["id"], workspace_name=WORKSPACE,
    baseline=(start, start + pd.Timedelta(days=1)), iopaths=key, bins=5, metric="PSI",
    warning=0.1, alert=0.25, width="24 hours", frequency="24 hours", first_run=start + pd.Timedelta(days=1),
    end=month_end)
config.to_api()["scheduling"]

# %% [markdown]
# `preview_baseline_binning` shows how the baseline would be binned, keyed by the iopath: five
# quantile bins of 20 % each (V1 would add two outlier bins).

# %%
binned = session.assays_v2.preview_baseline_binning(config)[key]
pd.DataFrame({"bin": binned.labels, "right edge": binned.bins.to_api()["edges"], "share": binned.aggregated_values})

# %% [markdown]
# ## 5. Preview every window, nothing stored
#
# | call | parameters | answer |
# |---|---|---|
# | `assays_v2.preview` | `config`, `start` (default `first_run`), `end` (default the config's `end`) | one `PreviewResult` per window with data: windows [start + k·frequency, … + width] ending by `end`; `id` 0 and a fresh `assay_id` |
#
# The preview of the demo assay's configuration gives the scores the scheduler stored.

# %%
preview = session.assays_v2.preview(config)
both = stored[["window_end", "score", "status"]].merge(preview.df[["window_end", "score", "status"]],
                                                       on="window_end", suffixes=(" stored", " preview"))
assert len(both) == len(stored) == len(preview)
assert ((both["score stored"] - both["score preview"]).abs() < 1e-12).all()
assert (both["status stored"] == both["status preview"]).all()
print(f"{len(both)} windows: stored and previewed scores are equal; statuses",
      dict(both["status preview"].value_counts()))

# %% [markdown]
# ## 6. Schedule, pause and resume
#
# | call | parameters | answer |
# |---|---|---|
# | `assays_v2.schedule` | `config` | the new assay's id (a UUID string); names are unique instance-wide (`ConflictError`) |
# | `assays_v2.set_active` | `id`, `active` | nothing; a paused assay does not run and has no `next_run` |
#
# A second run of this notebook finds the assay by name and re-activates it (the clean-up paused it).
# Our configuration ends with the demo month (`end=month_end`), whose windows are all in the past: the
# scheduler back-fills them at once, and once they are done there is no next run even while active.

# %%
try:
    assay_id = session.assays_v2.schedule(config)
    print("scheduled", assay_id)
except ConflictError as err:
    assay_id = next(str(a.id) for a in session.assays_v2.list(workspace_id=workspace["id"]) if a.name == ASSAY_NAME)
    session.assays_v2.set_active(assay_id, True)
    print(f"{err.msg}: reusing {assay_id} from an earlier run, re-activated")
mine = session.assays_v2.get(assay_id)
assert mine.active and list(mine.baseline.summaries) == [key]  # the time range is now a stored Summary

# %%
session.assays_v2.set_active(assay_id, False)
assert session.assays_v2.get_next_run(assay_id)["next_run"] is None
session.assays_v2.set_active(assay_id, True)
resumed = session.assays_v2.get_next_run(assay_id)["next_run"]
ended = month_end <= pd.Timestamp.now(tz="UTC")
assert resumed is not None or ended, "an active assay before its end has a next run"
print("paused and resumed; next run:", resumed or f"none (the configuration ended at {month_end:%m-%d %H:%M} UTC)")

# %% [markdown]
# ## 7. Score one window
#
# `score(config, window)` scores a single window against the baseline: a list of values (`Raw`) or a
# `(start, end)` range of the logs (`Stored`). The answer is keyed by iopath; a failed iopath gets a
# message string instead of a score.

# %%
drift_day = both.loc[both["score preview"].idxmax(), "window_end"]
scores = session.assays_v2.score(config, (drift_day - pd.Timedelta(days=1), drift_day))
quiet = session.assays_v2.score(config, (start + pd.Timedelta(days=1), start + pd.Timedelta(days=2)))
print(f"worst day {drift_day:%m-%d}: PSI {scores[key].score:.3f}; day 2: PSI {quiet[key].score:.3f}")

# %% [markdown]
# ## 8. From a V1 configuration
#
# `assays_v2.from_v1(v1_config)` converts a V1 configuration the way the SDK does (width → seconds,
# interval → run frequency, `window.start` → `first_run`, `output variable 0` → `out.variable` [0],
# thresholds → the iopath's). Here the demo V1 assay's configuration:

# %%
v1 = next(a for a in session.assays.list(workspace_id=workspace["id"]) if a["name"] == DEMO_V1)
converted = assays_v2.from_v1({**v1, "run_until": month_end.isoformat()})
body = converted.to_api()
display(pd.Series({"iopath": converted.targeting.keys[0], "width s": body["window"]["width"]["seconds"],
                   "frequency": body["scheduling"]["run_frequency"], "first_run": body["scheduling"]["first_run"],
                   "thresholds": body["targeting"]["iopath"][0]["thresholds"]}).to_frame("converted"))

# %% [markdown]
# ## 9. Charts
#
# The figures of notebook 07 take V2 results too: pass the `AssayV2` (baseline and per-iopath
# thresholds) and, for several iopaths, `iopath=`.

# %%
from wallaroo_widgets import plots

plots.score_timeline(list(results), targeting=demo.targeting)

# %%
worst = results[int(stored["score"].idxmax())]
plots.bins_comparison(demo, worst, summarizer=demo.summarizer, targeting=demo.targeting)

# %%
plots.stats_comparison(demo, worst)

# %% [markdown]
# ## 10. The Assays panel
#
# The panel lists V1 and V2 assays together (`version` column); selecting a V2 assay and **Load results**
# shows its timeline, table, bins and statistics like a V1 one, and Activate/Deactivate work for both.

# %%
from wallaroo_widgets.panels import AssaysPanel

assays_panel = AssaysPanel(session, workspace=WORKSPACE, pipeline=PIPELINE)
assert not assays_panel.error, assays_panel.error
assert assays_panel.table.select_where("name", DEMO_V2)
assays_panel.results_button.click()
assert not assays_panel.error, assays_panel.error
print(assays_panel.message)
assays_panel

# %% [markdown]
# ## Clean-up
#
# **What remains**, since the MLOps API has no assay delete: the V2 assay `tutorial house price assay v2` on
# the demo pipeline, **paused** (it does not run; its configuration and any results it stored stay); the
# next run of this notebook re-activates this same assay instead of scheduling another. We pause it and
# close the session.

# %%
session.assays_v2.set_active(assay_id, False)
assert not session.assays_v2.get(assay_id).active
session.close()
print(f"remains (no delete in the API): V2 assay {ASSAY_NAME!r} ({assay_id}), paused")
