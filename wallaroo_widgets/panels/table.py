"""Interactive tables (sort, filter, select) on itables' anywidget ``ITable``; selection as traitlets."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets
from itables.widget import ITable

#: cells holding lists/dicts are shown as JSON cut to this many characters
MAX_CELL = 80
#: the footer filter boxes fill their column instead of widening it (a browser's default text input is ~20
#: characters wide, so short columns such as ``status`` were as wide as a date and pushed others out of view)
FIT_CLASS = "wallaroo-fit"
FIT_CSS = f"table.dataTable.{FIT_CLASS} tfoot input {{ width: 100%; min-width: 3em; box-sizing: border-box; }}"


def display_frame(df: pd.DataFrame, number_format: str | Callable[[float], str] | None = None) -> pd.DataFrame:
    """A copy safe to render: nested values as short JSON text, timestamps as naive UTC (still sortable),
    missing values in text columns blank (not "None"), floats as ``number_format`` text when given (a format
    string such as ``"{:,.6g}"`` or a function of the value)."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            sample = out[col].dropna()
            if len(sample) and sample.map(lambda v: isinstance(v, list | dict | tuple)).any():
                out[col] = out[col].map(_cell)
            out[col] = out[col].astype(object).map(_blank_missing)
        elif number_format and pd.api.types.is_float_dtype(out[col].dtype):
            fmt = number_format.format if isinstance(number_format, str) else number_format
            out[col] = out[col].map(lambda v, fmt=fmt: "" if pd.isna(v) else fmt(v))
    return out.reset_index(drop=True)


def _blank_missing(value: Any) -> Any:
    """None / NaN / pd.NA -> "" (a text column shows nothing rather than "None"); other values unchanged."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict | tuple):
        text = json.dumps(value, default=str)
        return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"
    return value


class DataTable(widgets.VBox):
    """A sortable, filterable, single-select table. ``selected`` is the selected row as a dict (or None),
    ``selected_index`` its position in ``df``; other widgets observe them. ``caption`` is shown as a bold title
    above the table, ``empty`` replaces "No data available in table" (say what to do to fill it), and
    ``number_format`` (e.g. ``"{:,.6g}"``) formats float columns for display only (``df`` stays numeric)."""

    selected = traitlets.Any(None, allow_none=True)
    selected_index = traitlets.Int(None, allow_none=True)

    def __init__(self, df: pd.DataFrame | None = None, *, columns: list[str] | None = None, caption: str = "",
                 max_bytes: str | int = "8MB", page_length: int = 10, empty: str = "",
                 number_format: str | Callable[[float], str] | None = None) -> None:
        self.columns = columns
        self.number_format = number_format
        self.df = pd.DataFrame(columns=columns or [])
        self._opts = {"select": {"style": "single"}, "showIndex": False, "maxBytes": max_bytes,
                      "pageLength": page_length, "lengthMenu": sorted({page_length, 10, 25, 50, 100}),
                      "column_filters": "footer", "scrollX": True, "css": FIT_CSS}
        if empty:
            self._opts["language"] = {"emptyTable": empty}
        # one line per row (long cells scroll sideways instead of making rows tall)
        self.table = ITable(display_frame(self.df), caption=caption, classes=f"display compact nowrap {FIT_CLASS}", **self._opts)
        self.table.observe(self._on_rows, "selected_rows")
        #: the caption as a visible title (itables' own caption is not rendered by the widget)
        self.title = widgets.HTML(f"<b>{html.escape(caption)}</b>" if caption else "",
                                  layout=widgets.Layout(display="flex" if caption else "none"))
        super().__init__([self.title, self.table])
        if df is not None:
            self.set_df(df)

    def set_df(self, df: pd.DataFrame, *, keep: str | None = None) -> None:
        """Show ``df`` (``columns`` first when given). ``keep`` = a column whose value re-selects the same row."""
        previous = self.selected.get(keep) if keep and self.selected else None
        if self.columns:
            first = [c for c in self.columns if c in df.columns]
            df = df[first + [c for c in df.columns if c not in first]]
        self.df = df.reset_index(drop=True)
        self.table.update(display_frame(self.df, self.number_format), selected_rows=[], **self._opts)
        self.selected, self.selected_index = None, None
        if previous is not None and keep in self.df:
            hits = self.df.index[self.df[keep] == previous]
            if len(hits):
                self.select(int(hits[0]))

    def select(self, index: int | None) -> None:
        """Select a row by position (None clears)."""
        self.table.selected_rows = [] if index is None else [int(index)]

    def select_where(self, column: str, value: Any) -> bool:
        """Select the first row whose ``column`` equals ``value``; False when there is none."""
        if column not in self.df:
            return False
        hits = self.df.index[self.df[column] == value]
        if not len(hits):
            return False
        self.select(int(hits[0]))
        return True

    def _on_rows(self, change: Any) -> None:
        rows = [r for r in change["new"] if 0 <= r < len(self.df)]
        if rows:
            self.selected_index = rows[0]
            self.selected = {k: _plain(v) for k, v in self.df.iloc[rows[0]].to_dict().items()}
        else:
            self.selected_index, self.selected = None, None


def _plain(value: Any) -> Any:
    """numpy scalars -> Python scalars so selections compare and serialise simply."""
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    return value
