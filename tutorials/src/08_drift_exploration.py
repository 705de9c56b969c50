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
from IPython.display import display

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

logs = session.pipelines.inference_logs(workspace["id"], PIPELINE)  # get_logs pages; 2023: get_baseline
times = logs["time"]
values = logs["out.variable"].map(lambda v: float(v[0])).to_numpy()
start = times.min().floor("h")
end = times.max().floor("h") + pd.Timedelta(hours=1)  # the end of the last logged hour: windows stop there
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
#
# We start the windows at day 1 itself (`start=start`), so the first row scores the baseline against
# itself — 0, a sanity check. They end by `until=end`, the end of the last logged hour: the data's own
# time rather than the clock's, so the table is the same whenever you run the notebook. An assay starts on day 2, the day after its baseline: notebook 07's
# preview and the demo assay have 29 windows, this table 30.

# %%
WARNING, ALERT = 0.1, 0.25


def score(summarizer=SUMMARIZER, width="24 hours", base=None):
    s = drift.Summarizer.from_dict(summarizer)
    b = base or drift.summarize(values[day1.to_numpy()], s, start=start, end=start + pd.Timedelta(days=1))
    res = drift.score_windows(times, values, b, s, start=start, width=width, until=end,
                              warning_threshold=WARNING, alert_threshold=ALERT)
    return res, results_frame(res)


daily, daily_df = score()
assert daily_df.loc[0, "window_start"] == start and daily_df.loc[0, "score"] == 0  # day 1 against itself
daily_df[["window_start", "window_count", "window_mean", "score", "status"]].round({"window_mean": 0})

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
# PSI, so even normal days alert in most hours. Only the drift days alert in *every* hour of the day.
# A "day" here is a daily window of the table above — the 24 hours from `start`, the month's first hour —
# not a calendar day, so each day holds the same 24 hourly windows whatever hour the month starts at
# (the table shows the days around the drift episode):

# %%
hourly, hourly_df = score(width="1 hour")
ONE_DAY = pd.Timedelta(days=1)
day_of = lambda t: (t - start) // ONE_DAY + 1  # noqa: E731 - day 1 = the baseline day, as in section 3
alerts = hourly_df.groupby(day_of(hourly_df["window_start"]).rename("day"))["status"]
per_day = alerts.apply(lambda s: int((s == "Alert").sum())).to_frame("alerting hours")
per_day["hours"] = alerts.size()
flagged_days = sorted(day_of(flagged["window_start"]))
full_days = per_day[per_day["hours"] == 24]  # a day with an hour without inferences would not count
every_hour = list(full_days.index[full_days["alerting hours"] == 24])
print("days alerting in every hour:", ", ".join(f"day {d}" for d in every_hour),
      "| flagged days:", ", ".join(f"day {d}" for d in flagged_days))
assert len(per_day) == len(daily_df) and (per_day["hours"] == 24).all(), per_day  # every day complete
assert every_hour and set(every_hour) <= set(flagged_days), (every_hour, flagged_days)
# show the days around the drift episode (two days either side), not all the month's
per_day.loc[flagged_days[0] - 2:flagged_days[-1] + 2].T

# %% [markdown]
# Wider windows that **slide by an hour** (`width="6 hours"`, `interval="1 hour"`) keep the hourly
# resolution with enough data per window. The longest unbroken run of alerts marks the drift episode:

# %%
sliding = drift.score_windows(times, values, baseline, summ, start=start, width="6 hours", interval="1 hour",
                              until=end, warning_threshold=WARNING, alert_threshold=ALERT)
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
    "all 7 bins weighted 1": {"bin_weights": [1, 1, 1, 1, 1, 1, 1]},
    "outlier bins weighted 0": {"bin_weights": [0, 1, 1, 1, 1, 1, 0]},
}
rows = []
for label, change in variants.items():
    _, df = score({**SUMMARIZER, **change})
    on_drift = df["window_start"].isin(drift_days)
    rows.append({"variant": label, "normal days": df.loc[~on_drift, "score"].mean(),
                 "drift days": df.loc[on_drift, "score"].mean(), "alerting days": int((df["status"] == "Alert").sum())})
variants_df = pd.DataFrame(rows).set_index("variant")
variants_df.round(4)

# %% [markdown]
# How to read it:
#
# - every variant separates the drift days from the normal days; **10 bins** and **Cumulative** raise
#   the normal days' score (more bins hold fewer values each, and cumulative shares add their differences
#   up bin after bin) — Cumulative even pushes normal days past the warning threshold on average;
# - **MaxDiff** and **SumDiff** are on another scale than PSI (a largest or summed difference of shares,
#   at most 1 and 2), so the same thresholds mean something else: tune them per metric;
# - **bin weights are normalised to sum 1** before they multiply the per-bin scores. Seven weights of 1
#   therefore divide the score by 7, and weighting the outlier bins 0 gives each inner bin 1/5. So compare
#   a weighted variant with another *weighted* one, not with the unweighted default: dropping the outlier
#   bins lowers the drift days' score by under a fifth against uniform weights, though they carry about
#   40 % of the PSI (section 6) — the inner bins' weight grows from 1/7 to 1/5 — while against the
#   default it looks like a drop of almost 90 %. With the thresholds kept, one drift day falls from
#   Alert to Warning (4 alerting days instead of 5): set the thresholds after choosing the weights.

# %%
default, uniform, no_outliers = (variants_df.loc[k, "drift days"] for k in
                                 ("default (Quantile, 5, PSI)", "all 7 bins weighted 1", "outlier bins weighted 0"))
assert abs(uniform - default / 7) < 1e-9, (uniform, default)  # normalised weights: 1/7 each
assert variants_df.loc["Cumulative", "normal days"] > WARNING > variants_df.loc["default (Quantile, 5, PSI)", "normal days"]
assert variants_df.loc["10 bins", "normal days"] > variants_df.loc["default (Quantile, 5, PSI)", "normal days"]
assert (variants_df["drift days"] > 2 * variants_df["normal days"]).all(), variants_df
assert variants_df.loc["outlier bins weighted 0", "alerting days"] == variants_df.loc["all 7 bins weighted 1", "alerting days"] - 1
assert 0.1 < 1 - no_outliers / uniform < 0.2 and 1 - no_outliers / default > 0.85, (no_outliers, uniform, default)
print(f"drift days: default {default:.3f}, uniform weights {uniform:.3f} (= default / 7), "
      f"outlier bins weighted 0 {no_outliers:.3f} ({1 - no_outliers / uniform:.0%} below uniform, "
      f"{1 - no_outliers / default:.0%} below the default)")

# %% [markdown]
# ## 5. Comparing two windows
#
# A normal day against the worst drift day, bin by bin: the share of each window in each baseline bin
# and the bin's contribution to the score.

# %%
normal = daily[1]
worst = daily[int(daily_df["score"].idxmax())]
worst_row = daily_df.loc[daily_df["score"].idxmax()]
print(f"normal day: {daily_df.loc[1, 'window_start']:%Y-%m-%d} (score {daily_df.loc[1, 'score']:.3f}) | "
      f"worst day: {worst_row['window_start']:%Y-%m-%d} (score {worst_row['score']:.3f})")
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
stats = plots.stats_frame(baseline, worst["window_summary"])
with pd.option_context("display.float_format", "{:,.1f}".format):  # prices, not scientific notation
    display(stats)

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
# Change the settings (here from Python; in the widget by typing, or by dragging across the logs timeline to
# pick the baseline): the timeline and the bins chart above update in place. Times are **UTC** everywhere: a
# time typed without an offset is UTC, and the date-time picker beside each time field (labelled "UTC") shows
# and takes UTC whatever your browser's time zone.

# %%
builder.iopath.value = IOPATH
builder.baseline_start.value = start.isoformat()  # day 1, as above
builder.baseline_end.value = (start + pd.Timedelta(days=1)).isoformat()
builder.num_bins.value = 10
builder.warning_threshold.value = "0.1"
builder.name.value = ASSAY_NAME
assert not builder.error, builder.error
print(builder.summary.value)

# %% [markdown]
# **Save report** (at the bottom of the builder) writes what you see as one self-contained HTML file to share:
# the configuration Create would post, the score timeline with its bands and the bins of every Warning/Alert
# window, with plotly.js inside (it opens offline; no token in it). Here into a temporary folder:

# %%
import tempfile
from pathlib import Path

report_dir = Path(tempfile.mkdtemp(prefix="builder-report-"))
builder.report_path.value = str(report_dir / "builder-report.html")
builder.report_button.click()
assert not builder.error, builder.error
print(builder.message)
assert session.provider.access_token() not in builder.last_report.read_text()

# %%
builder.preview_button.click()  # runs in the background: Cancel stays clickable
builder.wait()  # a script waits for it; in the browser you just watch the message
assert not builder.error, builder.error
print(builder.message)

# %% [markdown]
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
# Everything else in this notebook was computed locally; the builder's report file is deleted.

# %%
import shutil

shutil.rmtree(report_dir)  # the builder's report (section 7)
session.assays.set_active(assay_id, False)
ours = [a for a in session.assays.list(pipeline_id) if a["name"] == ASSAY_NAME]
assert [a["active"] for a in ours] == [False], ours
session.close()
print(f"remains (no assay delete in the API): assay {ASSAY_NAME!r} (id {assay_id}), deactivated")
