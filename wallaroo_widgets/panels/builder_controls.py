"""The assay builder's knobs: the widgets, and their links to the :class:`~.builder_model.BuilderConfig` traits.

Each knob widget is linked (``widgets.link``, a two-way traitlets link, as ipywidgets' own widgets pair traits)
to the config trait of the same meaning; text is kept as typed (stripped, blank = None) and validated when the
model scores, so a bad entry is an inline error, never an exception while typing. Times get a date-time picker
beside the text (both linked to the one trait); bins get a slider beside the number; window widths get presets.

The pickers speak UTC, as the rest of the product: they are ``NaiveDatetimePicker`` widgets holding *UTC-naive*
datetimes (the browser shows the naive value as it is, whatever its own time zone), labelled "UTC"; the
conversion to and from aware UTC happens only at the link to the config (:func:`picked_time`, :func:`from_picker`).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .builder_model import AGGREGATIONS, BIN_MODES, METRICS, BuilderConfig

#: window width presets: (button label, width text)
WIDTH_PRESETS = (("1 hour", "1 hour"), ("1 day", "24 hours"), ("1 week", "1 week"))
#: text widget -> config trait (text kept as typed, stripped; blank -> None for the optional ones)
TEXT_KNOBS = {"name": "name", "baseline_start": "baseline_start", "baseline_end": "baseline_end",
              "window_start": "window_start", "width": "width", "interval": "interval", "run_until": "run_until",
              "warning_threshold": "warning_threshold", "alert_threshold": "alert_threshold",
              "weights": "weights_text", "provided_edges": "edges_text", "baseline_vector": "vector_text"}
#: trait whose blank means "not given" (None), not ""
OPTIONAL = {"baseline_start", "baseline_end", "window_start", "interval", "run_until", "warning_threshold"}
#: choice widget -> config trait (values are the trait's)
CHOICE_KNOBS = {"target": "target", "baseline_kind": "baseline_kind", "bin_mode": "bin_mode",
                "num_bins": "num_bins", "aggregation": "aggregation", "metric": "metric"}
#: the time traits that get a date-time picker
TIME_KNOBS = ("baseline_start", "baseline_end", "window_start", "run_until")


def text_of(value: Any) -> str:
    """A config value as the text a field shows (None -> "", datetimes as ISO, numbers as typed)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.date):
        return pd.Timestamp(value).isoformat()
    return str(value)


def to_trait(optional: bool):
    def convert(text: Any) -> Any:
        text = text.strip() if isinstance(text, str) else text
        return (text or None) if optional else text
    return convert


def picked_time(value: Any) -> _dt.datetime | None:
    """A config time (text, datetime, Timestamp; naive = UTC) as the picker's value: the UTC wall time as a
    *naive* datetime (what the picker shows in any browser time zone); None when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if ts is pd.NaT:
        return None
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.to_pydatetime()


def from_picker(value: _dt.datetime | None) -> Any:
    """A picked datetime (UTC-naive; an aware one is converted) as the config's value: an aware UTC Timestamp;
    a cleared picker -> None."""
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def utc_picker() -> widgets.NaiveDatetimePicker:
    """A date-time picker of UTC wall times (naive values; the browser's time zone plays no part)."""
    return widgets.NaiveDatetimePicker(description="UTC", tooltip="UTC date and time (not your local time)",
                                       layout=widgets.Layout(width="19em"),
                                       style={"description_width": "2.5em"})


def make_knobs(panel: Any) -> None:
    """Create the knob widgets as attributes of the builder ``panel`` (names the tests and notebooks use)."""
    lay = widgets.Layout(width="22em")
    when = widgets.Layout(width="31em")  # room for a full ISO time: 2026-11-08T00:00:00+00:00
    text = widgets.Text
    panel.target = widgets.ToggleButtons(options=[("Assays V1", "V1"), ("Assays V2", "V2")], value="V1",
                                         tooltips=["/v1/api/assays: create, run_interactive",
                                                   "/v2/api/assays: schedule, preview (V2 bins and labels)"])
    panel.iopath = widgets.Dropdown(description="iopath", options=[], layout=lay)
    panel.baseline_kind = widgets.ToggleButtons(options=[("Date range", "range"), ("Vector", "vector")],
                                                value="range")
    panel.baseline_start = text(description="Baseline from", layout=when)
    panel.baseline_end = text(description="Baseline to", layout=when)
    panel.baseline_vector = widgets.Textarea(description="Vector", placeholder="comma separated numbers",
                                             layout=widgets.Layout(width="44em", display="none"))
    panel.window_start = text(description="Window start", placeholder="blank = baseline end", layout=when)
    panel.width = text(description="Width", value="24 hours", layout=lay)
    panel.width_presets = [panel.button(label, lambda w=width: setattr(panel.width, "value", w),
                                        tooltip=f"Window width {width}") for label, width in WIDTH_PRESETS]
    for b in panel.width_presets:
        b.layout = widgets.Layout(width="auto", min_width="5.5em")
    panel.interval = text(description="Interval", placeholder="blank = width", layout=lay)
    panel.run_until = text(description="Run until", placeholder="optional ISO time", layout=when)
    panel.bin_mode = widgets.Dropdown(description="Bin mode", options=BIN_MODES, value="Quantile", layout=lay)
    panel.num_bins = widgets.BoundedIntText(description="Bins", value=5, min=1, max=100, layout=lay)
    panel.bins_slider = widgets.IntSlider(value=5, min=1, max=30, description="", continuous_update=False,
                                          readout=False, layout=widgets.Layout(width="14em"))
    panel.provided_edges = text(description="Edges", placeholder="for Provided: e0, e1, ...", layout=lay)
    panel.aggregation = widgets.Dropdown(description="Aggregation", options=AGGREGATIONS, value="Density",
                                         layout=lay)
    panel.metric = widgets.Dropdown(description="Metric", options=METRICS, value="PSI", layout=lay)
    panel.weights = text(description="Weights", placeholder="num_bins + 2 numbers (optional)", layout=lay)
    panel.warning_threshold = text(description="Warning", placeholder="optional", layout=lay)
    panel.alert_threshold = text(description="Alert", value="0.25", layout=lay)
    panel.name = text(description="Assay name", layout=lay)
    panel.pickers = {name: utc_picker() for name in TIME_KNOBS}
    for name in TEXT_KNOBS:
        getattr(panel, name).continuous_update = False  # commit on Enter / leaving: one re-score per edit
    for name in (*TEXT_KNOBS, "iopath", "bin_mode", "num_bins", "aggregation", "metric"):
        if name not in ("name", "baseline_vector"):
            getattr(panel, name).style.description_width = "7.5em"  # labels in full, fields aligned


def link_knobs(panel: Any, config: BuilderConfig) -> list[Any]:
    """Link every knob widget of ``panel`` to its ``config`` trait (two-way) -> the links."""
    links = [widgets.link((getattr(panel, w), "value"), (config, t),
                          transform=(to_trait(t in OPTIONAL), text_of)) for w, t in TEXT_KNOBS.items()]
    links += [widgets.link((getattr(panel, w), "value"), (config, t)) for w, t in CHOICE_KNOBS.items()]
    links.append(widgets.link((panel.iopath, "value"), (config, "iopath"),
                              transform=(lambda x: x or "", lambda x: x or None)))
    links.append(widgets.link((config, "num_bins"), (panel.bins_slider, "value"),
                              transform=(lambda n: max(1, min(n, panel.bins_slider.max)), lambda n: n)))
    links += [widgets.link((config, name), (picker, "value"), transform=(picked_time, from_picker))
              for name, picker in panel.pickers.items()]
    return links


def knob_rows(panel: Any) -> list[widgets.Widget]:
    """The knob rows of the builder's layout."""
    p, box = panel.pickers, widgets.HBox
    return [
        box([panel.iopath, panel.baseline_kind]),
        box([panel.baseline_start, p["baseline_start"]]),
        box([panel.baseline_end, p["baseline_end"]]),
        panel.baseline_vector,
        box([panel.window_start, p["window_start"]]),
        box([panel.width, *panel.width_presets, panel.interval]),
        box([panel.run_until, p["run_until"]]),
        box([panel.bin_mode, panel.num_bins, panel.bins_slider]),
        box([panel.provided_edges, panel.aggregation, panel.metric]),
        box([panel.weights, panel.warning_threshold, panel.alert_threshold]),
    ]
