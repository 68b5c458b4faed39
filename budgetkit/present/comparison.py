"""What the comparison notebook shows: ranked bars, a peer position table, a panel across
years, each with the rows behind it offered as a CSV download.

`csv_download(df, name)` is a small local helper (a `data:` link, so it works in the exported
HTML without a server); the reports helper is adding a shared one to `budgetkit.present` —
this one is to be replaced by it when it lands.
"""

from __future__ import annotations

import base64
import html
import re
from decimal import Decimal
from typing import Any

import pandas as pd

from . import charts

_NAME = re.compile(r"[^\w.-]+")


def _csv_cell(v: Any) -> Any:
    if isinstance(v, Decimal):
        return format(v, "f")
    return v


def csv_download(df: pd.DataFrame, name: str, label: str = "下载数据（CSV）"):
    """A link that saves `df` as UTF-8 CSV (with BOM, so Excel reads Chinese), exact amounts."""
    from IPython.display import HTML

    safe = _NAME.sub("_", name).strip("._") or "data"
    data = df.map(_csv_cell) if hasattr(df, "map") else df
    payload = ("\ufeff" + data.to_csv(index=False, lineterminator="\n")).encode("utf-8")
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(payload).decode("ascii")
    return HTML(
        f'<p class="bk-download"><a download="{html.escape(safe)}.csv" href="{href}">'
        f"{html.escape(label)}</a> · {len(df)} 行</p>"
    )


def rounded(df: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    """Float columns (shares, growth, per-staff) rounded for display; money stays exact."""
    floats = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    out = df.copy()
    out[floats] = out[floats].round(digits)
    for c in df.columns:  # object columns holding floats (None where there is no base)
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, float)).any():
            out[c] = df[c].map(lambda v: round(v, digits) if isinstance(v, float) else v)
    return out


def chart_with_rows(chart, df: pd.DataFrame, name: str):
    """Display a chart and, under it, the CSV of the rows it draws."""
    from IPython.display import display

    display(chart)
    display(csv_download(df, name))


def ranking_bars(ranked: pd.DataFrame, measure: str, title: str, unit: str = "万元"):
    """Departments by one measure, largest first (rows without the figure left out)."""
    data = ranked[ranked[measure].map(lambda v: v is not None and not pd.isna(v))]
    data = data.assign(name=data["department"])
    return charts.sorted_bars(data, label="name", value=measure, title=title, unit=unit)


def panel_lines(panel: pd.DataFrame, measure: str, title: str, unit: str = "万元"):
    """One line per department over the years for one measure of the panel."""
    data = panel[panel["measure"] == measure]
    return charts.trend_lines(data, label="department", title=title, unit=unit)
