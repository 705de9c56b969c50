"""Real-browser test: JupyterLab in Debian's headless Chromium runs notebooks/00_console.ipynb.

A demo sandbox and a JupyterLab server (root dir = a tmp copy of notebooks/) are started, Playwright
opens the console notebook, runs all cells and checks the console's tabs, an interactive table and a
Plotly chart rendered with no error output. Then real mouse clicks, as a user makes them, must reach the
panels' Python: an Alert marker of the score timeline and a row of the results table select that window
(the bins chart's title names it), and a workspace row selects that workspace (the label under the table
and the Models tab follow); in the Assay builder, a mouse drag across the logs timeline sets the baseline range
(the Baseline from/to fields follow). Screenshots land in test-output/browser/ (gitignored).
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from builder_gestures import drag_builder_baseline
from labkit import CHROMIUM, LAUNCH_ARGS, OUT, ROOT, error_outputs, jupyterlab, require_chromium
from testkit import sandbox_server

pytestmark = pytest.mark.browser

NOTEBOOK = "00_console.ipynb"


@pytest.fixture(scope="module")
def demo_sandbox(tmp_path_factory):
    require_chromium()
    with sandbox_server(tmp_path_factory.mktemp("browser-sandbox"), demo=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def lab(demo_sandbox, tmp_path_factory):
    """A JupyterLab server on a free port over a tmp copy of notebooks/; yields its base URL."""
    work = tmp_path_factory.mktemp("lab")
    root = work / "root"
    root.mkdir()
    settings = work / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no "news" pop-up over the screenshots
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    with jupyterlab(work, root, demo_sandbox) as base:
        yield base


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # far from UTC: every time the panels show (charts, fields, date-time pickers) must still be UTC
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, timezone_id="America/Los_Angeles")
    pg = context.new_page()
    pg.console_lines = []  # the browser's console errors and warnings, reported when a wait fails
    pg.on("console", lambda m: m.type in ("error", "warning") and pg.console_lines.append(f"{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: pg.console_lines.append(f"pageerror: {e}"))
    yield pg
    context.close()


def _open(pg, lab: str, notebook: str) -> None:
    """Open one notebook alone (a fresh JupyterLab workspace, nothing restored) and wait for its kernel."""
    pg.goto(f"{lab}/lab/workspaces/{notebook.split('.')[0]}/tree/{notebook}?reset")
    _wait_for_kernel(pg)


def _run_all(pg, name: str) -> None:
    pg.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    try:
        pg.wait_for_function(ALL_CELLS_DONE, timeout=120_000, polling=500)
    finally:
        _shot(pg, name)


KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

ALL_CELLS_DONE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.content) return false;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const prompts = [...w.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
}"""


def _wait_for_kernel(pg, timeout: float = 60.0) -> None:
    """Wait until the notebook's kernel is idle; accept a "Select Kernel" dialog (Python 3) if one opens."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pg.evaluate(KERNEL_IDLE):
            return
        dialog = pg.locator(".jp-Dialog button.jp-mod-accept")
        if dialog.count():
            dialog.first.click()
        pg.wait_for_timeout(250)
    raise AssertionError("the notebook kernel did not become idle within 60 s")


def _shot(pg, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    pg.screenshot(path=str(path), full_page=True)
    return path


def test_console_notebook_renders_in_chromium(lab, page):
    pg = page
    _open(pg, lab, NOTEBOOK)
    _run_all(pg, "01_run_all.png")
    assert error_outputs(pg) == [], "a cell printed an error"

    out = pg.locator(".jp-OutputArea")
    tabs = out.locator(".widget-tab .lm-TabBar-tab")
    tabs.first.wait_for(timeout=30_000)
    titles = [t.strip() for t in tabs.all_inner_texts()]
    for expected in ("Connect", "Users", "Workspaces", "Models", "Pipelines", "Enablement", "Assays",
                     "Assay builder"):
        assert expected in titles, (expected, titles)

    # A table: the Workspaces tab lists the demo workspace in an interactive (itables) table.
    out.locator(".widget-tab .lm-TabBar-tab", has_text="Workspaces").first.click()
    table = out.locator(".widget-tab table:visible", has_text="housepricesaga").first
    table.wait_for(state="visible", timeout=30_000)
    pg.wait_for_timeout(500)
    _shot(pg, "02_workspaces_table.png")
    assert table.locator("tbody tr").count() >= 1

    # A Plotly chart: the Assays tab shows the demo assay's score timeline with one marker per window.
    out.locator(".widget-tab .lm-TabBar-tab", has_text="Assays").first.click()
    chart = out.locator(".widget-tab .js-plotly-plot:visible").first
    try:
        chart.wait_for(state="visible", timeout=30_000)
        chart.scroll_into_view_if_needed()
        pg.wait_for_function(
            """() => [...document.querySelectorAll('.widget-tab .js-plotly-plot')]
                     .some(p => p.offsetParent !== null && p.querySelectorAll('.scatterlayer .point').length >= 10)""",
            timeout=30_000,
        )
    except Exception as exc:
        _shot(pg, "03_assays_timeline_FAILED.png")
        raise AssertionError(f"no timeline markers drawn; browser console: {pg.console_lines[-15:]}") from exc
    pg.wait_for_timeout(500)
    _shot(pg, "03_assays_timeline.png")
    assert error_outputs(pg) == []
    # a chart model anywidget gave up on (not ready within 2 s) drops every later update from Python
    assert not [line for line in pg.console_lines if "Failed to initialize model" in line], pg.console_lines
    # drawn while their tab was hidden (the notebook loaded the results first), they fill the panel once shown
    _assert_charts_fill_the_panel(pg, "Assays", minimum=3)  # timeline, bins, contributions

    _click_timeline_and_results(pg, out)
    _click_workspaces(pg, out)

    out.locator(".widget-tab .lm-TabBar-tab", has_text="Assay builder").first.click()
    _assert_charts_fill_the_panel(pg, "Assay builder", minimum=4)  # logs, baseline, timeline, bins
    drag_builder_baseline(pg, out, _shot, VISIBLE_PLOTS)
    _assert_charts_fill_the_panel(pg, "Assay builder", minimum=4)  # drawn with data now

    # Every tab renders its panel (visible widgets, no error output); one screenshot each to look at.
    for title in titles:
        tab = out.locator(".widget-tab .lm-TabBar-tab", has_text=title).first
        tab.click()
        pg.wait_for_function("""() => [...document.querySelectorAll('.widget-tab .widget-tab-contents > *')]
                                .some(w => w.offsetParent !== null && w.getBoundingClientRect().height > 20)""",
                             timeout=30_000)
        tab.scroll_into_view_if_needed()
        pg.evaluate("() => { const t = document.querySelector('.widget-tab'); t && t.scrollIntoView(); }")
        pg.wait_for_timeout(500)
        _shot(pg, f"tab_{title.lower().replace(' ', '_')}.png")
        assert error_outputs(pg) == [], title


# -- chart widths: measured, not judged by eye ----------------------------------------------------------------

CHART_WIDTHS = """() => {
  // the shown tab's panel and the drawn width of each of its charts (Plotly's SVG, not its container)
  const panel = [...document.querySelectorAll('.widget-tab .widget-tab-contents > *')]
    .find(w => w.offsetParent !== null);
  if (!panel) return null;
  const width = panel.getBoundingClientRect().width;
  const charts = [...panel.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent !== null)
    .map(p => p.querySelector('.main-svg').getBoundingClientRect().width);
  return {panel: width, charts: charts};
}"""


def _assert_charts_fill_the_panel(pg, tab: str, minimum: int, share: float = 0.9) -> None:
    """Every chart of the shown tab is at least ``share`` of its panel's width (measured in the browser)."""
    check = f"() => {{ const m = ({CHART_WIDTHS})(); return !!m && m.charts.length >= {minimum} && " \
            f"m.charts.every(w => w >= {share} * m.panel); }}"
    try:
        pg.wait_for_function(check, timeout=15_000, polling=200)
    except Exception:  # noqa: BLE001 - the assertion below reports the measured widths
        pass
    pg.evaluate("() => { const t = document.querySelector('.widget-tab'); t && t.scrollIntoView(); }")
    _shot(pg, f"10_chart_widths_{tab.lower().replace(' ', '_')}.png")
    got = pg.evaluate(CHART_WIDTHS)
    assert got, f"{tab}: no shown tab panel"
    assert got["panel"] > 600 and len(got["charts"]) >= minimum, (tab, got)
    narrow = [w for w in got["charts"] if w < share * got["panel"]]
    assert not narrow, f"{tab}: charts {narrow} px wide in a {got['panel']:.0f} px panel (all: {got['charts']})"


# -- user gestures: real mouse clicks in Chromium must reach the panels' Python ----------------------------

VISIBLE_PLOTS = "[...document.querySelectorAll('.widget-tab .js-plotly-plot')].filter(p => p.offsetParent !== null)"

TIMELINE_TOP_POINT = """(status) => {
  // the highest-scoring marker of the `status` trace of the visible score timeline (the first visible chart)
  const gd = VISIBLE_PLOTS[0];
  const k = gd.data.findIndex(t => t.name === status && t.mode === 'markers');
  if (k < 0 || !gd.calcdata[k]) return null;
  let best = null;
  gd.calcdata[k].forEach((cd, j) => { if (best === null || cd.y > gd.calcdata[k][best].y) best = j; });
  if (best === null) return null;
  const node = gd.querySelectorAll('.scatterlayer .trace')[k].querySelectorAll('.point')[best];
  const r = node.getBoundingClientRect();
  const i = gd.calcdata[k][best].i;
  return {x: r.left + r.width / 2, y: r.top + r.height / 2, start: String(gd.data[k].x[i]),
          score: gd.calcdata[k][best].y};
}""".replace("VISIBLE_PLOTS", VISIBLE_PLOTS)

BINS_TITLE = """() => {
  // the baseline-vs-window bins chart: the second visible chart of the Assays tab (timeline, bins, contributions)
  const gd = VISIBLE_PLOTS[1];
  const t = gd && gd.querySelector('.gtitle');
  return t ? t.textContent : null;
}""".replace("VISIBLE_PLOTS", VISIBLE_PLOTS)


def _utc_minute(value: str) -> str:
    """A window start as the bins chart title shows it (``2026-11-16 06:00 UTC``)."""
    import pandas as pd

    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime("%Y-%m-%d %H:%M UTC")


def _wait_bins_title(pg, text: str, what: str) -> str:
    try:
        pg.wait_for_function(f"() => ({BINS_TITLE})()?.includes({text!r})", timeout=20_000, polling=200)
    except Exception as exc:
        raise AssertionError(f"after {what}, the bins chart title never showed {text!r}: "
                             f"{pg.evaluate(BINS_TITLE)!r}") from exc
    return pg.evaluate(BINS_TITLE)


def _click_timeline_and_results(pg, out) -> None:
    """Assays tab (results loaded by the notebook): a mouse click on an Alert marker of the score timeline,
    then on a row of the results table, each selects that window: the bins chart's title names its start."""
    before = pg.evaluate(BINS_TITLE)
    assert before and "UTC" in before, before  # the notebook's load selected the last window
    timeline = out.locator(".widget-tab .js-plotly-plot:visible").first
    # timeline at the top of the viewport: the screenshot shows it, the results table and the bins chart title
    timeline.evaluate("el => el.scrollIntoView({block: 'start'})")
    point = pg.evaluate(TIMELINE_TOP_POINT, "Alert")
    assert point, "the score timeline has no Alert marker"
    want = _utc_minute(point["start"])
    assert want not in before, (want, before)  # the clicked window is not the one already shown
    # Plotly reports a click on the point under the hover: hover it first (its label appears), then click
    pg.mouse.move(point["x"], point["y"])
    timeline.locator(".hoverlayer .hovertext").first.wait_for(state="visible", timeout=10_000)
    pg.mouse.click(point["x"], point["y"])
    title = _wait_bins_title(pg, want, "a click on the timeline's highest Alert marker")
    assert "Alert" in title and f"={point['score']:.3f}" in title, (point, title)  # that window's status and score
    _shot(pg, "06_assays_timeline_click.png")

    # a row of the results table (its first page shows the earliest windows; the Alert window is not on it)
    results = out.locator(".widget-tab .dt-container:visible", has_text="window_start").first
    row = results.locator(".dt-scroll-body tbody tr").first
    start = row.locator("td").first.inner_text().strip()
    want = _utc_minute(start)
    assert want not in title, (want, title)
    row.locator("td").first.click()
    _wait_bins_title(pg, want, f"a click on the results row {start}")
    assert "selected" in (row.get_attribute("class") or ""), row.get_attribute("class")
    row.scroll_into_view_if_needed()
    _shot(pg, "07_assays_results_row_click.png")


def _click_workspaces(pg, out) -> None:
    """Workspaces tab: a mouse click on a workspace row selects it in Python (the label under the table says so)
    and the Models tab follows: ccfraud-demo lists ``ccfraud``, housepricesaga ``housepricemodel``."""
    from playwright.sync_api import expect

    tab = out.locator(".widget-tab .lm-TabBar-tab", has_text="Workspaces").first
    models_tab = out.locator(".widget-tab .lm-TabBar-tab", has_text="Models").first
    for n, (name, model, other) in enumerate((("ccfraud-demo", "ccfraud", "housepricemodel"),
                                               ("housepricesaga", "housepricemodel", "ccfraud"))):
        tab.click()
        body = out.locator(".widget-tab table:visible", has_text="housepricesaga").first
        body.locator("td", has_text=re.compile(f"^{re.escape(name)}$")).first.click()
        label = out.locator(".widget-tab .widget-html:visible", has_text="Selected workspace:").first
        expect(label).to_contain_text(f"Selected workspace: {name} (id", timeout=20_000)
        _shot(pg, f"08_workspace_click_{n + 1}_{name}.png")
        models_tab.click()
        models = out.locator(".widget-tab .dt-container:visible", has_text="num_versions").first
        cells = models.locator(".dt-scroll-body tbody td")
        expect(cells.filter(has_text=re.compile(f"^{re.escape(model)}$"))).to_have_count(1, timeout=20_000)
        expect(cells.filter(has_text=re.compile(f"^{re.escape(other)}$"))).to_have_count(0)
        _shot(pg, f"09_models_after_click_{n + 1}_{name}.png")


ALERT_MARKERS = """() => {
  // every rendered chart with an "Alert" trace draws one marker per Alert window
  const out = [];
  for (const gd of document.querySelectorAll('.jp-OutputArea .js-plotly-plot')) {
    const traces = gd.querySelectorAll('.scatterlayer .trace');
    (gd.data || []).forEach((t, k) => {
      if (t.name === 'Alert' && (t.x || []).length) {
        out.push([(t.x || []).length, traces[k] ? traces[k].querySelectorAll('.point').length : 0]);
      }
    });
  }
  return out;
}"""


def test_drift_notebook_renders_builder_in_chromium(lab, page):
    """08_drift_exploration runs in the browser; every timeline (engine, builder) shows its Alert windows."""
    pg = page
    _open(pg, lab, "08_drift_exploration.ipynb")
    _run_all(pg, "04_drift_run_all.png")
    assert error_outputs(pg) == [], "a cell printed an error"
    charts = pg.locator(".jp-OutputArea .js-plotly-plot")
    assert charts.count() >= 8
    charts.last.scroll_into_view_if_needed()
    pg.wait_for_timeout(1000)
    _shot(pg, "05_drift_builder.png")
    alerts = pg.evaluate(ALERT_MARKERS)
    assert len(alerts) >= 3, alerts  # daily and sliding timelines plus the builder's
    assert all(drawn == expected for expected, drawn in alerts), alerts
