# %% [markdown]
# # 08 · Drift exploration: the demo month
#
# **What you will learn**
#
# - take day 1 of the demo pipeline's month of inference logs as the **baseline** and score every day
#   and every hour against it with the local drift engine (Wallaroo's exact assay math, no server call);
# - find **where the drift starts**;
# - see what changes with the **number of bins**, the **bin mode**, the **metric** and **bin weights**;
# - compare two windows bin by bin and measure the **outlier bins' contribution** to the score;
# - tune everything in the interactive **assay builder** and create the assay you chose.
#
# The sandbox's demo pipeline `housepricepipe` (workspace `housepricesaga`) priced a month of houses;
# for a few days in the middle it was sent larger houses, so its output `variable` drifted up.

# %%
import secrets

import pandas as pd

from wallaroo_widgets import Session, drift
from wallaroo_widgets.api.frames import results_frame

session = Session.from_env()
SUFFIX = secrets.token_hex(3)
WORKSPACE, PIPELINE, MODEL, IOPATH = "housepricesaga", "housepricepipe", "housepricemodel", "output variable 0"
workspace = next(w for w in session.workspaces.list() if w["name"] == WORKSPACE)
demo_assay = next(a for a in session.assays.list(workspace_id=workspace["id"]) if a["pipeline_name"] == PIPELINE)
pipeline_id = demo_assay["pipeline_id"]

logs = session.assays.get_baseline(workspace["id"], PIPELINE).df
times = logs["time"]
values = logs["out.variable"].map(lambda v: float(v[0])).to_numpy()
start = times.min().floor("h")
print(f"{len(logs)} inferences from {times.min():%Y-%m-%d %H:%M} to {times.max():%Y-%m-%d %H:%M} UTC")

# %% [markdown]
# ## 1. Baseline: day 1
#
# A **summarizer** says how a window is reduced to a histogram and compared with the baseline:
#
# | field | values | meaning |
# |---|---|---|
# | `bin_mode` | `Quantile`, `Equal`, `Provided` | baseline quantiles, equal widths, or your `provided_edges` |
# | `num_bins` | 5–14 recommended | bins between min and max; two outlier bins are added |
# | `aggregation` | `Density`, `Cumulative`, `Edges` | how a bin's value is computed |
# | `metric` | `PSI`, `MaxDiff`, `SumDiff` | population stability index, largest or summed bin difference |
# | `bin_weights` | `num_bins + 2` numbers | per-bin weights, outlier bins included |

# %%
SUMMARIZER = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "num_bins": 5, "aggregation": "Density",
              "metric": "PSI", "bin_weights": None, "provided_edges": None}
summ = drift.Summarizer.from_dict(SUMMARIZER)
day1 = (times >= start) & (times < start + pd.Timedelta(days=1))
baseline = drift.summarize(values[day1.to_numpy()], summ, start=start, end=start + pd.Timedelta(days=1))
pd.DataFrame({"edge": baseline["edge_names"], "edge value": baseline["edges"],
              "baseline share": baseline["aggregated_values"]})

# %% [markdown]
# ## 2. Daily windows
#
# `score_windows` cuts the logs into windows (`width`, every `interval`, from `start`), summarises each
# with the baseline's edges and scores it. Status: `Alert` when the score reaches the alert threshold,
# `Warning` for the warning threshold.

# %%
WARNING, ALERT = 0.1, 0.25


def score(summarizer=SUMMARIZER, width="24 hours", base=None):
    s = drift.Summarizer.from_dict(summarizer)
    b = base or drift.summarize(values[day1.to_numpy()], s, start=start, end=start + pd.Timedelta(days=1))
    res = drift.score_windows(times, values, b, s, start=start, width=width,
                              warning_threshold=WARNING, alert_threshold=ALERT)
    return res, results_frame(res)


daily, daily_df = score()
daily_df[["window_start", "window_count", "window_mean", "score", "status"]]

# %%
from wallaroo_widgets import plots

plots.score_timeline(daily, warning_threshold=WARNING, alert_threshold=ALERT)

# %% [markdown]
# ## 3. Where does the drift start?

# %%
flagged = daily_df[daily_df["status"] != "Ok"]
first = flagged.iloc[0]
print(f"first flagged day: {first['window_start']:%Y-%m-%d} (day {(first['window_start'] - start).days + 1}), "
      f"score {first['score']:.3f} -> {first['status']}")
print("flagged days:", ", ".join(f"{t:%m-%d}" for t in flagged["window_start"]))

# %% [markdown]
# **Hourly windows** (`width="1 hour"`) hold only about a dozen inferences each: too few for a 5-bin
# PSI, so even normal days alert in most hours. Only the drift days alert in *every* hour:

# %%
hourly, hourly_df = score(width="1 hour")
alerts = hourly_df.assign(day=hourly_df["window_start"].dt.strftime("%m-%d")).groupby("day")["status"]
per_day = alerts.apply(lambda s: int((s == "Alert").sum())).to_frame("alerting hours")
per_day["hours"] = alerts.size()
per_day.T

# %% [markdown]
# Wider windows that **slide by an hour** (`width="6 hours"`, `interval="1 hour"`) keep the hourly
# resolution with enough data per window. The longest unbroken run of alerts marks the drift episode:

# %%
sliding = drift.score_windows(times, values, baseline, summ, start=start, width="6 hours", interval="1 hour",
                              warning_threshold=WARNING, alert_threshold=ALERT)
sliding_df = results_frame(sliding)
alert = sliding_df["status"].eq("Alert")
run_id = (alert != alert.shift()).cumsum()
longest = alert.groupby(run_id).sum().idxmax()
episode = sliding_df[run_id == longest]
print(f"{len(sliding_df)} sliding windows; alerts without a break from the window "
      f"{episode['window_start'].iloc[0]:%m-%d %H:%M} to the window {episode['window_start'].iloc[-1]:%m-%d %H:%M} "
      f"({len(episode)} windows)")
plots.score_timeline(sliding, warning_threshold=WARNING, alert_threshold=ALERT)

# %% [markdown]
# ## 4. What changes with bins, bin mode, metric and weights
#
# The same month scored with one setting changed at a time: the mean score of normal days, of the
# drift days, and how many days alert.

# %%
drift_days = set(flagged["window_start"])
variants = {
    "default (Quantile, 5, PSI)": {},
    "10 bins": {"num_bins": 10},
    "Equal bins": {"bin_mode": "Equal"},
    "MaxDiff": {"metric": "MaxDiff"},
    "SumDiff": {"metric": "SumDiff"},
    "Cumulative": {"aggregation": "Cumulative"},
    "outlier bins weighted 0": {"bin_weights": [0, 1, 1, 1, 1, 1, 0]},
}
rows = []
for label, change in variants.items():
    _, df = score({**SUMMARIZER, **change})
    on_drift = df["window_start"].isin(drift_days)
    rows.append({"variant": label, "normal days": df.loc[~on_drift, "score"].mean(),
                 "drift days": df.loc[on_drift, "score"].mean(), "alerting days": int((df["status"] == "Alert").sum())})
pd.DataFrame(rows).round(4)

# %% [markdown]
# ## 5. Comparing two windows
#
# A normal day against the worst drift day, bin by bin: the share of each window in each baseline bin
# and the bin's contribution to the score.

# %%
normal = daily[1]
worst = daily[int(daily_df["score"].idxmax())]
print("normal day:", daily_df.loc[1, "window_start"], "| worst day:", daily_df.loc[daily_df["score"].idxmax(), "window_start"])
pd.DataFrame({
    "bin": baseline["edge_names"],
    "baseline": baseline["aggregated_values"],
    "normal day": normal["window_summary"]["aggregated_values"],
    "worst day": worst["window_summary"]["aggregated_values"],
    "normal day score": normal["scores"],
    "worst day score": worst["scores"],
}).round(4)

# %%
plots.compare_windows(normal, worst, labels=("normal day", "worst day"))

# %%
plots.bins_comparison(baseline, worst)

# %%
plots.stats_frame(baseline, worst["window_summary"])

# %% [markdown]
# ## 6. The outlier bins' contribution
#
# Values outside the baseline's range fall in the two outlier bins; under drift to larger houses most
# of the PSI comes from the right outlier bin.

# %%
contrib = pd.DataFrame({
    "window_start": daily_df["window_start"],
    "score": daily_df["score"],
    "left outlier": [r["scores"][0] for r in daily],
    "right outlier": [r["scores"][-1] for r in daily],
})
contrib["outlier share"] = ((contrib["left outlier"] + contrib["right outlier"]) / contrib["score"]).where(
    contrib["score"] > 0)
contrib.set_index("window_start").round(4).loc[sorted(drift_days)]

# %%
plots.bin_contributions(worst)

# %% [markdown]
# ## 7. The interactive assay builder
#
# The builder re-scores locally on every change and updates the timeline and the bins chart in place.
# Here we set it from Python (10 quantile bins, warning 0.1), check it against the server's
# `run_interactive` and create the assay — the button posts exactly the previewed configuration.

# %%
from wallaroo_widgets.panels import AssayBuilder, ConsoleState

state = ConsoleState(session=session)
state.pipeline = state.remember_pipeline({"id": pipeline_id, "name": PIPELINE, "workspace_id": workspace["id"]})
builder = AssayBuilder(state=state)
builder.set_logs(logs, pipeline=state.pipeline)  # what its "Load logs" button does
assert not builder.error, builder.error
builder

# %% [markdown]
# Change the settings (here from Python; in the widget by typing): the timeline and the bins chart
# above update in place.

# %%
builder.iopath.value = IOPATH
builder.baseline_start.value = start.isoformat()  # day 1, as above
builder.baseline_end.value = (start + pd.Timedelta(days=1)).isoformat()
builder.num_bins.value = 10
builder.warning_threshold.value = "0.1"
builder.name.value = f"nb-drift-{SUFFIX}"
assert not builder.error, builder.error
print(builder.summary.value)

# %%
builder.preview_button.click()  # runs in the background: Cancel stays clickable
builder.wait()  # a script waits for it; in the browser you just watch the message
assert not builder.error, builder.error
print(builder.message)

# %%
builder.create_button.click()
assert not builder.error, builder.error
assay_id = builder.created["assay_id"]
print(builder.message)
next(a for a in session.assays.list(pipeline_id) if a["id"] == assay_id)["summarizer"]

# %% [markdown]
# ## Clean-up
#
# The API cannot delete an assay; we deactivate the one we created so the scheduler leaves it alone.

# %%
session.assays.set_active(assay_id, False)
assert not next(a for a in session.assays.list(pipeline_id) if a["id"] == assay_id)["active"]
session.close()
print("deactivated assay", assay_id)
