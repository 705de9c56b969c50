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
#
# Everything here is computed locally except the last section, which creates one assay on the demo
# pipeline. The API cannot delete assays and names are unique, so that assay has a fixed name and a second
# run reuses it.

# %%
import pandas as pd

from wallaroo_widgets import Session, drift
from wallaroo_widgets.api.frames import results_frame

session = Session.from_env()
WORKSPACE, PIPELINE, MODEL, IOPATH = "housepricesaga", "housepricepipe", "housepricemodel", "output variable 0"
DEMO_ASSAY = "house price drift"  # the sandbox's demo assay (picked by name: assays/list is newest first)
ASSAY_NAME = "tutorial drift 10 bins"  # the assay section 7 creates, once
workspace = next(w for w in session.workspaces.list() if w["name"] == WORKSPACE)
demo_assay = next(a for a in session.assays.list(workspace_id=workspace["id"]) if a["name"] == DEMO_ASSAY)
assert demo_assay["pipeline_name"] == PIPELINE
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
#
# | `drift.score_windows` parameter | meaning |
# |---|---|
# | `times`, `values` | the inference times and the values of the iopath (here `output variable 0`) |
# | `base` | the baseline Summary (from `drift.summarize`, or a server `summarize` answer) |
# | `summarizer` | a `drift.Summarizer` or the summarizer dict |
# | `start` | first window start (default: the baseline's `end`, else the first time) |
# | `width` | window length, a duration such as `"24 hours"` or `"1 hour"` (default `"24 hours"`) |
# | `interval` | step between window starts (default: `width`, i.e. back-to-back windows) |
# | `until`, `run_until` | windows end by `min(run_until, until)`; `until` defaults to now |
# | `warning_threshold`, `alert_threshold` | status thresholds (scores ≥ them); defaults `None` and `0.25` |
#
# The answer is one result per window, shaped like the server's (`results_frame` gives the table below):
# `score`, the per-bin `scores` (outlier bins first and last), `status`, `window_start`/`window_end`, the
# window's `window_count` and statistics (`window_mean`, ...), and both summaries. Reading the PSI: below
# 0.1 no significant change, 0.1–0.25 a moderate shift (Warning here), 0.25 and more a significant shift
# (Alert).

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
# PSI, so even normal days alert in most hours. Only the drift days alert in *every* hour of the day
# (the table shows the days around the drift; the month has 31):

# %%
hourly, hourly_df = score(width="1 hour")
alerts = hourly_df.assign(day=hourly_df["window_start"].dt.strftime("%m-%d")).groupby("day")["status"]
per_day = alerts.apply(lambda s: int((s == "Alert").sum())).to_frame("alerting hours")
per_day["hours"] = alerts.size()
full_days = per_day[per_day["hours"] == 24]  # the first and last day of the month are partial
every_hour = list(full_days.index[full_days["alerting hours"] == 24])
print("full days alerting in every hour:", ", ".join(every_hour))
assert every_hour and set(every_hour) <= {f"{t:%m-%d}" for t in flagged["window_start"]}, every_hour
# the month has 31 days: show the days around the drift episode (two days either side)
around = pd.date_range(flagged["window_start"].min() - pd.Timedelta(days=2),
                       flagged["window_start"].max() + pd.Timedelta(days=3), freq="D").strftime("%m-%d")
per_day.loc[per_day.index.intersection(around)].T

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
# Values outside the baseline's range fall in the two outlier bins. Under drift to larger houses the
# right outlier bin (prices above the baseline's maximum) fills up — but how much of the PSI does it carry?

# %%
contrib = pd.DataFrame({
    "window_start": daily_df["window_start"],
    "score": daily_df["score"],
    "left outlier": [r["scores"][0] for r in daily],
    "right outlier": [r["scores"][-1] for r in daily],
})
contrib["outlier share"] = ((contrib["left outlier"] + contrib["right outlier"]) / contrib["score"]).where(
    contrib["score"] > 0)
contrib["largest bin"] = [baseline["edge_names"][max(range(len(r["scores"])), key=r["scores"].__getitem__)]
                          for r in daily]
contrib["two lowest bins share"] = [(r["scores"][1] + r["scores"][2]) / r["score"] if r["score"] > 0 else None
                                    for r in daily]
contrib.set_index("window_start").round(4).loc[sorted(drift_days)]

# %% [markdown]
# On the **alert** days the right outlier bin is the largest single contributor, yet it carries well
# under half of the PSI (about 40 %, never more than 45 %); roughly as much again comes from the two
# lowest bins, `q_20` and `q_40`, which the larger houses leave almost empty. On the first, **warning**
# day the outlier bin carries less than a quarter and the lowest bins most of the score:

# %%
on_alert = contrib[daily_df["status"] == "Alert"]
on_warning = contrib[daily_df["status"] == "Warning"]
print(f"alert days: right outlier bin {on_alert['outlier share'].min():.0%}–{on_alert['outlier share'].max():.0%}"
      f" of the PSI, the two lowest bins {on_alert['two lowest bins share'].min():.0%}–"
      f"{on_alert['two lowest bins share'].max():.0%}; largest bin: {', '.join(set(on_alert['largest bin']))}")
print(f"warning day: right outlier bin {on_warning['outlier share'].max():.0%}, the two lowest bins "
      f"{on_warning['two lowest bins share'].max():.0%}")
assert set(on_alert["largest bin"]) == {"right_outlier"} and on_alert["outlier share"].between(0.3, 0.45).all()
assert on_alert["two lowest bins share"].between(0.3, 0.5).all()
assert (on_warning["outlier share"] < 0.25).all() and (on_warning["two lowest bins share"] > 0.5).all()

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
builder.name.value = ASSAY_NAME
assert not builder.error, builder.error
print(builder.summary.value)

# %%
builder.preview_button.click()  # runs in the background: Cancel stays clickable
builder.wait()  # a script waits for it; in the browser you just watch the message
assert not builder.error, builder.error
print(builder.message)

# **Create** posts the previewed configuration. Assay names are unique and assays cannot be deleted, so
# on a second run the server refuses the name (the builder shows "assay name already exists" in its
# status line) — then we look the existing assay up by name and check it is the same configuration:

# %%
builder.create_button.click()
if builder.error:
    assert "already exists" in builder.error, builder.error
    print("the builder says:", builder.error)
    existing = next(a for a in session.assays.list(pipeline_id) if a["name"] == ASSAY_NAME)
    assert existing["summarizer"]["num_bins"] == 10 and existing["warning_threshold"] == 0.1, existing
    assay_id = existing["id"]
    print(f"reusing assay {assay_id} from an earlier run (same settings)")
else:
    assay_id = builder.created["assay_id"]
    print(builder.message)
next(a for a in session.assays.list(pipeline_id) if a["id"] == assay_id)["summarizer"]

# %% [markdown]
# ## Clean-up
#
# **What remains:** the assay `tutorial drift 10 bins` on the demo pipeline, **deactivated** (the scheduler
# leaves it alone), with the results it stored while it was active — its own, never mixed into the demo
# assay's. The API cannot delete an assay; the next run finds it by name instead of creating another.
# Everything else in this notebook was computed locally.

# %%
session.assays.set_active(assay_id, False)
ours = [a for a in session.assays.list(pipeline_id) if a["name"] == ASSAY_NAME]
assert [a["active"] for a in ours] == [False], ours
session.close()
print(f"remains (no delete in the API): assay {ASSAY_NAME!r} (id {assay_id}), deactivated")
