""""Save report" in the Assays tab: the loaded results of a V1 and a V2 demo assay as one HTML file with the
configuration, the timeline and a bins chart per flagged window; no token in it."""

from __future__ import annotations

import pytest

from wallaroo_widgets.panels.assays import AssaysPanel


@pytest.mark.parametrize("version", [1, 2])
def test_assays_tab_saves_a_report_of_the_loaded_results(demo_session, tmp_path, version):
    p = AssaysPanel(demo_session, workspace="housepricesaga", pipeline="housepricepipe")
    p.wait()
    assert p.error == "", p.error
    p.report_button.click()
    assert p.error == "Select an assay in the table first"
    rows = p.table.df[p.table.df["version"] == version]
    assert len(rows), p.table.df
    p.table.select(int(rows.index[0]))
    p.report_button.click()
    assert p.error == "Load results first"
    p.results_button.click()
    assert p.error == "", p.error
    flagged = [r for r in p.results if r.get("status") in ("Warning", "Alert") and r.get("score") is not None]
    assert flagged, "the demo's drift episode"
    p.report_path.value = str(tmp_path / f"assay-v{version}.html")
    p.report_button.click()
    assert p.error == "", p.error
    text = (tmp_path / f"assay-v{version}.html").read_text()
    name = p.table.selected["name"]
    assert f"<h1>Assay {name}" in text and "<h2>Configuration</h2>" in text
    assert f"Warning and Alert windows ({len(flagged)})" in text
    assert text.count("Plotly.newPlot") == 1 + 2 * min(len(flagged), 100)  # timeline, bins + contributions each
    assert demo_session.provider.access_token() not in text
