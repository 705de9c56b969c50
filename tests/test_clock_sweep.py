"""Nothing in the demo depends on where "now" falls: the demo seed and the notebooks that read the demo pass,
and say the same things, at any hour of the day and on the last day of a month.

The sandbox's injectable clock (``SandboxServer(demo_now=...)``, CLI ``--demo-now``, environment variable
``WALLAROO_SANDBOX_DEMO_NOW``) seeds the demo month as if the clock said that time: it then ends at the last
full hour before it, as it does for a real start at that hour. For each clock time below a fresh demo sandbox is
seeded and the demo-based notebooks (00, 07, 08, 09, 10) run in-process from ``tutorials/src``; the stored assay results
and the notebooks' findings, counted from the month's first hour, must be identical at every clock time.

The clock times are the most recent past 00:10, 05:59, 12:00, 18:30 and 23:50 UTC and 23:50 on the last day of
the previous month (all in the past: the kernel-side code runs at the real time, after the data, as it does
with a sandbox seeded earlier). Reproduce one by hand with ``WALLAROO_SANDBOX_DEMO_NOW=<time> make test``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from notebook_cells import run_notebook
from testkit import point_env_at

UTC = dt.timezone.utc
TIMES_OF_DAY = ((0, 10), (5, 59), (12, 0), (18, 30), (23, 50))
DEMO_NOTEBOOKS = ("00_console", "07_assays", "08_drift_exploration", "09_assays_v2", "10_drift_overview")


def clock_times(now: dt.datetime) -> dict[str, dt.datetime]:
    """Label -> clock time: each time of day at its latest past occurrence, and the previous month's last 23:50."""
    now = now.astimezone(UTC).replace(second=0, microsecond=0)
    out = {}
    for hour, minute in TIMES_OF_DAY:
        t = now.replace(hour=hour, minute=minute)
        out[f"{hour:02d}:{minute:02d}"] = t if t < now else t - dt.timedelta(days=1)
    month_end = now.replace(day=1, hour=0, minute=0) - dt.timedelta(minutes=10)
    out[f"month end {month_end:%Y-%m-%d %H:%M}"] = month_end
    return out


def test_clock_times_cover_the_day_and_a_month_end():
    now = dt.datetime(2026, 3, 1, 0, 5, tzinfo=UTC)  # just after a month boundary, before 00:10
    got = clock_times(now)
    assert [t.strftime("%d %H:%M") for t in got.values()] == ["28 00:10", "28 05:59", "28 12:00", "28 18:30",
                                                              "28 23:50", "28 23:50"]
    assert all(t < now for t in got.values())
    later = clock_times(dt.datetime(2026, 7, 15, 13, 0, tzinfo=UTC))
    assert [t.strftime("%m-%d %H:%M") for t in later.values()] == ["07-15 00:10", "07-15 05:59", "07-15 12:00",
                                                                    "07-14 18:30", "07-14 23:50", "06-30 23:50"]


def _relative(ts, start: pd.Timestamp) -> float:
    """Hours since the month's first hour."""
    return (pd.Timestamp(ts) - start) / pd.Timedelta(hours=1)


def _overview_facts(ns10: dict, start: pd.Timestamp) -> dict:
    """Notebook 10's overview: its windows, every field's ranking and the cell it opened, in month hours."""
    ranked = ns10["ranked"]
    return {
        "10 windows": [_relative(t, start) for t in ns10["ov"].starts],
        "10 ranked": [(f, int(a), int(w), None if pd.isna(t) else _relative(t, start), round(float(m), 9))
                      for f, a, w, t, m in zip(ranked["field"], ranked["alerts"], ranked["warnings"],
                                               ranked["first_alert"], ranked["max_score"], strict=True)],
        "10 cell": (ns10["top"], ns10["worst"]),
        "10 V2 alerts": ns10["compare"]["V2 alerts"].tolist(),
    }


def _v2_facts(ns09: dict, start: pd.Timestamp) -> dict:
    """Notebook 09 (Assays V2): the demo V2 assay's stored windows, the preview beside them, the worst day."""
    both = ns09["both"]
    return {
        "09 stored": [(_relative(e, start), round(float(v), 9), s) for e, v, s in
                      zip(both["window_end"], both["score stored"], both["status stored"], strict=True)],
        "09 baseline start": _relative(ns09["start"], start),
        "09 worst day": _relative(ns09["drift_day"], start),
        "09 worst day score": round(float(ns09["scores"][ns09["key"]].score), 9),
        "09 next run after resume": ns09["resumed"],
    }


def _facts(clock: dt.datetime, ns07: dict, ns08: dict, ns09: dict, ns10: dict) -> dict:
    """What the demo month holds and what notebooks 07-10 found, relative to the month's first hour."""
    start = ns08["start"]
    times = ns08["times"]
    assert times.max() < pd.Timestamp(clock).floor("h") - pd.Timedelta(hours=1)  # the last full hour before now
    stored = ns07["stored"].df
    return {
        "logs": len(times),
        "first hour": _relative(times.min().floor("h"), start), "last hour": _relative(times.max().floor("h"), start),
        "demo assay results": [(_relative(t, start), round(float(v), 9), s) for t, v, s in
                               zip(stored["window_start"], stored["score"], stored["status"], strict=True)],
        "07 day 1 count": len(ns07["day1"]),
        "07 preview windows": len(ns07["preview_df"]),
        "07 last week": len(ns07["last_week"]),
        "08 daily": [(_relative(t, start), s) for t, s in zip(ns08["daily_df"]["window_start"],
                                                              ns08["daily_df"]["status"], strict=True)],
        "08 flagged days": list(ns08["flagged_days"]),
        "08 every hour": list(ns08["every_hour"]),
        "08 hours per day": ns08["per_day"]["hours"].tolist(),
        "08 alerting hours": ns08["per_day"]["alerting hours"].tolist(),
        "08 sliding episode": [_relative(ns08["episode"]["window_start"].iloc[i], start) for i in (0, -1)],
        "08 variants": ns08["variants_df"].round(9).to_dict(),
        **_v2_facts(ns09, start),
        **_overview_facts(ns10, start),
    }


def _run_at(clock: dt.datetime, tmp_path, monkeypatch) -> dict:
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(tmp_path / clock.strftime("%Y%m%d%H%M"), port=0, demo=True, demo_now=clock,
                       deploy_delay=0.2, assay_tick=0.25) as srv:
        assert srv.config.demo_now == clock
        point_env_at(monkeypatch, srv)
        spaces = {name: run_notebook(name) for name in DEMO_NOTEBOOKS}
        for ns in spaces.values():
            if "app" in ns:
                ns["app"].close()
        return _facts(clock, *(spaces[n] for n in DEMO_NOTEBOOKS[1:]))


def test_demo_seed_and_demo_notebooks_say_the_same_at_every_clock_time(tmp_path, monkeypatch):
    pytest.importorskip("fastapi")
    from wallaroo_widgets.sandbox import demo

    runs: dict[str, dict] = {}
    failures: dict[str, str] = {}
    for label, clock in clock_times(dt.datetime.now(UTC)).items():
        try:
            runs[label] = _run_at(clock, tmp_path, monkeypatch)
        except Exception as exc:  # noqa: BLE001 - report every clock time that fails, not only the first
            failures[label] = f"{clock.isoformat()}: {type(exc).__name__}: {exc}"
    assert not failures, "failed at (reproduce: WALLAROO_SANDBOX_DEMO_NOW=<time> make test):\n" + "\n".join(
        f"  {k}: {v}" for k, v in failures.items())

    first_label, reference = next(iter(runs.items()))
    for label, facts in runs.items():
        for key, value in reference.items():
            assert facts[key] == value, f"{key!r} differs at {label} from {first_label}"
    # and what they say is the demo's story: 29 daily results, the drift days alerting, day 12 a warning
    lo, hi = demo.DRIFT_DAYS
    statuses = [s for _, _, s in reference["demo assay results"]]
    assert len(statuses) == 29 and statuses[lo - 1:hi - 1] == ["Alert"] * (hi - lo) and statuses[lo - 2] == "Warning"
    assert [h for h, _, _ in reference["demo assay results"]] == [24.0 * d for d in range(1, 30)]
    assert reference["first hour"] == 0 and reference["last hour"] == 30 * 24 - 1
    assert reference["08 flagged days"] == list(range(lo, hi + 1))  # day 13 warns, days 14-18 alert
    assert reference["08 hours per day"] == [24] * 30
    output = next(r for r in reference["10 ranked"] if r[0] == "out.variable.0")
    assert output[1] == hi - lo and output[3] == 24.0 * lo  # 10: the output alerts on the drift days (14-18)
    # 09: the demo V2 assay tells the same story on its own bins (windows named by their end), the scheduler's
    # stored scores equal the preview's, the configuration ended with the month (no next run once resumed)
    assert [s for _, _, s in reference["09 stored"]] == statuses
    assert [h for h, _, _ in reference["09 stored"]] == [24.0 * (d + 1) for d in range(1, 30)]
    assert 24.0 * lo < reference["09 worst day"] <= 24.0 * (hi + 1) and reference["09 worst day score"] > 0.25
    assert reference["09 baseline start"] == 0 and reference["09 next run after resume"] is None
