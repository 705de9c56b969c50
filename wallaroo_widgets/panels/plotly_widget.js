// A small anywidget front end for plotly's FigureWidget (see figures.py, ChartWidget).
//
// anywidget gives a model 2 s from its creation to load its ESM; a model that takes longer stays deaf to every
// later message from Python ("[anywidget] Failed to initialize model."). Plotly's own ESM is its whole 5 MB
// bundle, imported once per chart: a console creating nine charts at once on a busy machine misses that
// window, and its charts never receive the results loaded afterwards. This module is tiny, so the model is
// ready at once; plotly's bundle (the `_plotly_esm` trait) is imported once per page and shared. Edits Python
// sends before it is loaded are recorded and replayed into plotly's own model in order.

const PY2JS = ["_py2js_addTraces", "_py2js_deleteTraces", "_py2js_moveTraces", "_py2js_restyle",
  "_py2js_relayout", "_py2js_update", "_py2js_animate", "_py2js_removeLayoutProps", "_py2js_removeTraceProps"];

function plotlyModule(model) {
  const cache = (globalThis.__wallarooPlotlyWidget ??= new Map());
  const version = model.get("_plotly_version");
  if (!cache.has(version)) {
    const url = URL.createObjectURL(new Blob([model.get("_plotly_esm")], { type: "text/javascript" }));
    cache.set(version, import(/* webpackIgnore: true */ url).finally(() => URL.revokeObjectURL(url)));
  }
  return cache.get(version);
}

export default () => {
  let loaded = null; // resolves to plotly's widget definition, initialized on this model
  return {
    initialize({ model }) {
      const queue = []; // [trait, value] sent by Python before plotly's model listens
      let live = false;
      for (const name of PY2JS) {
        model.on(`change:${name}`, () => {
          const value = model.get(name);
          if (!live && value !== null) queue.push([name, value]);
        });
      }
      const override = new Map();
      const listeners = new Map();
      const proxy = {
        get: (key) => (override.has(key) ? override.get(key) : model.get(key)),
        set: (key, value) => model.set(key, value),
        on: (event, fn) => {
          listeners.set(event, [...(listeners.get(event) || []), fn]);
          model.on(event, fn);
        },
        off: (...args) => model.off(...args),
        save_changes: () => model.save_changes(),
      };
      loaded = plotlyModule(model).then((mod) => {
        const def = mod.default();
        def.initialize({ model: proxy });
        for (const [name, value] of queue) { // replay what plotly's model missed, in order
          override.set(name, value);
          for (const fn of listeners.get(`change:${name}`) || []) fn();
          override.delete(name);
        }
        live = true;
        return def;
      });
      // not awaited: anywidget marks the model ready now, so no message from Python is dropped
    },
    async render({ model, el }) {
      const def = await loaded;
      return def.render({ model, el });
    },
  };
};
