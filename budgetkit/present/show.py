"""Readable tables and headings for notebooks: Chinese column names, exact amounts with
thousands separators, percentages with %, no index, nothing cut off.

    show.table(df, ["label", "amount", "pct"], labels={"label": "来源"})
    show.heading(doc)

Column headers come from `LABELS` (one vocabulary for every notebook), overridden per call.

Returns `IPython.display.HTML`/`Markdown` objects (they export to HTML as they look).
"""

from __future__ import annotations

import html
import tomllib
from decimal import Context, Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..catalog.rules import SEVERITIES
from ..money import fmt_wan
from .render import EMPTY_CLASS

CSS = """<style>
.bk-table { border-collapse: collapse; margin: 0.4em 0 1em 0; font-size: 13px; }
.bk-table th { background: #f3f5f7; text-align: left !important; padding: 4px 10px; border-bottom: 1px solid #ccd; white-space: nowrap; }
.bk-table td { padding: 3px 10px; border-bottom: 1px solid #eee; vertical-align: top; text-align: left !important; max-width: 36em; }
.bk-table td.n { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bk-table td.s { white-space: nowrap; }
.bk-table tr.bk-bad td { background: #fdecea; }
.bk-table tr.bk-doubt td { background: #fff4e0; }
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


def _places(v: Decimal) -> int:
    """Decimal places of an amount as shown (fmt_wan: at least 分, more when printed)."""
    text = fmt_wan(v) if v.is_finite() else ""
    return len(text.split(".")[1]) if text and "." in text else 0


def column_places(values, kind: str) -> int | None:
    """The one precision a money or signed column is shown with: the widest its amounts
    were printed with, so that every row of the column aligns (None: not such a column)."""
    if kind not in ("money", "signed", "pct"):
        return None
    nums = [Decimal(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]
    nums = [v for v in nums if isinstance(v, Decimal) and v.is_finite()]
    if kind == "pct":
        return max((max(-int(v.as_tuple().exponent), 0) for v in nums), default=0)
    return max((_places(v) for v in nums), default=2)


def _fixed(v: Decimal, places: int) -> str:
    """`v` with exactly `places` decimals and thousands separators (padding only: exact)."""
    ctx = Context(prec=max(28, len(v.as_tuple().digits) + places + 2))
    return format(v.quantize(Decimal(1).scaleb(-places), context=ctx), ",f")


def _cell(v: Any, kind: str, places: int | None = None) -> tuple[str, bool]:
    """(text, numeric) of one cell by column kind: money, pct (Decimal %), share (float
    ratio), growth (float %), signed (Decimal change), or plain text; `places`: the
    column's precision (`column_places`)."""
    missing = v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA
    if missing:
        return "", kind != "text"
    if places is not None and isinstance(v, int | str) and not isinstance(v, bool):
        try:
            v = Decimal(v)
        except ArithmeticError:
            places = None
    if places is not None and isinstance(v, int) and not isinstance(v, bool):
        v = Decimal(v)
    if places is not None and isinstance(v, Decimal) and v.is_finite():
        text = _fixed(v, places)
        if kind == "pct":
            return f"{text}%", True
        return (f"+{text}" if kind == "signed" and v > 0 else text), True
    if kind == "money":
        return money(v), True
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


@cache
def _labels() -> dict:
    """data/labels.toml: column headers, phrases and figure names in Chinese and English."""
    text = resources.files("budgetkit.data").joinpath("labels.toml").read_text("utf-8")
    return tomllib.loads(text)


#: Chinese header of each column name the analysis functions return (data/labels.toml).
LABELS: dict[str, str] = {k: v["zh"] for k, v in _labels()["columns"].items()}

#: The languages a report can be written in: Chinese, English, or both side by side.
LANGUAGES = ("zh", "en", "both")
_state = {"language": "zh"}


def use_language(language: str) -> None:
    """Write the tables, figures and findings that follow in `language` (zh, en or both);
    the notebooks call it with their `language` parameter."""
    if language not in LANGUAGES:
        from ..errors import BudgetkitError

        raise BudgetkitError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    _state["language"] = language


def language() -> str:
    return _state["language"]


def bilingual(zh: str, en: str | None) -> str:
    """`zh`, `en` or 'zh / en' as the current language asks (zh when there is no en)."""
    lang = _state["language"]
    if lang == "zh" or not en or en == zh:
        return zh
    return en if lang == "en" else f"{zh} / {en}"


def header(column: str, override: str | None = None) -> str:
    """A column's header: `override` (Chinese, from a notebook) or the catalogue's label,
    in the current language (English from labels.toml, else fields.toml)."""
    data = _labels()
    zh = override or LABELS.get(column)
    if override:
        en = data["phrases"].get(override)
        if en is None and override == LABELS.get(column):
            en = data["columns"][column]["en"]
    elif column in data["columns"]:
        en = data["columns"][column]["en"]
    else:
        from ..catalog.fields import fields

        f = fields().fields.get(str(column))
        zh = zh or (f.zh if f else str(column))
        en = f.en if f else data["phrases"].get(str(column))
    return bilingual(str(zh), en)


def table(
    df: pd.DataFrame,
    columns: list[str] | dict[str, str] | None = None,
    *,
    labels: dict[str, str] | None = None,
    bad: pd.Series | None = None,
    max_rows: int = 200,
    note: str = "",
):
    """An HTML table of `df`: only `columns`, in that order (default all), headed by `LABELS`
    with `labels` overriding (a dict `columns` gives its own headers); rows where `bad` is
    True are highlighted. Long tables are cut at `max_rows` with a note saying so."""
    from IPython.display import HTML

    if not isinstance(columns, dict):
        names = list(df.columns) if columns is None else columns
        columns = {c: header(c, (labels or {}).get(c)) for c in names}
    else:
        columns = {c: header(c, v) for c, v in columns.items()}
    cols = [c for c in columns if c in df.columns]
    if df.empty:
        return HTML(
            f"{CSS}<p class='bk-note {EMPTY_CLASS}'>（无数据 · no rows）{html.escape(note)}</p>"
        )
    kinds = {c: _kind(c, df[c]) for c in cols}
    shown = df.head(max_rows)
    places = {c: column_places(shown[c], kinds[c]) for c in cols}
    head = "".join(f"<th>{html.escape(columns[c])}</th>" for c in cols)
    body = []
    flags = list(bad) if bad is not None else [False] * len(df)
    for i, (_, row) in enumerate(shown.iterrows()):
        cells = []
        for c in cols:
            text, numeric = _cell(row[c], kinds[c], places[c])
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


SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def findings(df: pd.DataFrame):
    """`doc.check()` findings, errors first, with the place shortened to 'line N' / 'p. N'."""
    if df.empty:  # news, not a missing section: never marked empty
        from IPython.display import HTML

        return HTML(f"{CSS}<p class='bk-note'>没有发现问题 · no findings</p>")
    out = df.copy()
    out["_o"] = out["severity"].map(SEVERITY_ORDER).fillna(3)
    out = out.sort_values(["_o", "rule"], kind="stable")
    if language() != "zh":
        from ..catalog.rules import rules

        catalogue = rules()

        def described(rule_id: str, message: str) -> str:
            base = rule_id[: -len(".rounding")] if rule_id.endswith(".rounding") else rule_id
            r = catalogue.get(rule_id) or catalogue.get(base)
            return bilingual(message, r.description if r else None)

        out["message"] = [described(r, m) for r, m in zip(out["rule"], out["message"], strict=True)]
    out["where"] = [
        "" if pd.isna(ln) else (f"p.{int(pg)} l.{int(ln)}" if pd.notna(pg) else f"line {int(ln)}")
        for pg, ln in zip(out["page"], out["line"], strict=True)
    ]
    return table(
        out,
        {"severity": "严重程度", "rule": "规则", "message": "说明", "where": "位置"},  # → header()
        bad=out["severity"].eq("error"),
    )


def heading(doc):
    """A one-line identification of the document: department, year, kind, unit, file.

    HTML with every part escaped: the department and the file name are untrusted text (a
    Markdown heading would pass `<img onerror=…>` or a backtick through as markup)."""
    from IPython.display import HTML

    m = doc.meta
    kind = {"budget": "预算", "final": "决算"}.get(m.kind, m.kind)
    scope = {"department": "部门", "unit": "单位"}.get(m.scope, m.scope)
    esc = html.escape
    source = " + ".join(Path(str(s)).name for s in (m.sources or (m.source,)))
    return HTML(
        f"{CSS}<p class='bk-heading'><b>{esc(str(m.department or '（部门名称未读出）'))}</b> · "
        f"{esc(str(m.year or ''))} 年{esc(str(scope or ''))}{esc(str(kind or ''))} · "
        f"表格单位：{esc(str(m.unit_as_printed or '—'))}（本报告统一换算为万元）· "
        f"文件：<code>{esc(source)}</code></p>{unread_notice(doc)}"
    )


def unread_notice(doc) -> str:
    """A warning box when no amount was read from the document's tables ('' otherwise): the
    report then shows only what its text says, and says so at the top."""
    if len(doc.amounts):
        return ""
    why = (
        "这份文件只有文字部分（情况说明），预算表另行公开：把两份文件一起交给 budgetkit 即可合并读取"
        if doc.meta.publication == "narrative"
        else "文件中的预算表无法识别（可能是扫描件、图片或不常见的版式）"
    )
    return (
        "<div class='bk-unread' style='border:2px solid #b00020;background:#fdecea;"
        "padding:.6em 1em;margin:.5em 0 1em 0;border-radius:4px'>"
        f"<b>⚠ 没有读出预算表 · Tables could not be read.</b> {html.escape(why)}。"
        "下面只有取自文字的数字；没有数据的图表和章节从略。</div>"
    )


def figures(rows: pd.DataFrame | list[tuple]):
    """Key figures as a table: a DataFrame with label, value, unit and optionally note (e.g.
    `structure.key_figures`) or a list of (label, value, unit[, note]). A figure with a note
    (derived rather than printed, or contradicted by its table's identities) is marked ⚠
    and says why, in the page and in print."""
    from IPython.display import HTML

    if isinstance(rows, pd.DataFrame):
        cols = ["label", "value", "unit", *(["note"] if "note" in rows.columns else [])]
        frame = rows
        rows = list(frame[cols].itertuples(index=False))
        if "key" in frame.columns:
            rows = [
                (figure_label(k, r[0]), *r[1:]) for k, r in zip(frame["key"], rows, strict=True)
            ]
    body = []
    for row in rows:
        label, value, unit = row[:3]
        note = row[3] if len(row) > 3 else None
        note = None if note is None or (isinstance(note, float) and pd.isna(note)) else note
        mark = " ⚠" if note else ""
        cls = " class='bk-doubt'" if note else ""
        body.append(
            f"<tr{cls}><td>{html.escape(str(label))}{mark}</td>"
            f"<td class='n'>{html.escape(money(value))} {html.escape(str(unit))}</td>"
            f"<td class='bk-note'>{html.escape(str(note)) if note else ''}</td></tr>"
        )
    return HTML(f"{CSS}<table class='bk-table bk-figures'><tbody>{''.join(body)}</tbody></table>")


def figure_label(key: str, zh: str) -> str:
    """A key figure's name in the current language (fields.toml figures, labels.toml)."""
    from ..catalog.fields import fields

    spec = fields().figures.get(key)
    en = getattr(spec, "en", None) or _labels()["figures"].get(key, {}).get("en")
    return bilingual(zh, en)


def yes_no(value: bool | None) -> str:
    """是 / 否, or 无法比较 when there was nothing to compare."""
    return "无法比较" if value is None else ("是" if value else "否")


def answer(question: str, answer_html: str):
    """An exercise: the question, and its answer folded in a `<details>` block."""
    from IPython.display import HTML

    return HTML(
        f"{CSS}<p><b>练习 Exercise：</b>{html.escape(question)}</p>"
        f"<details class='bk-answer'><summary>答案 Answer（点击展开）</summary>{answer_html}</details>"
    )
