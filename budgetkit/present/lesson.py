"""Helpers for the budget-literacy lesson (`notebooks/literacy.ipynb`).

- `parts(doc)`: the parts of a disclosure and how much of each was read;
- `identity(doc)`: one identity shown with its numbers (支出合计 = 基本支出 + 项目支出);
- `broken_copy(document, folder, old, new)`: a copy of a text document with one figure
  changed, to show `check()` catching it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.structure import total_row


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
    holds = None if None in (total, basic, project) else total == basic + project
    return {
        "total": total,
        "basic": basic,
        "project": project,
        "sum": None if None in (basic, project) else basic + project,
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
