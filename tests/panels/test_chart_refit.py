"""Charts drawn while their tab is hidden are refit when the tab is shown (the browser test measures the widths)."""

from __future__ import annotations

import ipywidgets as widgets

from wallaroo_widgets.panels import Console
from wallaroo_widgets.panels.figures import figure_widget, figures_in, refit, refit_all


def _refits(chart) -> int:
    meta = chart.layout.meta
    return meta.get("refit", 0) if isinstance(meta, dict) else 0


def test_refit_sends_a_relayout_that_changes_nothing_visible():
    chart = figure_widget()
    chart.update_layout(title="t", meta={"mine": 1})
    sent = []
    chart._send_relayout_msg = lambda data, **_kw: sent.append(data)  # what goes to the browser
    refit(chart)
    refit(chart)
    assert sent == [{"meta": {"mine": 1, "refit": 1}}, {"meta": {"mine": 1, "refit": 2}}]
    assert chart.layout.title.text == "t" and chart.layout.autosize is True and chart.layout.width is None


def test_figures_in_and_refit_all_walk_nested_boxes():
    a, b = figure_widget(), figure_widget()
    box = widgets.VBox([widgets.HTML("x"), widgets.HBox([a]), widgets.Tab(children=[widgets.VBox([b])])])
    assert figures_in(box) == [a, b] and refit_all(box) == 2 and _refits(a) == _refits(b) == 1


def test_showing_a_tab_refits_its_charts_only():
    app = Console()
    assays, builder = app.panel("Assays"), app.panel("Assay builder")
    titles = list(app.panels)
    assert len(figures_in(assays)) == 3 and len(figures_in(builder)) == 4  # + the builder's logs timeline
    app.tabs.selected_index = titles.index("Assays")
    assert [_refits(c) for c in figures_in(assays)] == [1, 1, 1]
    assert [_refits(c) for c in figures_in(builder)] == [0, 0, 0, 0]
    app.tabs.selected_index = titles.index("Assay builder")
    assert [_refits(c) for c in figures_in(builder)] == [1, 1, 1, 1]
    app.tabs.selected_index = titles.index("Assays")
    assert [_refits(c) for c in figures_in(assays)] == [2, 2, 2]
