""""Save report" in the Assays tab: the loaded results of a V1 and a V2 demo assay as one HTML file with the
configuration, the timeline and a bins chart per flagged window; no token in it."""

from __future__ import annotations

import pytest

from wallaroo_widgets.panels.assays import AssaysPanel
from wallaroo_widgets.plots.stats import format_stat


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


@pytest.mark.parametrize("target", ["V1", "V2"])
def test_builder_saves_a_report_of_its_locally_scored_configuration(demo_session, demo, tmp_path, target):
    """The builder's Save report: the previewed configuration, its score timeline and one bins chart (plus
    contributions) per Warning/Alert window of the local scores; bad input is an inline error."""
    from wallaroo_widgets.panels.builder import AssayBuilder

    b = AssayBuilder(demo_session, workspace="housepricesaga", pipeline="housepricepipe")
    b.report_path.value = str(tmp_path / "builder")
    b.report_button.click()
    assert b.error == "Load logs first" and not list(tmp_path.iterdir())
    b.load_button.click()
    assert b.error == "", b.error
    b.target.value = target
    b.warning_threshold.value, b.alert_threshold.value = "0.3", "1.0"  # the episode: its edges Warning
    b.name.value = f"report-{target}"
    assert b.error == "", b.error
    results = b.model.results()
    flagged = [r for r in results if r["status"] in ("Warning", "Alert")]
    assert {r["status"] for r in flagged} == {"Warning", "Alert"}, [r["status"] for r in results]
    b.report_button.click()
    assert b.error == "", b.error
    out = tmp_path / "builder.html"  # ".html" added
    assert b.last_report == out and str(out) in b.message
    text = out.read_text()
    assert f"<h1>Assay report-{target} · housepricepipe</h1>" in text and "<h2>Configuration</h2>" in text
    # the scored configuration: V1's assays/create body, V2's AssayV2Config (thresholds per iopath)
    assert ("&quot;alert_threshold&quot;: 1.0" if target == "V1" else "&quot;alert&quot;: 1.0") in text
    assert ("output variable 0" if target == "V1" else "out.variable.0") in text
    assert "Score per window · output variable 0" in text  # the timeline of the local scores
    assert f"Warning and Alert windows ({len(flagged)})" in text
    sections = text.split("<div class='window'>")[1:]
    assert len(sections) == len(flagged)
    for r, part in zip(flagged, sections, strict=True):  # each flagged window: its bins and contributions
        assert f"<span class='{r['status']}'>" in part and part.split("</h3>")[0].endswith(
            f"score {format_stat(float(r['score']))}")
        assert part.count("Plotly.newPlot") == 2
    assert text.count("Plotly.newPlot") == 1 + 2 * len(flagged)
    secrets = [demo_session.provider.access_token(), demo.client_secret, *demo_session.provider.secret_values()]
    assert all(s not in text for s in secrets if len(s) >= 8) and "Bearer" not in text
    (tmp_path / "a-file").write_text("")
    b.report_path.value = str(tmp_path / "a-file" / "r.html")  # a file where a folder must be
    b.report_button.click()
    assert b.error.startswith("Could not write") and "Traceback" not in b.error
    b.report_path.value = " "
    b.report_button.click()
    assert b.error == "Report file is required"
