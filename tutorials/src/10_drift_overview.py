# %% [markdown]
# # 10 · Drift overview and reports: every field at once
#
# **What you will learn**
#
# - score **every input and output field** of a pipeline — each index of a tensor separately — over the same
#   windows against one baseline period, in one pass, with the **V1 or the V2** assay rules;
# - read the **heatmap** (fields × windows) and the **ranked table** (which fields drifted most, when, how far
#   over the threshold), and open one cell's **baseline vs window bins**;
# - do the same in the **Overview** widget (also a tab of the console), and **create assays** for the fields you
#   select, with exactly the configuration that was scored;
# - write a **report**: one self-contained HTML file (plotly.js inside) that opens offline and by e-mail.
#
# The sandbox's demo pipeline `housepricepipe` priced a month of houses; for a few days in the middle it was
# sent bigger houses. Notebook 08 looked at its output alone; here we look at all 18 inputs and the output.
# Every time below is computed from the logs' own times, so the notebook says the same whenever it runs.

# %%
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import display

import wallaroo_widgets
from wallaroo_widgets import Session, plots
from wallaroo_widgets.drift.overview import OverviewSettings, field_label, log_columns, score_overview
from wallaroo_widgets.panels.overview_model import load_logs

session = Session.from_env()
WORKSPACE, PIPELINE, DEMO_ASSAY = "housepricesaga", "housepricepipe", "house price drift"
ASSAY_PREFIX = "tutorial-overview"  # the assay section 6 creates, once (the API deletes no assay)
workspace = next(w for w in session.workspaces.list() if w["name"] == WORKSPACE)
demo_assay = next(a for a in session.assays.list(workspace_id=workspace["id"]) if a["name"] == DEMO_ASSAY)
pipeline = {"id": demo_assay["pipeline_id"], "name": PIPELINE, "workspace_id": workspace["id"]}

# today's cursor-paged pipelines/get_logs when the instance has it, else assays/get_baseline
logs = load_logs(session, pipeline)
columns = log_columns(logs)  # {"out.variable.0": ..., "in.tensor.0": ..., ...}: one array per tensor index
times = logs["time"]
start = times.min().floor("h")  # the month's first hour
print(f"{len(logs)} inferences, {len(columns)} fields, from {times.min():%Y-%m-%d %H:%M} to "
      f"{times.max():%Y-%m-%d %H:%M} UTC")

# %% [markdown]
# The demo model's input is one tensor of 18 house features. Their names make the tables easier to read:

# %%
FEATURES = ["bedrooms", "bathrooms", "sqft_living", "sqft_lot", "floors", "waterfront", "view", "condition",
            "grade", "sqft_above", "sqft_basement", "lat", "long", "sqft_living15", "sqft_lot15", "house_age",
            "renovated", "yrs_since_reno"]
NAMES = {f"in.tensor.{i}": name for i, name in enumerate(FEATURES)} | {"out.variable.0": "price (output)"}
assert set(NAMES) == set(columns), sorted(columns)

# %% [markdown]
# ## 1. One baseline, one window grid, every field
#
# `OverviewSettings` holds what every field shares: the baseline period, the windows (`width`, every
# `interval`, from `window_start` — by default the baseline's end), the bins, aggregation, metric and the
# thresholds. We take the demo assay's own set-up: day 1 is the baseline, then daily windows, Quantile 5 bins,
# PSI, warning 0.1 and alert 0.25.
#
# | `OverviewSettings` field | meaning |
# |---|---|
# | `baseline_start`, `baseline_end` | the baseline rows: logged at `baseline_start` ≤ t < `baseline_end` |
# | `width`, `interval` | window length and step (default: back-to-back windows) |
# | `window_start`, `until` | first window start (default `baseline_end`); windows stop with the last row (or `until`) |
# | `bin_mode`, `num_bins`, `aggregation`, `metric` | as an assay's summarizer (`Quantile`/`Equal` bins) |
# | `warning_threshold`, `alert_threshold` | the statuses of every field's windows |
# | `version` | `"V1"`: windows [start, end), V1 bins; `"V2"`: windows (start, end], V2 bins and float32 outputs |

# %%
settings = OverviewSettings(baseline_start=start, baseline_end=start + pd.Timedelta(days=1), width="24 hours",
                            warning_threshold=demo_assay["warning_threshold"],
                            alert_threshold=demo_assay["alert_threshold"], version="V1")
ov = score_overview(times, columns, settings)
print(f"{len(ov.keys)} fields × {len(ov.starts)} daily windows scored in {ov.elapsed * 1000:.0f} ms")
assert not ov.errors, ov.errors

# %% [markdown]
# The output row is what the demo assay stored for its daily windows (to the float32 precision the stored
# scores keep) — the overview runs the same engine, field by field, over rows and windows prepared once:

# %%
stored = session.assays.get_assay_results(demo_assay["id"]).df
row = ov.index_of("out.variable.0")
mine = pd.Series(ov.score[row], index=ov.starts)
both = [t for t in stored["window_start"] if t in mine.index]
assert len(both) >= 20, len(both)
np.testing.assert_allclose(mine[both].to_numpy(), stored.set_index("window_start").loc[both, "score"], rtol=1e-6)
print(f"{len(both)} daily windows: overview scores = the demo assay's stored scores")

# %% [markdown]
# ## 2. Which fields drifted, and when
#
# `ranked()` orders the fields by their highest score: when it happened (`worst_window`), how many windows
# alerted or warned, the first alert, and how far the peak is over the alert threshold (`over_alert`).

# %%
ranked = ov.ranked().drop(columns="error")
ranked.insert(1, "name", ranked["field"].map(NAMES))
alerted = ranked[ranked["alerts"] > 0]
print(f"{len(alerted)} of {len(ranked)} fields alert; the first alert is on day "
      f"{(alerted['first_alert'].min() - start).days + 1} of the month")
assert "out.variable.0" in set(alerted["field"]) and "in.tensor.2" in set(alerted["field"])  # price, sqft_living
display(ranked.head(10))

# %% [markdown]
# The heatmap shows the same at a glance: one row per field (the most drifted at the top), one column per
# window, the colour the score; Warning windows are ringed orange, Alert windows crossed red.

# %%
plots.overview_heatmap(ov)

# %% [markdown]
# ## 3. One cell up close
#
# `plots.window_result(ov, field, window)` turns one cell into the result dict the other figures draw: the
# field's baseline vs that window's bins, each bin's share of the score, and the statistics. We open the most
# drifted **input** at its worst window.

# %%
top = alerted.loc[alerted["field"].str.startswith("in."), "field"].iloc[0]
worst = int(np.nanargmax(ov.score[ov.index_of(top)]))
cell = plots.window_result(ov, top, worst)
print(f"{NAMES[top]} ({field_label(top)}), window from {cell['window_start']}: score {cell['score']:.3f}, "
      f"{cell['status']}")
plots.bins_comparison(cell["baseline_summary"], cell)

# %%
plots.stats_frame(cell["baseline_summary"], cell)

# %% [markdown]
# ## 4. V1 or V2 rules
#
# `version="V2"` scores with the Assays V2 rules: windows (start, end], V2's quantile bins (5 bins, no outlier
# bins) and float32 statistics for a float32 output. The two agree on which fields drift; the numbers differ.

# %%
ov2 = score_overview(times, columns, settings.replace(version="V2"))
compare = pd.DataFrame({"field": ov.keys, "name": [NAMES[k] for k in ov.keys],
                        "V1 alerts": (ov.status == "Alert").sum(axis=1), "V2 alerts": (ov2.status == "Alert").sum(axis=1),
                        "V1 peak": np.nanmax(ov.score, axis=1), "V2 peak": np.nanmax(ov2.score, axis=1)})
assert set(compare.loc[compare["V1 alerts"] > 0, "field"]) & set(compare.loc[compare["V2 alerts"] > 0, "field"])
compare.sort_values("V1 peak", ascending=False).head(8)

# %% [markdown]
# ## 5. The Overview widget
#
# `DriftOverview(session, workspace=..., pipeline=...)` (the console's **Overview** tab) does all of the above
# with the mouse: **Load logs** reads the pipeline's logs through the API and scores with defaults (baseline =
# the first quarter of the logs); change the baseline, window, bins, metric, thresholds or V1/V2 and press
# **Score every field**. Click a heatmap cell (or a ranked-table row) to see its bins.

# %%
from wallaroo_widgets.panels import DriftOverview

panel = DriftOverview(session, workspace=WORKSPACE, pipeline=PIPELINE)
panel.load_button.click()
assert not panel.error, panel.error
panel.baseline_start.value = start.isoformat()
panel.baseline_end.value = (start + pd.Timedelta(days=1)).isoformat()
panel.width.value = "24 hours"
panel.warning_threshold.value = "0.1"
panel.score_button.click()
assert not panel.error, panel.error
np.testing.assert_array_equal(panel.model.overview.score, ov.score)  # the same numbers as section 1
panel.select_cell(top, worst)  # what a click on that heatmap cell does
print(panel.message)
panel

# %% [markdown]
# ## 6. Assays for the selected fields
#
# **Create assays for the selected fields** makes one assay per selected field (V1 `assays/create`, or a V2
# schedule when V2 is chosen) with exactly the scored configuration: the overview's baseline summary as a
# static baseline, its window width and start, bins, metric and thresholds. We create one for the most drifted
# input. Names are unique and the API deletes no assay, so a second run finds it instead.

# %%
panel.fields.value = (top,)
panel.prefix.value = ASSAY_PREFIX
name = f"{ASSAY_PREFIX}-{top}"
existing = [a for a in session.assays.list(pipeline["id"]) if a["name"] == name]
if existing:
    assay_id = existing[0]["id"]
    print(f"reusing assay {name!r} (id {assay_id}) from an earlier run")
else:
    panel.create_button.click()
    assert not panel.error, panel.error
    assay_id = panel.created[0]["assay_id"]
    print(panel.message)
assay = session.assays.get_assay_by_id(assay_id)
assert assay["window"]["path"] == field_label(top) and assay["window"]["width"] == "24 hours"

# %% [markdown]
# ## 7. Reports to share
#
# `wallaroo_widgets.report(...)` (also `plots.report`) builds **one HTML file**: the configuration, the score
# timeline with its threshold bands, the bins comparison and statistics of every Warning/Alert window, and the
# overview heatmap with its ranked table when you pass one. plotly.js is embedded, so the file opens offline;
# no token or password is ever written into it. The **Save report** buttons of the Assays tab, of the
# assay builder and of the Overview do the same.

# %%
folder = Path(tempfile.mkdtemp(prefix="drift-reports-"))
demo_results = session.assays.get_assay_results(demo_assay["id"])
assay_report = wallaroo_widgets.report(list(demo_results), config=demo_assay, title=f"Assay {DEMO_ASSAY}")
overview_report = wallaroo_widgets.report(overview=ov, field=top, title="House prices: drift overview")
for rep, file in ((assay_report, "demo-assay.html"), (overview_report, "overview.html")):
    path = rep.save(folder / file)
    print(f"{path.name}: {path.stat().st_size // 1024} KiB, {rep.figures} charts")
assert session.provider.access_token() not in overview_report.html

# %% [markdown]
# ## Clean-up
#
# **What remains:** the assay `tutorial-overview-<field>` on the demo pipeline, **deactivated** (the scheduler
# leaves it alone), with the results it stored while it was active; the API cannot delete an assay, so the next
# run finds it by name. The two report files were written to a temporary folder, which we delete; everything
# else in this notebook was computed locally.

# %%
session.assays.set_active(assay_id, False)
assert [a["active"] for a in session.assays.list(pipeline["id"]) if a["name"] == name] == [False]
shutil.rmtree(folder)
session.close()
print(f"remains (no delete in the API): assay {name!r} (id {assay_id}), deactivated")
