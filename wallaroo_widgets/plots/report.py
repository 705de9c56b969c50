"""Drift reports to share: ONE self-contained HTML file (plotly.js embedded once, so it opens offline and by
e-mail) with the assay's configuration, the score timeline with its threshold bands, the bins comparison and
statistics of every Warning/Alert window, and the overview heatmap with its ranked table when there is one.

    rep = report(results, config=assay, title="house price drift")       # results: V1 or flat V2 dicts
    rep = report(overview=ov, field="in.tensor.3")                        # an overview and one field's windows
    rep.save("drift.html")

Configuration values under keys that look secret (token, password, secret, authorization, api key) are
dropped, and no session object is ever read: a report holds what was drawn, not who drew it.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import json
import pathlib
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline

from ..drift import v2
from ..drift.overview import Overview
from ..secrets import scrub as secret_scrub
from . import _v2
from .bins import bin_contributions, bins_comparison
from .overview import field_order, field_results, overview_heatmap
from .stats import format_stat, stats_frame
from .timeline import score_timeline

SECRET_KEY = re.compile(r"token|password|passwd|secret|authorization|api[_-]?key|credential", re.I)
FLAGGED = ("Warning", "Alert")
MAX_WINDOWS = 100   # flagged windows drawn in full; more are listed in a table
RANKED_ROWS = 25

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 24px auto; max-width: 1200px;
       color: #222; padding: 0 16px; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } .muted { color: #777; } .Alert { color: #c00; font-weight: 600; }
.Warning { color: #d80; font-weight: 600; } .window { border: 1px solid #eee; margin: 12px 0; padding: 8px; }
pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 0.85em; }
"""


def scrub(value: Any) -> Any:
    """A JSON-able copy of ``value`` without entries whose key looks secret, and strings with bearer tokens,
    JWTs, ``password=...`` values and URL passwords masked."""
    if isinstance(value, Mapping):
        return {str(k): scrub(v) for k, v in value.items() if not SECRET_KEY.search(str(k))}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if hasattr(value, "to_api"):
        return scrub(value.to_api())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, _dt.datetime | pd.Timestamp):
        return pd.Timestamp(value).isoformat()
    return secret_scrub(value) if isinstance(value, str) else value  # bearer/JWT/URL passwords in free text


@dataclasses.dataclass
class Report:
    """A finished report: ``html`` (the whole file) and ``save(path)``."""

    title: str
    html: str
    figures: int

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write the HTML file (parent folders created); returns its path."""
        out = pathlib.Path(path).expanduser()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.html, encoding="utf-8")
        return out

    def __repr__(self) -> str:
        return f"<Report {self.title!r}: {self.figures} charts, {len(self.html) // 1024} KiB>"


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.figures = 0

    def add(self, text: str) -> None:
        self.parts.append(text)

    def figure(self, fig: go.Figure, height: int | None = None) -> None:
        self.figures += 1
        if height:
            fig.update_layout(height=height)
        fig.update_layout(autosize=True, width=None)
        self.parts.append(pio.to_html(fig, include_plotlyjs=False, full_html=False, default_width="100%",
                                      config={"responsive": True, "displaylogo": False}))

    def table(self, df: pd.DataFrame, caption: str = "") -> None:
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        body = df.to_html(index=False, border=0, na_rep="", float_format=lambda x: format_stat(x), escape=True)
        self.parts.append(body.replace(">", ">" + cap, 1))  # the caption right after the <table ...> tag


def _normalise(results: Any, config: Any, iopath: str | None) -> list[dict[str, Any]]:
    """Flat result dicts: V1 dicts as they are; V2 results/previews converted with the assay (``config``)."""
    items = list(results or [])
    if not items or not _v2.is_v2_list(items):
        return [dict(r) for r in items]
    assay = config if isinstance(config, v2.AssayV2) else None
    key = iopath or (assay.targeting.keys[0] if assay is not None else None)
    return [_v2.result(r, assay, key, assay.summarizer if assay else None, assay.targeting if assay else None)
            for r in items]


def _config_section(b: _Builder, config: Any) -> None:
    b.add("<h2>Configuration</h2>")
    if config is None:
        b.add("<p class='muted'>No configuration was given.</p>")
        return
    data = scrub(config)
    flat = {k: v for k, v in data.items() if not isinstance(v, dict | list)} if isinstance(data, dict) else {}
    if flat:
        b.table(pd.DataFrame({"setting": list(flat), "value": [str(v) for v in flat.values()]}))
    b.add("<details><summary>Full configuration (JSON)</summary><pre>"
          + html.escape(json.dumps(data, indent=2, default=str)) + "</pre></details>")


def _status_summary(b: _Builder, results: list[dict[str, Any]]) -> None:
    statuses = pd.Series([r.get("status") or "NoData" for r in results], dtype=object)
    scores = pd.to_numeric(pd.Series([r.get("score") for r in results], dtype=object), errors="coerce")
    counts = statuses.value_counts()
    peak = int(scores.idxmax()) if scores.notna().any() else None
    rows = {"windows": len(results), **{s: int(counts.get(s, 0)) for s in ("Ok", *FLAGGED, "NoData")},
            "highest score": format_stat(float(scores[peak])) if peak is not None else "",
            "highest at": results[peak].get("window_start") if peak is not None else ""}
    b.table(pd.DataFrame({"": list(rows), "value": [str(v) for v in rows.values()]}), "Windows by status")


def _window_section(b: _Builder, flagged: list[dict[str, Any]]) -> None:
    b.add(f"<h2>Warning and Alert windows ({len(flagged)})</h2>")
    if not flagged:
        b.add("<p>No window reached a threshold.</p>")
        return
    shown = flagged[:MAX_WINDOWS]
    for r in shown:
        status = html.escape(str(r.get("status")))
        b.add(f"<div class='window'><h3><span class='{status}'>{status}</span> · window from "
              f"{html.escape(str(r.get('window_start')))} · score {format_stat(float(r.get('score') or 0))}</h3>")
        base = r.get("baseline_summary")
        if base:
            b.figure(bins_comparison(base, r), height=300)
            if r.get("scores"):
                b.figure(bin_contributions(r), height=240)
            b.table(stats_frame(base, r).rename_axis("stat").reset_index(), "Baseline vs window statistics")
        b.add("</div>")
    if len(flagged) > len(shown):
        rest = pd.DataFrame([{"window_start": r.get("window_start"), "score": r.get("score"),
                              "status": r.get("status")} for r in flagged[len(shown):]])
        b.table(rest, f"{len(rest)} more flagged windows (charts for the first {MAX_WINDOWS} above)")


def _overview_section(b: _Builder, ov: Overview) -> None:
    s = ov.settings
    b.add(f"<h2>Drift overview: {len(ov.keys)} fields × {len(ov.starts)} windows</h2>"
          f"<p>{s.version} rules, {s.bin_mode} {s.num_bins} bins, {s.aggregation}, {s.metric}; baseline "
          f"{html.escape(str(s.baseline_start_ts))} to {html.escape(str(s.baseline_end_ts))}; windows "
          f"{html.escape(str(s.width))} from {html.escape(str(s.first_window))}; thresholds warning "
          f"{s.warning_threshold}, alert {s.alert_threshold}.</p>")
    b.figure(overview_heatmap(ov))
    ranked = ov.ranked().head(RANKED_ROWS)
    b.table(ranked.drop(columns=["error"]) if not ranked["error"].any() else ranked,
            f"Fields that drifted most (top {min(RANKED_ROWS, len(ov.keys))} of {len(ov.keys)})")


def report(results: Any = None, *, config: Any = None, overview: Overview | None = None, field: str | None = None,
           title: str | None = None, warning_threshold: float | None = None, alert_threshold: float | None = None,
           iopath: str | None = None) -> Report:
    """Build the report. ``results``: an assay's results (V1 dicts, local or server; V2 results or previews
    with ``config`` the ``AssayV2``; or flat dicts); ``config``: the assay's configuration (dict, AssayV2,
    AssayV2Config). With ``overview``: its heatmap and ranked table, and — when no ``results`` are given —
    the windows of ``field`` (default: the most drifted field) as the assay part, with the overview's
    settings as configuration."""
    if overview is not None and results is None and overview.scored:
        key = field or overview.keys[next(i for i in field_order(overview) if overview.keys[i] in overview.scored)]
        results = field_results(overview, key)
        iopath = iopath or key
        if config is None:
            config = {"field": key, **dataclasses.asdict(overview.settings)}
    rows = _normalise(results, config, iopath)
    rows.sort(key=lambda r: pd.Timestamp(r["window_start"]) if r.get("window_start") else pd.Timestamp(0, tz="UTC"))
    title = title or (f"Drift report · {iopath}" if iopath else "Drift report")
    b = _Builder()
    b.add(f"<h1>{html.escape(title)}</h1><p class='muted'>Generated {pd.Timestamp.now(tz='UTC'):%Y-%m-%d %H:%M} "
          "UTC by wallaroo-widgets · Wallaroo's assay math · charts are interactive (plotly.js inside)</p>")
    _config_section(b, config)
    b.add("<h2>Score timeline</h2>")
    if rows:
        b.figure(score_timeline(rows, warning_threshold, alert_threshold,
                                title=f"Score per window · {iopath}" if iopath else None), height=380)
        _status_summary(b, rows)
    else:
        b.add("<p class='muted'>No result windows.</p>")
    _window_section(b, [r for r in rows if r.get("status") in FLAGGED and r.get("score") is not None])
    if overview is not None:
        _overview_section(b, overview)
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{CSS}</style>"
            f"<script type='text/javascript'>{plotly.offline.get_plotlyjs()}</script></head><body>"
            + "\n".join(b.parts) + "</body></html>")
    return Report(title, page, b.figures)
