"""plots.report: what the HTML holds (sections, one chart per flagged window, no secret-looking config values)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wallaroo_widgets.drift.overview import OverviewSettings, score_overview
from wallaroo_widgets.plots import field_results, report
from wallaroo_widgets.plots.report import scrub

T0 = pd.Timestamp("2025-05-01T00:00:00Z")


def _overview(version: str = "V1"):
    rng = np.random.default_rng(11)
    ms = np.sort(rng.integers(0, 72 * 3_600_000, 5000)) + T0.value // 1_000_000
    late = (ms - ms[0]) > 50 * 3_600_000
    cols = {"in.tensor.0": rng.normal(0, 1, ms.size) + late * 2.0, "in.tensor.1": rng.normal(0, 1, ms.size)}
    return score_overview(ms, cols, OverviewSettings(baseline_start=T0, baseline_end=T0 + pd.Timedelta(hours=24),
                                                     width="6 hours", warning_threshold=0.1, version=version))


def test_scrub_drops_secret_looking_keys_at_any_depth():
    got = scrub({"name": "a", "Token": "t", "auth": {"password": "p", "user": "u", "api_key": "k"},
                 "items": [{"client_secret": "s", "x": np.float64(1.5)}], "when": T0})
    assert got == {"name": "a", "auth": {"user": "u"}, "items": [{"x": 1.5}], "when": T0.isoformat()}


def test_report_of_v1_and_v2_windows_has_one_bins_chart_per_flagged_window():
    for version in ("V1", "V2"):
        ov = _overview(version)
        results = field_results(ov, "in.tensor.0")
        flagged = [r for r in results if r["status"] in ("Warning", "Alert")]
        assert len(flagged) >= 3
        rep = report(results, config={"name": "x", "token": "SECRET-TOKEN-123", "nested": {"password": "PW-456"}},
                     title=f"t {version}")
        assert rep.figures == 1 + 2 * len(flagged)  # timeline + (bins, contributions) per flagged window
        assert f"Warning and Alert windows ({len(flagged)})" in rep.html and "<h2>Configuration</h2>" in rep.html
        assert "SECRET-TOKEN-123" not in rep.html and "PW-456" not in rep.html
        assert rep.html.count("<script type='text/javascript'>") == 1  # plotly.js once, in the head
        with_ov = report(overview=ov)
        assert with_ov.figures == rep.figures + 1 and "Drift overview: 2 fields" in with_ov.html
        assert "in.tensor.0" in with_ov.html  # the most drifted field is the assay part


def test_an_empty_report_says_so():
    rep = report([], title="nothing")
    assert rep.figures == 0 and "No result windows." in rep.html and "No configuration was given." in rep.html


def test_report_masks_secrets_inside_free_text_config_values():
    """Secret-looking keys are dropped; a bearer token, a JWT, a ``password=`` value or a URL's password written
    inside an ordinary value is masked too."""
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHgifQ.c2lnbmF0dXJlLXh5ejEyMw"
    pw = "Pw-7f3a9c-xyz"
    rep = report([], config={"name": "x", "notes": f"called with Bearer {jwt}", "source": f"https://bob:{pw}@h.example",
                             "comment": f"password={pw}", "raw": jwt}, title="secrets")
    assert jwt not in rep.html and pw not in rep.html
    assert "https://bob:***@h.example" in rep.html and "Bearer &lt;token&gt;" in rep.html  # the rest stays
