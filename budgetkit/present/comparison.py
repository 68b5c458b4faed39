"""What the comparison notebook shows: ranked bars, a peer position table, a panel across
years, each with the rows behind it offered as a CSV download.

`csv_download` is `present.download`'s (re-exported: the notebook calls it from here).
"""

from __future__ import annotations

import pandas as pd

from . import charts
from .download import csv_download

__all__ = ["chart_with_rows", "csv_download", "panel_lines", "ranking_bars", "rounded"]


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
    """Display a chart and, under it, the CSV of the rows behind it (all their columns, in
    place of the link every chart gets with the columns it draws)."""
    from IPython.display import display

    display(chart.properties(usermeta={"csv": False}))
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
