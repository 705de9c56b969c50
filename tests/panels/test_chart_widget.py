"""The charts' front end (panels/plotly_widget.js) is ready at once and loses no edit sent before plotly.js loads.

anywidget gives a model 2 s to load its ESM, then drops every later message from Python; plotly's own ESM is its
5 MB bundle per chart, so on a busy machine charts missed the results loaded into them (flaky browser test).
Here: what the kernel ships, and the module's replay run in Node with a stand-in for plotly's widget module.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import ipywidgets as widgets
import plotly
import pytest

from wallaroo_widgets.panels.figures import ChartWidget, _plotly_esm, figure_widget

JS = Path(__file__).resolve().parents[2] / "wallaroo_widgets" / "panels" / "plotly_widget.js"


def test_charts_open_with_a_small_esm_and_plotlys_bundle(monkeypatch):
    opened = []  # the state each chart's comm opens with (what the browser's model starts from)
    open_comm = widgets.Widget.open

    def spy(self):
        if isinstance(self, ChartWidget):
            opened.append(self.get_state())
        open_comm(self)

    monkeypatch.setattr(widgets.Widget, "open", spy)
    chart = figure_widget()
    assert isinstance(chart, ChartWidget) and len(opened) == 1
    state = opened[0]
    assert len(state["_esm"]) < 5_000 and "_plotly_esm" in state["_esm"]  # the loader, not plotly.js
    assert state["_plotly_esm"] == _plotly_esm() and len(state["_plotly_esm"]) > 1_000_000
    assert state["_plotly_version"] == plotly.__version__


NODE_CHECK = r"""
const mod = await import(process.argv[2]);
// a Backbone-like model: on/off/get/set, "change:<name>" events
function model(attrs) {
  const handlers = new Map();
  return {
    get: (k) => attrs[k],
    set: (k, v) => { attrs[k] = v; },
    on: (e, f) => handlers.set(e, [...(handlers.get(e) || []), f]),
    off: () => {},
    save_changes: () => {},
    send(k, v) { attrs[k] = v; for (const f of handlers.get(`change:${k}`) || []) f(); },
  };
}
let release, imports = 0;
const seen = [];
const fakePlotly = { default: () => ({
  initialize({ model }) {
    for (const k of ["_py2js_restyle", "_py2js_update"]) {
      model.on(`change:${k}`, () => { const v = model.get(k); if (v !== null) seen.push(v.id); });
    }
  },
  render({ el }) { el.rendered = true; return () => {}; },
}) };
globalThis.__wallarooPlotlyWidget = new Map([["test", new Promise((r) => { release = r; }).then(() => { imports++; return fakePlotly; })]]);
const m1 = model({ _plotly_version: "test" }), m2 = model({ _plotly_version: "test" });
const w1 = mod.default(), w2 = mod.default();
const r1 = w1.initialize({ model: m1 }), r2 = w2.initialize({ model: m2 });
// Python's edits before plotly.js is loaded: a message, then the trait reset to null
m1.send("_py2js_update", { id: 1 }); m1.send("_py2js_update", null);
m1.send("_py2js_restyle", { id: 2 }); m1.send("_py2js_restyle", null);
m2.send("_py2js_update", { id: 10 }); m2.send("_py2js_update", null);
const before = [...seen];
release();
const el = {};
await w1.render({ model: m1, el });
await w2.render({ model: m2, el: {} });
m1.send("_py2js_update", { id: 3 }); m1.send("_py2js_update", null);  // once loaded: straight to plotly
console.log(JSON.stringify({ ready: [r1, r2], before, seen, imports, rendered: !!el.rendered }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_edits_sent_before_plotly_loads_are_replayed_in_order(tmp_path):
    script = tmp_path / "check.mjs"
    script.write_text(NODE_CHECK)
    out = subprocess.run(["node", str(script), JS.as_uri()], capture_output=True, text=True, timeout=60, check=True)
    got = json.loads(out.stdout)
    assert got["ready"] == [None, None]  # initialize returns at once: anywidget marks the model ready
    assert got["before"] == []  # nothing reached plotly's model before it was loaded ...
    assert got["seen"] == [1, 2, 10, 3]  # ... then each model's edits in order, then the live one
    assert got["imports"] == 1 and got["rendered"] is True  # one plotly.js per page
