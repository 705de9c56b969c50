"""Real-browser test of the drift overview: JupyterLab in Debian's headless Chromium runs the tutorial
notebooks/10_drift_overview.ipynb (demo sandbox), the Overview widget's heatmap is drawn with every field and
window, its charts fill the output's width (measured), and real mouse clicks on a heatmap cell and on an Alert
marker reach the panel's Python: the detail line and the bins chart show that field's window. Screenshots land
in test-output/browser/ (overview_*.png)."""

from __future__ import annotations

import pytest
from labkit import error_outputs
from test_console_browser import _open, _run_all, _shot, browser, demo_sandbox, lab, page  # noqa: F401

pytestmark = pytest.mark.browser

NOTEBOOK = "10_drift_overview.ipynb"

#: the Overview widget: the output holding the "Score every field" button; its charts in order
PANEL = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
  .find(o => [...o.querySelectorAll('button')].some(b => b.textContent.includes('Score every field')))"""

GEOMETRY = f"""() => {{
  const panel = ({PANEL})();
  if (!panel) return null;
  const plots = [...panel.querySelectorAll('.js-plotly-plot')];
  const gd = plots[0];
  if (!gd || !gd.data || gd.data[0].type !== 'heatmap') return null;
  const area = gd.querySelector('.nsewdrag').getBoundingClientRect();
  const heat = gd.data[0];
  return {{panel: panel.getBoundingClientRect().width,
          charts: plots.map(p => p.querySelector('.main-svg').getBoundingClientRect().width),
          left: area.left, top: area.top, width: area.width, height: area.height,
          rows: heat.y.length, cols: heat.x.length, y: heat.y, x: heat.x.map(String),
          cells: gd.querySelectorAll('.heatmaplayer image, .heatmaplayer path').length,
          bins: (plots[1] && plots[1].querySelector('.gtitle') || {{}}).textContent || ''}};
}}"""

DETAIL = f"""() => {{
  const panel = ({PANEL})();
  const d = panel && [...panel.querySelectorAll('.widget-html-content')].find(h => h.textContent.includes('window from'));
  return d ? d.textContent : '';
}}"""

CELL = f"""([x, y]) => {{
  // page position of the heatmap cell (x = window start, y = field label), from Plotly's own axes
  const gd = ({PANEL})().querySelector('.js-plotly-plot');
  const L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis, box = gd.querySelector('.main-svg').getBoundingClientRect();
  return [box.left + L._size.l + xa.l2p(xa.d2l(x)), box.top + L._size.t + ya.l2p(ya.d2l(y))];
}}"""

ALERT_POINT = f"""() => {{
  // the first Alert marker's page position, from the axes (Plotly's own data -> pixel mapping)
  const gd = ({PANEL})().querySelector('.js-plotly-plot');
  const t = gd.data.find(t => t.name === 'Alert');
  const L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis, box = gd.querySelector('.main-svg').getBoundingClientRect();
  const x = t.x[0], y = t.y[0];
  return {{x: box.left + L._size.l + xa.l2p(xa.d2l(x)), y: box.top + L._size.t + ya.l2p(ya.d2l(y)),
          field: y, start: String(x)}};
}}"""


def _day(value: str) -> str:
    import pandas as pd

    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M")


def test_overview_renders_and_a_heatmap_click_shows_the_bins(lab, page):  # noqa: F811 - fixtures imported above
    pg = page
    _open(pg, lab, NOTEBOOK)
    _run_all(pg, "overview_01_run_all.png")
    assert error_outputs(pg) == [], "a cell printed an error"
    pg.wait_for_function(f"() => !!({GEOMETRY})()", timeout=30_000)
    panel = pg.evaluate_handle(PANEL)
    panel.evaluate("el => el.scrollIntoView({block: 'start'})")
    pg.wait_for_timeout(800)
    geo = pg.evaluate(GEOMETRY)
    _shot(pg, "overview_02_panel.png")
    assert geo["rows"] == 19 and geo["cols"] >= 28, geo  # 18 inputs + the output × the daily windows
    assert geo["cells"] >= 1, "the heatmap drew nothing"
    # measured, not judged by eye: every chart of the widget spans (almost) the output's width
    assert geo["panel"] > 600 and len(geo["charts"]) >= 3, geo["charts"]
    narrow = [w for w in geo["charts"] if w < 0.9 * geo["panel"]]
    assert not narrow, f"charts {narrow} px wide in a {geo['panel']:.0f} px output (all: {geo['charts']})"

    # a real click on a heatmap cell without a marker: the top row (most drifted field), the first window
    row, col = 0, 0
    x, y = pg.evaluate(CELL, [geo["x"][col], geo["y"][row]])
    pg.mouse.move(x, y)
    pg.wait_for_timeout(300)
    pg.mouse.click(x, y)
    want = geo["y"][row]
    pg.wait_for_function(f"() => ({DETAIL})().includes({want!r}) && ({DETAIL})().includes({_day(geo['x'][col])!r})",
                         timeout=20_000, polling=200)
    after = pg.evaluate(GEOMETRY)
    assert after["bins"] and after["bins"] != geo["bins"], (geo["bins"], after["bins"])
    _shot(pg, "overview_03_cell_click.png")

    # a real click on an Alert marker (a cross over its cell) selects that field's alerting window
    point = pg.evaluate(ALERT_POINT)
    pg.mouse.move(point["x"], point["y"])
    pg.wait_for_timeout(300)
    pg.mouse.click(point["x"], point["y"])
    pg.wait_for_function(f"() => ({DETAIL})().includes({point['field']!r}) && ({DETAIL})().includes('Alert') "
                         f"&& ({DETAIL})().includes({_day(point['start'])!r})", timeout=20_000, polling=200)
    bins = pg.evaluate(GEOMETRY)["bins"]
    assert "Alert" in bins, bins
    _shot(pg, "overview_04_alert_click.png")
    pg.evaluate_handle(PANEL).evaluate("el => el.querySelectorAll('.js-plotly-plot')[1].scrollIntoView({block: 'start'})")
    pg.wait_for_timeout(800)
    _shot(pg, "overview_05_bins.png")  # the clicked window's bins and contributions, below the ranked table
    assert error_outputs(pg) == []
