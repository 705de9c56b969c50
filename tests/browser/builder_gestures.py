"""Builder gestures for the browser tests: a real mouse drag across the assay builder's logs timeline (Plotly
box-select) must set the baseline range in the kernel; the fields, the shaded range, the summary and the UTC
date-time pickers follow. The page runs in a time zone far from UTC (see the ``page`` fixture): the pickers must
still show, and take, UTC."""

from __future__ import annotations

import pandas as pd

LOGS_PLOT = """() => {
  // the builder's logs timeline (title "Logs: drag ..."): its drag area in page pixels, x axis and baseline shade
  const gd = VISIBLE_PLOTS.find(p => ((p.querySelector('.gtitle') || {}).textContent || '').startsWith('Logs'));
  if (!gd || gd.querySelectorAll('.barlayer .point').length < 10) return null;
  const r = gd.querySelector('.draglayer .xy .nsewdrag').getBoundingClientRect();
  const ax = gd._fullLayout.xaxis;
  const shape = (gd.layout.shapes || [])[0];
  return {left: r.left, top: r.top, width: r.width, height: r.height, bars: gd.querySelectorAll('.barlayer .point').length,
          shade: shape ? [String(shape.x0), String(shape.x1)] : null,
          at: [0.55, 0.8].map(f => ax.p2d(f * r.width))};
}"""


def _utc(value) -> pd.Timestamp:
    """A Plotly date-axis value (a date string, or epoch ms) in UTC (the charts draw UTC as naive times)."""
    ts = pd.Timestamp(value, unit="ms") if isinstance(value, int | float) else pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


KERNEL_RUN = """async (code) => {
  // run code in the notebook's kernel (diagnostics of a failed gesture): its printed output
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const f = k.requestExecute({code: code, silent: false, store_history: false});
  let out = '';
  f.onIOPub = m => { if (m.header.msg_type === 'stream') out += m.content.text;
                     if (m.header.msg_type === 'error') out += m.content.ename + ': ' + m.content.evalue; };
  await f.done;
  return out;
}"""
KERNEL_STATE = ("b = app.panel('Assay builder'); f = b.logs_timeline.widget\n"
                "print(b.config.baseline_start, b.config.baseline_end, b.error, f.data[0].selectedpoints is not None,"
                " [len(t._select_callbacks) for t in f.data], f.layout.dragmode)")


def _field(out, label: str):
    return out.locator(".widget-tab .widget-text:visible", has_text=label).first.locator("input")


def _picker(pg, out, label: str):
    """The date-time picker beside the text field ``label`` (its "UTC" datetime-local input)."""
    row = out.locator(".widget-tab .widget-hbox:visible", has=pg.locator(".widget-text", has_text=label)).last
    return row.locator(".widget-datetimepicker input[type='datetime-local']").first


def _picked(pg, out, label: str) -> pd.Timestamp:
    """What the picker beside ``label`` shows, read as UTC."""
    return pd.Timestamp(_picker(pg, out, label).input_value()).tz_localize("UTC")


def _drag(pg, box: dict) -> None:
    """A mouse drag across 55%-80% of the chart's width at mid height (hover first, as a user's pointer arrives)."""
    y = box["top"] + box["height"] / 2
    x0, x1 = box["left"] + 0.55 * box["width"], box["left"] + 0.8 * box["width"]
    pg.mouse.move(x0, y)
    pg.wait_for_timeout(200)
    pg.mouse.down()
    pg.mouse.move(x1, y, steps=12)
    pg.mouse.up()
    pg.wait_for_timeout(500)


def drag_builder_baseline(pg, out, shot, visible_plots: str) -> None:
    """Assay builder: Load logs (a click), then a real mouse drag across the logs timeline (Plotly box-select) makes
    that span the baseline: the Baseline from/to fields, the shaded range and the summary follow."""
    from playwright.sync_api import expect

    logs_plot = LOGS_PLOT.replace("VISIBLE_PLOTS", visible_plots)
    out.locator(".widget-tab button:visible", has_text="Load logs").first.click()
    pg.wait_for_function(f"() => !!({logs_plot})()", timeout=30_000, polling=200)
    summary = out.locator(".widget-tab .widget-html:visible", has_text="Baseline:").first
    expect(summary).to_contain_text("windows", timeout=20_000)
    plot = out.locator(".widget-tab .js-plotly-plot:visible").first
    plot.evaluate("el => el.scrollIntoView({block: 'start'})")
    shot(pg, "11_builder_logs_loaded.png")
    pg.wait_for_timeout(1000)  # the full-page screenshot resizes the page: let the charts settle
    before = (_field(out, "Baseline from").input_value(), _field(out, "Baseline to").input_value(),
              summary.inner_text())
    # count plotly.js selection events on the chart: a failure then says whether the browser or the kernel missed it
    pg.evaluate(logs_plot.replace("if (!gd", "window.__wwSel = []; if (gd) gd.on('plotly_selected', "
                                  "e => window.__wwSel.push(e && e.range ? e.range.x : null)); if (!gd"))
    box = pg.evaluate(logs_plot)
    _drag(pg, box)
    shot(pg, "12_builder_after_drag.png")
    assert pg.evaluate("() => window.__wwSel"), "plotly.js reported no selection for the drag"
    try:
        expect(_field(out, "Baseline to")).not_to_have_value(before[1], timeout=20_000)
    except AssertionError as exc:
        raise AssertionError(f"the drag did not reach the baseline; kernel: {pg.evaluate(KERNEL_RUN, KERNEL_STATE)}"
                             ) from exc
    start, end = (pd.Timestamp(_field(out, f"Baseline {w}").input_value()) for w in ("from", "to"))
    want = [_utc(t) for t in box["at"]]  # the dragged span in data coordinates
    tol = pd.Timedelta(hours=3)  # a pixel of a month-long axis is ~40 min
    assert abs(start - want[0]) < tol and abs(end - want[1]) < tol, (start, end, want)
    expect(summary).not_to_have_text(before[2], timeout=20_000)  # re-scored over the new baseline
    pg.wait_for_function(f"() => {{ const b = ({logs_plot})(); return b && b.shade && b.shade[0] !== {box['shade'][0]!r}; }}",
                         timeout=20_000, polling=200)
    shade = [_utc(t) for t in pg.evaluate(logs_plot)["shade"]]
    assert abs(shade[0] - start) < pd.Timedelta(seconds=1) and abs(shade[1] - end) < pd.Timedelta(seconds=1)
    # the pickers show the dragged times in UTC (the page's own time zone is UTC-8/-7)
    assert pg.evaluate("() => new Date(2026, 0, 1).getTimezoneOffset()") != 0, "the test page must not be in UTC"
    for label, when in (("Baseline from", start), ("Baseline to", end)):
        assert abs(_picked(pg, out, label) - when) < pd.Timedelta(seconds=1), (label, _picked(pg, out, label), when)
    shot(pg, "13_builder_baseline_set.png")
    # typed into a picker: that UTC wall time becomes the baseline start (the text shows it with +00:00)
    typed = start.floor("h") - pd.Timedelta(hours=1)
    picker = _picker(pg, out, "Baseline from")
    picker.fill(typed.strftime("%Y-%m-%dT%H:%M"))
    picker.dispatch_event("change")
    expect(_field(out, "Baseline from")).to_have_value(typed.isoformat(), timeout=20_000)
    assert _picked(pg, out, "Baseline from") == typed
    shot(pg, "14_builder_picker_typed.png")
    # Save report (a click): the kernel writes the file and the status line says where
    save = out.locator(".widget-tab button:visible", has_text="Save report").last
    save.scroll_into_view_if_needed()
    save.click()
    expect(out.locator(".widget-tab .widget-html:visible", has_text="Saved report to").last).to_contain_text(
        "assay-builder-report.html", timeout=20_000)
    pg.wait_for_timeout(300)
    shot(pg, "15_builder_report_saved.png")
