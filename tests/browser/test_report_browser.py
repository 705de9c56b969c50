"""Real-browser test of a saved drift report: Debian's Chromium opens the HTML file with the network off (an
offline context, and every non-file request aborted and counted) and every chart must be drawn by the embedded
plotly.js (a ``.js-plotly-plot`` with SVG paths per figure), not only exist as a file. Two reports: an overview's
(``plots.report``) and the one the assay builder's "Save report" button writes. Screenshots in
test-output/browser/."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets import report as top_level_report
from wallaroo_widgets.drift.overview import OverviewSettings, score_overview
from wallaroo_widgets.plots import report

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
OUT = ROOT / "test-output" / "browser"
T0 = pd.Timestamp("2025-05-01T00:00:00Z")

DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
  paths: el.querySelectorAll('svg.main-svg path').length,
  width: el.getBoundingClientRect().width,
  title: (el.querySelector('.gtitle') || {}).textContent || ''}))"""


def _overview():
    rng = np.random.default_rng(7)
    ms = np.sort(rng.integers(0, 96 * 3_600_000, 8000)) + T0.value // 1_000_000
    late = (ms - ms[0]) > 70 * 3_600_000
    cols = {"out.variable.0": rng.gamma(2, 1e5, ms.size), "in.tensor.0": rng.normal(0, 1, ms.size) + late * 1.5,
            "in.tensor.1": rng.normal(3, 1, ms.size)}
    return score_overview(ms, cols, OverviewSettings(baseline_start=T0, baseline_end=T0 + pd.Timedelta(hours=24),
                                                     width="6 hours", warning_threshold=0.1))


def _open_offline(path: Path, figures: int, screenshot: str) -> list[dict]:
    """Open ``path`` in Chromium with the network off; wait for ``figures`` charts; what each drew. No page error
    and no request other than the file itself may happen."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})

            def deny(route):
                blocked.append(route.request.url)
                route.abort()

            context.route(lambda url: not url.startswith("file:"), deny)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri())
            page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {figures}",
                                   timeout=60_000)
            drawn = page.evaluate(DRAWN)
            OUT.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT / screenshot), full_page=True)
        finally:
            browser.close()
    assert errors == [] and blocked == []
    assert len(drawn) == figures
    assert all(d["paths"] > 5 for d in drawn), drawn
    assert all(d["width"] > 600 for d in drawn), [d["width"] for d in drawn]  # the charts fill the page width
    return drawn


def test_saved_report_renders_offline_in_chromium(tmp_path):
    ov = _overview()
    assert top_level_report is report  # wallaroo_widgets.report is the same function
    rep = report(overview=ov, title="Offline drift report")
    flagged = int(np.isin(ov.status[ov.index_of("in.tensor.0")], ["Warning", "Alert"]).sum())
    assert flagged >= 2
    # timeline + per flagged window (bins + contributions) + heatmap
    assert rep.figures == 1 + 2 * flagged + 1
    drawn = _open_offline(rep.save(tmp_path / "report.html"), rep.figures, "report_offline.png")
    titles = " | ".join(d["title"] for d in drawn)
    assert "Drift overview" in titles and "Score per window" in titles


def _drifting_logs() -> pd.DataFrame:
    """72 h of logs (40 an hour) whose output creeps up after 36 h and jumps after 54 h (seeded)."""
    rng = np.random.default_rng(11)
    minutes = np.sort(rng.uniform(0, 72 * 60, 72 * 40))
    shift = np.select([minutes > 54 * 60, minutes > 36 * 60], [0.9, 0.25], 0.0)
    out = rng.normal(1.0, 0.3, minutes.size) + shift
    return pd.DataFrame({"time": T0 + pd.to_timedelta(minutes, unit="min"),
                         "out.variable": [[float(x)] for x in out]})


def test_builder_report_renders_offline_in_chromium(tmp_path):
    """The assay builder's Save report (no server: logs set from Python): every chart of the written file is
    drawn offline — the score timeline, and the bins and contributions of each Warning and Alert window."""
    from wallaroo_widgets.panels.builder import AssayBuilder

    b = AssayBuilder()
    b.set_logs(_drifting_logs(), pipeline={"id": 1, "name": "offline-pipe", "workspace_id": 1})
    b.baseline_start.value, b.baseline_end.value = T0.isoformat(), (T0 + pd.Timedelta(hours=24)).isoformat()
    b.width.value, b.name.value = "6 hours", "offline builder report"
    b.warning_threshold.value, b.alert_threshold.value = "0.1", "1.0"  # the creep: Warning; the jump: Alert
    assert b.error == "", b.error
    statuses = [r["status"] for r in b.model.results()]
    flagged = sum(s in ("Warning", "Alert") for s in statuses)
    assert {"Warning", "Alert"} <= set(statuses), statuses
    b.report_path.value = str(tmp_path / "builder-report.html")
    b.report_button.click()
    assert b.error == "" and b.last_report == tmp_path / "builder-report.html", b.error
    drawn = _open_offline(b.last_report, 1 + 2 * flagged, "report_builder_offline.png")
    titles = [d["title"] for d in drawn]
    assert titles[0].startswith("Score per window · output variable 0"), titles
    assert sum("Warning" in t for t in titles) + sum("Alert" in t for t in titles) >= flagged, titles
