"""What the execution notebook shows (budget vs actual, `analysis.execution`): 预算数 and 决算数
side by side, completion rates against the 100% line, and tables with the rate as a percent.

    execution.budget_vs_actual(ex.gpb_functions, title="…")   paired bars per row
    execution.completion_bars(ex.three_public, title="…")    rate per row, 100% marked
    execution.table(ex.gaps, [...])                          show.table with 完成率 as "91.14%"

Amounts become floats here, for drawing only; the tables show them exact.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from . import show
from .charts import UNIT, _float, chart, rule_at
from .vegalite import Chart, field, point, when

BUDGET, ACTUAL = "预算数", "决算数"
COLORS = {BUDGET: "#9ecae9", ACTUAL: "#4c78a8"}
#: Chinese headers of the execution frames' columns (show.LABELS for the rest).
LABELS = {
    "budget": "预算数（万元）",
    "actual": "决算数（万元）",
    "difference": "差额（决算−预算）",
    "completion": "完成率",
    "stated_completion": "文件所称完成率",
    "basis": "预算口径",
    "subject": "事项",
    "relation": "文件所称",
    "reason": "文件所述原因",
    "reason_page": "原因所在页",
    "budget_page": "预算所在页",
    "view": "部分",
    "item": "项目",
}
BASES = {
    "document": "预算文件",
    "budget": "全年预算数",
    "adjusted": "调整预算数",
    "initial": "年初预算数",
}
RELATIONS = {"more": "决算数大于预算数", "less": "决算数小于预算数", "equal": "决算数等于预算数"}
VIEWS = {
    "functions": "支出（功能分类）",
    "gpb_functions": "一般公共预算财政拨款支出",
    "sources": "收入来源",
    "three_public": "“三公”经费",
}


def _label(df: pd.DataFrame, label: str) -> pd.Series:
    """Row labels: the code before the name where there is one (names repeat across 款)."""
    names = df[label].fillna("").astype(str)
    if "code" not in df:
        return names
    codes = df["code"].map(lambda c: c if isinstance(c, str) else "")
    return (codes + " " + names).str.strip()


def budget_vs_actual(
    df: pd.DataFrame,
    *,
    label: str = "name",
    title: str = "",
    unit: str = UNIT,
    top: int | None = 20,
) -> Chart:
    """Two bars per row, 预算数 above 决算数, rows in the frame's order (the `top` largest
    budgets or actuals when there are more)."""
    data = df.copy()
    data["_l"] = _label(data, label)
    data["_b"], data["_a"] = _float(data["budget"]), _float(data["actual"])
    if top and len(data) > top:
        data = data.loc[data[["_b", "_a"]].max(axis=1).nlargest(top).index]
    order = list(dict.fromkeys(data["_l"]))
    long = pd.concat(
        [
            pd.DataFrame({"项目": data["_l"], "数": BUDGET, "金额": data["_b"]}),
            pd.DataFrame({"项目": data["_l"], "数": ACTUAL, "金额": data["_a"]}),
        ]
    )
    base = {
        "y": field("项目:N", sort=order, title=None, axis={"labelLimit": 300}),
        "yOffset": field("数:N", sort=[BUDGET, ACTUAL]),
        "x": field("金额:Q", title=f"金额（{unit}）"),
        "tooltip": [
            field("项目:N"),
            field("数:N", title="口径"),
            field("金额:Q", format=",.2f", title=unit),
        ],
    }
    bars = {
        "mark": {"type": "bar"},
        "params": [point("hover", ["项目"], on="pointerover")],
        "encoding": {
            **base,
            "color": field(
                "数:N", scale={"domain": list(COLORS), "range": list(COLORS.values())}, title=None
            ),
            "opacity": when("hover", 1.0, 0.85, empty=False),
        },
    }
    text = {
        "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
        "encoding": {**base, "text": field("金额:Q", format=",.2f")},
    }
    return chart(long, title=title, layer=[bars, text], height={"step": 13})


def completion_bars(df: pd.DataFrame, *, label: str = "name", title: str = "") -> Chart:
    """完成率 (决算数 ÷ 预算数) per row, a line at 100%: above it more was spent than budgeted.
    Rows without a rate (a budget of 0) are left out; the table shows them."""
    data = df[df["completion"].notna()].copy()
    data = pd.DataFrame({"项目": _label(data, label), "完成率": data["completion"].astype(float)})
    data["超出预算"] = data["完成率"].map(lambda v: "高于预算" if v > 100 else "不高于预算")
    order = list(dict.fromkeys(data["项目"]))
    base = {
        "y": field("项目:N", sort=order, title=None, axis={"labelLimit": 300}),
        "x": field("完成率:Q", title="完成率（决算数 ÷ 预算数，%）"),
        "tooltip": [field("项目:N"), field("完成率:Q", format=".2f", title="%")],
    }
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            **base,
            "color": field(
                "超出预算:N",
                scale={"domain": ["不高于预算", "高于预算"], "range": ["#4c78a8", "#c0392b"]},
                title=None,
            ),
        },
    }
    text = {
        "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
        "encoding": {**base, "text": field("完成率:Q", format=".2f")},
    }
    rule = rule_at(100.0, strokeDash=[4, 3])
    return chart(data, title=title, layer=[bars, text, rule], height={"step": 20})


def rate(v) -> float | None:
    """A completion rate rounded to 2 decimals for recording, None where there is none."""
    return None if v is None or pd.isna(v) else round(float(v), 2)


def _pct(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return f"{float(v):.2f}%"


def table(df: pd.DataFrame, columns: list[str], *, labels: dict[str, str] | None = None, **kw):
    """`show.table` of an execution frame: completion rates as percents, the budget basis,
    the view and the stated relation in words."""
    out = df.copy()
    for c in ("completion", "stated_completion"):
        if c in out:
            out[c] = out[c].map(lambda v: f"{v}%" if isinstance(v, Decimal) else _pct(v))
    if "basis" in out:
        out["basis"] = out["basis"].map(lambda b: BASES.get(b, b))
    if "relation" in out:
        out["relation"] = out["relation"].map(lambda r: RELATIONS.get(r, r))
    if "view" in out:
        out["view"] = out["view"].map(lambda v: VIEWS.get(v, v))
    return show.table(out, columns, labels={**LABELS, **(labels or {})}, **kw)


def basis_note(ex):
    """One paragraph saying what is compared with what (and when the years differ)."""
    from IPython.display import Markdown

    if ex.basis == "printed":
        text = (
            f"只有决算文件：下面对照的是 **{ex.year} 年决算文件自己印出的预算数**（表格中的预算数栏，"
            "没有表格印出时用情况说明中“年初预算为……，支出决算为……”的句子）与决算数。"
        )
    else:
        text = f"对照的是 **{ex.budget_year} 年预算文件**的表格与 **{ex.year} 年决算文件**的表格。"
        if ex.budget_year != ex.year:
            text += (
                f"\n\n**注意：两份文件的年度不同**（预算 {ex.budget_year} 年，决算 {ex.year} 年），"
                "差额既包含预算执行的偏差，也包含年度之间的变化；决算文件所述原因针对的是它自己年度的预算。"
            )
    return Markdown(text)
