"""Helpers for the budget-literacy lesson (`notebooks/literacy.ipynb`).

- `parts(doc)`: the parts of a disclosure and how much of each was read;
- `identity(doc)`: one identity shown with its numbers (支出合计 = 基本支出 + 项目支出);
- `broken_copy(document, folder, old, new)`: a copy of a text document with one figure
  changed, to show `check()` catching it; `tamper(doc, folder)` picks that figure from the
  document itself (the 基本支出 of the 支出总表's 合计 row);
- `findings_summary(findings)`, `findings_table(findings)`: what `check()` found, in words
  and with Chinese labels (no rule ids);
- `exercises(doc)`: questions and answers computed from the document given, never the seed's.

Every text from the document is escaped in the answers' HTML.
"""

from __future__ import annotations

import html
import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from ..analysis import structure, trend
from ..analysis.structure import total_row
from ..catalog.rules import SEVERITIES


def parts(doc) -> pd.DataFrame:
    """Part, what it is, and what the reader took from it (counts)."""
    tables = doc.table_index
    found = tables[tables["table"].notna()]
    staffing = len(doc.staffing)
    rows = [
        ("概况", "部门职能、机构设置、人员编制", f"人员信息 {staffing} 项"),
        ("预算公开表", "收支总表、收入表、支出表、财政拨款表、三公经费表……", f"{len(found)} 张表"),
        ("情况说明", "文字说明：金额、占比、比上年增减及原因", f"{len(doc.statements)} 条陈述"),
        ("绩效目标表", "每个项目要达到的产出、效益、满意度目标", f"{len(doc.targets)} 个指标"),
        ("名词解释", "文件自己给出的术语定义", f"{len(doc.glossary)} 个术语"),
    ]
    return pd.DataFrame(rows, columns=["部分", "内容", "读出"])


def identity(doc, table: str = "expenditure") -> dict:
    """The 合计 row of `table`: total, basic, project, and whether total = basic + project."""
    row = total_row(doc, table) or {}
    total, basic, project = row.get("total"), row.get("basic"), row.get("project")
    both = None if basic is None or project is None else basic + project
    holds = None if total is None or both is None else total == both
    return {
        "total": total,
        "basic": basic,
        "project": project,
        "sum": both,
        "holds": holds,
        "line": row.get("line"),
        "page": row.get("page"),
    }


def broken_copy(document: str | Path, folder: str | Path, old: str, new: str) -> Path:
    """Copy a text document into `folder` with the one occurrence of `old` replaced by `new`.

    Raises ValueError unless `old` occurs exactly once (the change must be unambiguous).
    """
    src = Path(document)
    text = src.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise ValueError(f"{src}: {old!r} occurs {text.count(old)} times, expected once")
    out = Path(folder) / f"broken_{src.name}"
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


@cache
def severity_labels(language: str = "zh") -> dict[str, str]:
    """Severity → its label in `language` (data/labels.toml)."""
    data = tomllib.loads(
        resources.files("budgetkit.data").joinpath("labels.toml").read_text("utf-8")
    )
    return {k: v[language] for k, v in data["severities"].items()}


def findings_summary(findings: pd.DataFrame) -> str:
    """One sentence on what the check found, counted from `findings`."""
    zh = severity_labels()
    n = {s: int((findings["severity"] == s).sum()) if len(findings) else 0 for s in SEVERITIES}
    if not any(n.values()):
        return "对这份文件，检查没有发现任何问题。"
    errors = (
        f"发现 {n['error']} 处{zh['error']}（error）" if n["error"] else "没有发现错误（error）"
    )
    rest = "、".join(f"{n[s]} 处{zh[s]}（{s}）" for s in ("warning", "info") if n[s])
    return f"对这份文件，检查{errors}" + (f"，另有 {rest}" if rest else "") + "："


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings grouped by rule: 严重程度 (Chinese), 说明 (the first message, as the
    check words it) and 处数, errors first."""
    cols = ["严重程度", "说明", "处数"]
    if findings.empty:
        return pd.DataFrame(columns=cols)
    zh = severity_labels()
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows = [
        (order.get(sev, 9), zh.get(sev, sev), group["message"].iloc[0], len(group))
        for (sev, _), group in findings.groupby(["severity", "rule"], sort=False)
    ]
    rows.sort(key=lambda r: (r[0], -r[3]))
    return pd.DataFrame([r[1:] for r in rows], columns=cols)


def said(text_html: str):
    """A paragraph of lesson text (already escaped HTML) for the notebook to display."""
    from IPython.display import HTML

    return HTML(f"<p>{text_html}</p>")


def experiment(doc, folder: str | Path) -> tuple[pd.DataFrame, str]:
    """The broken-copy experiment on `doc`: (the error findings of its tampered copy, a
    sentence in HTML saying what was changed, or why nothing could be)."""
    from ..document import read

    change = tamper(doc, folder)
    if change is None:
        why = "这份文件是 PDF（或合计行的基本支出没有单独印出），不能直接改数字：实验从略。"
        return doc.check().head(0), html.escape(why)
    bad = read(change["path"]).check()
    line = (
        f"第 {change['line']} 行：{html.escape(change['old'])} → "
        f"<b>{html.escape(change['new'])}</b>"
    )
    return bad[bad["severity"] == "error"], line


def tamper(doc, folder: str | Path, by: Decimal = Decimal(10)) -> dict | None:
    """A copy of a text document with the 基本支出 of the 支出总表's 合计 row raised by `by`
    (in the printed figure, on its printed line): {path, old, new, line}; None when the
    document is a PDF or the figure is not printed once on its line."""
    a = doc.amounts
    row = a[(a["table"] == "expenditure") & (a["item"] == "total") & (a["measure"] == "basic")]
    if row.empty or pd.notna(row["page"].iloc[0]) or pd.isna(row["line"].iloc[0]):
        return None
    printed, lineno = str(row["printed"].iloc[0]), int(row["line"].iloc[0])
    src = Path(str(row["file"].iloc[0]))
    try:
        lines = src.read_text(encoding="utf-8").split("\n")
        value = Decimal(printed.replace(",", ""))
    except (OSError, UnicodeDecodeError, ArithmeticError):
        return None
    if not 0 < lineno <= len(lines) or lines[lineno - 1].count(printed) != 1:
        return None
    places = max(-int(value.as_tuple().exponent), 0)
    new = format((value + by).quantize(Decimal(1).scaleb(-places)), ",f" if "," in printed else "f")
    lines[lineno - 1] = lines[lineno - 1].replace(printed, new)
    out = Path(folder) / "broken.txt"
    out.write_text("\n".join(lines), encoding="utf-8")
    return {"path": out, "old": printed, "new": new, "line": lineno}


def _b(v) -> str:
    return f"<b>{html.escape(str(v))}</b>"


def exercises(doc) -> list[tuple[str, str]]:
    """(question, answer HTML) pairs computed from `doc`: only those the document has the
    figures for. Answers are folded by `show.answer` until the learner unfolds them."""
    esc = html.escape
    out = []
    sources = structure.funding_sources(doc)
    income = structure.figure(doc, "income")
    gpb = sources[sources["part"] == "gpb"]
    if len(gpb) and income:
        g = gpb.iloc[0]
        out.append(
            (
                "本部门的收入中，一般公共预算拨款占多大比例？",
                f"一般公共预算 {esc(str(g['amount']))} 万元 ÷ 收入合计 {esc(str(income))} 万元"
                f" = {_b(str(g['pct']) + '%')}。",
            )
        )
    per = structure.per_staff(doc).set_index("figure")
    if "public" in per.index:
        p = per.loc["public"]
        out.append(
            (
                f"本部门在职 {p['staff']} 人，人均公用经费是多少？",
                f"公用经费 {esc(str(p['amount']))} 万元 ÷ 在职 {esc(str(p['staff']))} 人 = "
                f"{_b(str(p['per_person']) + ' 万元/人')}。",
            )
        )
    recon = trend.reconstruct(doc)
    parts = recon[recon["topic"].isin(["expenditure.basic", "expenditure.project"])]
    parts = parts[parts["code"].isna()].drop_duplicates("topic")
    totals = trend.last_year_totals(doc, recon)
    if len(parts) == 2 and totals["total"] is not None:

        def said(r) -> str:
            verb = "增加" if r.change >= 0 else "减少"
            return f"{esc(r.label)}“比上年预算{verb} {esc(str(abs(r.change)))} 万元”"

        def step(r) -> str:
            return f"上年{esc(r.label)} = {esc(str(r.amount))} − ({esc(str(r.change))}) = {esc(str(r.last_year))}"

        rows = list(parts.itertuples())
        out.append(
            (
                f"情况说明写道：{'，'.join(said(r) for r in rows)}。上年预算的支出合计是多少？",
                "；".join(step(r) for r in rows) + f"；合计 {_b(str(totals['total']) + ' 万元')}。",
            )
        )
    oc = structure.operating_costs(doc)
    if oc.get("amount") is not None and oc.get("public") is not None:
        same = (
            "一致"
            if oc["amount"] == oc["public"]
            else "不一致（公用经费里可能还有事业单位的部分：差额值得追问）"
        )
        out.append(
            (
                "“机关运行经费”和哪一项支出是同一笔钱？本文件的两个数一致吗？",
                "机关运行经费是行政单位（含参照公务员法管理事业单位）的公用经费。"
                f"本文件机关运行经费 {esc(str(oc['amount']))} 万元，一般公共预算基本支出表中的"
                f"公用经费 {esc(str(oc['public']))} 万元，{_b(same)}。",
            )
        )
    findings = doc.check()
    warn = findings[findings["severity"] == "warning"] if len(findings) else findings
    if len(warn):
        w = warn.iloc[0]
        out.append(
            (
                "检查给出了“警告”（warning）。找一条，读一读它说的是什么，文件里哪里对不上？",
                f"例如：{esc(str(w['message']).rstrip('。'))}。"
                "同一个事实在文件中出现两次，就值得对照一下。",
            )
        )
    return out
