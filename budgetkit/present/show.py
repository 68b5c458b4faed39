"""Readable tables and headings for notebooks: Chinese column names, exact amounts with
thousands separators, percentages with %, no index, nothing cut off.

    show.table(df, {"label": "来源", "amount": "金额（万元）", "pct": "占比"})
    show.heading(doc)

Returns `IPython.display.HTML`/`Markdown` objects (they export to HTML as they look).
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

import pandas as pd

from ..money import fmt_wan

CSS = """<style>
.bk-table { border-collapse: collapse; margin: 0.4em 0 1em 0; font-size: 13px; }
.bk-table th { background: #f3f5f7; text-align: left !important; padding: 4px 10px; border-bottom: 1px solid #ccd; white-space: nowrap; }
.bk-table td { padding: 3px 10px; border-bottom: 1px solid #eee; vertical-align: top; text-align: left !important; max-width: 36em; }
.bk-table td.n { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bk-table td.s { white-space: nowrap; }
.bk-table tr.bk-bad td { background: #fdecea; }
.bk-note { color: #555; font-size: 12px; }
details.bk-answer { margin: 0.3em 0 1em 0; padding: 0.4em 0.8em; background: #f6f8fa; border-radius: 4px; }
details.bk-answer summary { cursor: pointer; font-weight: bold; }
</style>"""


def money(v: Any) -> str:
    """Exact 万元 amount with thousands separators ('16,497.864'); '' for missing."""
    if isinstance(v, Decimal):
        return number(Decimal(fmt_wan(v) or "0"))
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return str(v)


def number(v: Any) -> str:
    """A Decimal as printed (its own precision) with thousands separators: '3,287.52', '90'."""
    if isinstance(v, Decimal):
        return format(v, ",f")
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return str(v)


def _cell(v: Any, kind: str) -> tuple[str, bool]:
    """(text, numeric) of one cell by column kind: money, pct (Decimal %), share (float
    ratio), growth (float %), signed (Decimal change), or plain text."""
    missing = v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA
    if missing:
        return "", kind != "text"
    if kind == "money":
        return number(v), True
    if kind == "signed":
        s = number(v)
        return (f"+{s}" if isinstance(v, Decimal) and v > 0 else s), True
    if kind == "pct":
        return f"{v}%", True
    if kind == "share":
        return f"{float(v):.2%}", True
    if kind == "growth":
        return f"{float(v):+.2f}%", True
    if isinstance(v, bool):
        return ("是" if v else "否"), False
    if isinstance(v, (int, Decimal)):
        return str(v), True
    return str(v), False


def _kind(col: str, values: pd.Series) -> str:
    if col in ("pct",):
        return "pct"
    if col in ("share", "project_share"):
        return "share"
    if col.startswith("growth"):
        return "growth"
    if col in ("change", "difference", "stated_change", "gap"):
        return "signed"
    if any(isinstance(v, Decimal) for v in values):
        return "money"
    return "text"


def table(
    df: pd.DataFrame,
    columns: dict[str, str] | None = None,
    *,
    bad: pd.Series | None = None,
    max_rows: int = 200,
    note: str = "",
):
    """An HTML table of `df` (only `columns`, renamed, in that order); rows where `bad` is
    True are highlighted. Long tables are cut at `max_rows` with a note saying so."""
    from IPython.display import HTML

    if columns is None:
        columns = {c: c for c in df.columns}
    cols = [c for c in columns if c in df.columns]
    if df.empty:
        return HTML(f"{CSS}<p class='bk-note'>（无数据 · no rows）{html.escape(note)}</p>")
    kinds = {c: _kind(c, df[c]) for c in cols}
    head = "".join(f"<th>{html.escape(columns[c])}</th>" for c in cols)
    body = []
    flags = list(bad) if bad is not None else [False] * len(df)
    for i, (_, row) in enumerate(df.head(max_rows).iterrows()):
        cells = []
        for c in cols:
            text, numeric = _cell(row[c], kinds[c])
            cls = ' class="n"' if numeric else (' class="s"' if len(text) <= 12 else "")
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        cls = ' class="bk-bad"' if flags[i] else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    more = (
        f"<p class='bk-note'>共 {len(df)} 行，只显示前 {max_rows} 行。</p>"
        if len(df) > max_rows
        else ""
    )
    tail = f"<p class='bk-note'>{html.escape(note)}</p>" if note else ""
    return HTML(
        f"{CSS}<table class='bk-table'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{more}{tail}"
    )


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def findings(df: pd.DataFrame):
    """`doc.check()` findings, errors first, with the place shortened to 'line N' / 'p. N'."""
    if df.empty:
        return table(df, note="没有发现问题 · no findings")
    out = df.copy()
    out["_o"] = out["severity"].map(SEVERITY_ORDER).fillna(3)
    out = out.sort_values(["_o", "rule"], kind="stable")
    out["where"] = out["location"].map(lambda s: str(s).rsplit(":", 1)[-1] if s else "")
    return table(
        out,
        {"severity": "严重程度", "rule": "规则", "message": "说明", "where": "位置"},
        bad=out["severity"].eq("error"),
    )


def heading(doc):
    """A one-line identification of the document: department, year, kind, unit, file."""
    from IPython.display import Markdown

    m = doc.meta
    kind = {"budget": "预算", "final": "决算"}.get(m.kind, m.kind)
    scope = {"department": "部门", "unit": "单位"}.get(m.scope, m.scope)
    return Markdown(
        f"**{m.department}** · {m.year} 年{scope}{kind} · 表格单位：{m.unit_as_printed}"
        f"（本报告统一换算为万元）· 文件：`{m.source}`"
    )


def figures(df: pd.DataFrame):
    """Key figures (`structure.key_figures`) as a two-column table."""
    from IPython.display import HTML

    rows = "".join(
        f"<tr><td>{html.escape(str(r.label))}</td><td class='n'>{html.escape(money(r.value))} {html.escape(str(r.unit))}</td></tr>"
        for r in df.itertuples(index=False)
    )
    return HTML(f"{CSS}<table class='bk-table'><tbody>{rows}</tbody></table>")


def answer(question: str, answer_html: str):
    """An exercise: the question, and its answer folded in a `<details>` block."""
    from IPython.display import HTML

    return HTML(
        f"{CSS}<p><b>练习 Exercise：</b>{html.escape(question)}</p>"
        f"<details class='bk-answer'><summary>答案 Answer（点击展开）</summary>{answer_html}</details>"
    )
