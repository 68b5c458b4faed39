"""The rows behind a chart or table, offered as a CSV download inside the page.

A `data:` link, so it works in an exported report without a server; UTF-8 with a BOM so
Excel opens Chinese correctly; exact amounts (a Decimal is written as printed).

    csv_download(df, "收入来源")      # an IPython HTML link
    csv_link(rows, "收入来源")        # the same link as an HTML string, from a list of dicts
"""

from __future__ import annotations

import base64
import html
import re
from decimal import Decimal
from typing import Any

_NAME = re.compile(r"[^\w.-]+")


def _cell(v: Any) -> Any:
    return format(v, "f") if isinstance(v, Decimal) else v


def csv_link(rows: list[dict], name: str, label: str = "下载数据（CSV）· data") -> str:
    """HTML of a link saving `rows` (dicts, columns in first-seen order) as `name`.csv."""
    import csv
    import io

    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    payload = ("\ufeff" + buf.getvalue()).encode("utf-8")
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(payload).decode("ascii")
    safe = _NAME.sub("_", name).strip("._") or "data"
    return (
        f'<p class="bk-download bk-note"><a download="{html.escape(safe)}.csv" href="{href}">'
        f"{html.escape(label)}</a> · {len(rows)} 行</p>"
    )


def csv_download(df, name: str, label: str = "下载数据（CSV）· data"):
    """A link that saves the DataFrame `df` as `name`.csv (exact amounts)."""
    from IPython.display import HTML

    return HTML(csv_link(df.to_dict("records"), name, label))
