"""Real-browser test of a saved drift report: Debian's Chromium opens the HTML file with the network off (an
offline context, and every non-file request aborted and counted) and every chart must be drawn by the embedded
plotly.js (a ``.js-plotly-plot`` with SVG paths per figure), not only exist as a file. Screenshot in
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


def test_saved_report_renders_offline_in_chromium(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    ov = _overview()
    assert top_level_report is report  # wallaroo_widgets.report is the same function
    rep = report(overview=ov, title="Offline drift report")
    flagged = int(np.isin(ov.status[ov.index_of("in.tensor.0")], ["Warning", "Alert"]).sum())
    assert flagged >= 2
    # timeline + per flagged window (bins + contributions) + heatmap
    assert rep.figures == 1 + 2 * flagged + 1
    path = rep.save(tmp_path / "report.html")
    blocked: list[str] = []
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
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri())
            page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {rep.figures}",
                                   timeout=60_000)
            drawn = page.evaluate(DRAWN)
            OUT.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT / "report_offline.png"), full_page=True)
        finally:
            browser.close()
    assert errors == [] and blocked == []
    assert len(drawn) == rep.figures
    assert all(d["paths"] > 5 for d in drawn), drawn
    assert all(d["width"] > 600 for d in drawn), [d["width"] for d in drawn]  # the charts fill the page width
    titles = " | ".join(d["title"] for d in drawn)
    assert "Drift overview" in titles and "Score per window" in titles
