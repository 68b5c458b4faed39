"""Structure of one budget: where the money comes from and where it goes.

Size: one function per view of one document (sources, functions, economic classes, key
figures), each short; kept in one module because the notebooks import them together.

Every function takes a `Document` and returns a pandas DataFrame (or a small dict). Money
stays `Decimal` in 万元; `share` is a float ratio (0–1) and `pct` a display percentage rounded
by the largest-remainder method, so the parts of a whole always add up to exactly 100.00.
Rows keep their provenance (`table`, `page`, `line`) so a reader can find them in the source.

    funding_sources(doc)       一般公共预算 232.31 (67.87%) + 单位资金 110.00 (32.13%)
    by_function(doc, level=3)  支出功能分类 类/款/项
    by_economic(doc, level=1)  部门预算支出经济分类 类/款 (一般公共预算基本支出)
    basic_vs_project(doc)      基本支出 / 项目支出
    personnel_vs_public(doc)   人员经费 / 公用经费
    three_public(doc)          “三公”经费 items, table vs narrative
    operating_costs(doc)       机关运行经费 (and whether it equals 公用经费)
    procurement(doc)           政府采购 货物 / 工程 / 服务
    assets(doc)                国有资产占用
    per_staff(doc)             per 在职 person
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from ..catalog import catalog
from ..check.rows import derived_total, rows_by_table
from ..check.tables import decomposition, leaves

ZERO = Decimal(0)
CENT = Decimal("0.01")
LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}


# ---------------------------------------------------------------------------------------------
# shares


def largest_remainder(values: Sequence[Decimal | int | float | None], digits: int = 2) -> list:
    """Percentages of `values` rounded to `digits` decimals that add up to exactly 100.

    Each value's exact share is floored to the display precision; the units still missing to
    reach 100 go, one each, to the values with the largest remainders (ties: the larger value,
    then the earlier one). Returns `Decimal`s (None for a missing value). With a zero or
    negative total, or a negative part, shares are plainly rounded (no whole to divide).
    """
    vals = [None if v is None else Decimal(str(v)) for v in values]
    present = [v for v in vals if v is not None]
    total = sum(present, ZERO)
    step = Decimal(1).scaleb(-digits)
    if total <= 0 or any(v < 0 for v in present):
        return [
            None if v is None or total == 0 else (v * 100 / total).quantize(step, ROUND_HALF_UP)
            for v in vals
        ]
    units = 100 * 10**digits
    given = {i: v for i, v in enumerate(vals) if v is not None}  # by position
    quotas = {i: v * units / total for i, v in given.items()}
    floors = {i: int(q) for i, q in quotas.items()}
    missing = units - sum(floors.values())
    order = sorted(quotas, key=lambda i: (-(quotas[i] - floors[i]), -given[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return [Decimal(floors[i]).scaleb(-digits) if i in floors else None for i in range(len(vals))]


def add_shares(df: pd.DataFrame, value: str = "amount", digits: int = 2) -> pd.DataFrame:
    """`df` with `share` (float ratio of the column's sum) and `pct` (display %, sums to 100)."""
    out = df.copy()
    vals = [v if isinstance(v, Decimal) else None for v in out[value]]
    total = sum((v for v in vals if v is not None), ZERO)
    out["share"] = [float(v / total) if v is not None and total else float("nan") for v in vals]
    out["pct"] = largest_remainder(vals, digits) if len(out) else []
    return out


# ---------------------------------------------------------------------------------------------
# reading tables


def _dec(v: Any) -> Decimal | None:
    return v if isinstance(v, Decimal) else None


def measure_label(measure: str, language: str = "zh") -> str:
    m = catalog().measures.get(measure)
    return m.get(language, m["zh"]) if m else measure


def item_label(item: str, language: str = "zh") -> str:
    m = catalog().items.get(item)
    return m.get(language, m["zh"]) if m else item


def total_row(doc, table: str) -> dict[str, Any] | None:
    """The 总计/合计 row of a canonical table as a dict of its measures, or, when the table
    prints none, the sum of its 类 rows (`derived` = True): `check.rows.derived_total`, the
    one definition the checks and the headline figures use too. For a two-sided table, the
    expenditure side (the income side for the income table). None when the table has no rows."""
    rows = rows_by_table(doc.parsed).get(table)
    if not rows:
        return None
    side = None
    if catalog().tables[table].two_sided:
        side = "income" if table == "income" else "expenditure"
    r = derived_total(rows, side)
    if r is None:
        return None
    out: dict[str, Any] = {m: a.value for m, a in r.values.items()}
    filled = {m for row in rows for m in row.values}
    for m in (r.columns & filled) - set(r.values):
        out[m] = None  # a blank cell in a column the table fills elsewhere
    derived = r.name.endswith("（按各类之和）")
    out.update(
        name="合计（由各类加总）" if derived else r.name,
        item="total",
        code=None,
        derived=derived,
        page=r.line.page,
        line=r.line.lineno,
    )
    return out


def figure(doc, table: str, measure: str = "total") -> Decimal | None:
    """A table's total for `measure` (from its 合计 row, or the sum of its 类 rows)."""
    row = total_row(doc, table)
    return _dec(row.get(measure)) if row else None


def _parts(doc, table: str, parts: Iterable[tuple[str, str]]) -> pd.DataFrame:
    row = total_row(doc, table)
    rows = []
    for measure, label in parts:
        v = _dec(row.get(measure)) if row else None
        if v is None and row is not None and measure in row:
            v = ZERO  # a blank cell in a printed column is zero
        if v is None:
            continue
        assert row is not None  # without a row there is no figure
        rows.append(
            {
                "part": measure,
                "label": label,
                "amount": v,
                "table": table,
                "page": row.get("page"),
                "line": row.get("line"),
            }
        )
    df = pd.DataFrame(rows, columns=["part", "label", "amount", "table", "page", "line"])
    out = add_shares(df)
    out.attrs["total"] = _dec(row.get("total")) if row else None
    return out[["part", "label", "amount", "share", "pct", "table", "page", "line"]]


# ---------------------------------------------------------------------------------------------
# where the money comes from


def funding_sources(doc, language: str = "zh") -> pd.DataFrame:
    """Income by source (部门收入总体情况表 合计 row): part, label, amount, share, pct.

    Sources are the terms of the income identity (合计 = 财政拨款 + 财政专户 + 单位资金 + 事业收入
    + … + 上年结转); 财政拨款 is split into 一般公共预算 / 政府性基金 / 国有资本经营 when the table
    prints those columns. Zero sources are kept (they are part of the story: "no fund money").
    """
    row = total_row(doc, "income")
    if row is None:
        return _parts(doc, "income", [])
    tree = decomposition(catalog().tables["income"])
    parts = leaves("total", tree, {m for m in row if m in catalog().measures})
    return _parts(doc, "income", [(m, measure_label(m, language)) for m in parts])


# ---------------------------------------------------------------------------------------------
# where it goes


def _classified(doc, table: str, level: int | None) -> pd.DataFrame:
    df = doc.table(table)
    rows = df[df["code"].notna()].copy()
    if level is not None:
        rows = rows[rows["level"] == level]
    rows["code"] = rows["code"].astype(str)
    rows["层级"] = rows["level"].map(lambda v: LEVEL_NAMES.get(int(v)) if pd.notna(v) else None)
    rows["parent"] = rows["code"].map(lambda c: {5: c[:3], 7: c[:5]}.get(len(c)))
    rows["table"] = table
    rows["file"] = doc.meta.source
    rows = rows.sort_values("code", kind="stable").reset_index(drop=True)
    rows["amount"] = rows.get("total")
    shared = []
    for _, grp in rows.groupby("level", sort=False):
        shared.append(add_shares(grp))
    out = pd.concat(shared).sort_values("code", kind="stable") if shared else add_shares(rows)
    measures = [
        c
        for c in out.columns
        if c not in ("side", "code", "level", "item", "name", "page", "line", "amount")
        and c not in ("层级", "parent", "table", "file", "share", "pct")
    ]
    cols = ["code", "level", "层级", "name", "parent", "amount", *measures, "share", "pct"]
    return out[[*cols, "table", "file", "page", "line"]].reset_index(drop=True)


def by_function(doc, level: int | None = None, table: str = "expenditure") -> pd.DataFrame:
    """Expenditure by function classification (支出功能分类): 类 (level 1), 款 (2), 项 (3).

    `table` is `expenditure` (all funds, 表3) or `gpb_expenditure` (一般公共预算, 表5).
    `amount` = the row's 合计; `basic`/`project` as printed; `share`/`pct` within its level.
    """
    return _classified(doc, table, level)


def by_economic(doc, level: int | None = 1, table: str = "gpb_basic") -> pd.DataFrame:
    """一般公共预算基本支出 by economic classification: 类 (301 工资福利支出…) or 款 (30101…)."""
    return _classified(doc, table, level)


def basic_vs_project(doc, table: str = "expenditure") -> pd.DataFrame:
    """基本支出 vs 项目支出 (and 单位预留机动经费 where printed) from the table's 合计 row."""
    parts = [("basic", "基本支出"), ("project", "项目支出"), ("reserve", "单位预留机动经费")]
    row = total_row(doc, table) or {}
    return _parts(doc, table, [(m, lab) for m, lab in parts if m in row])


def personnel_vs_public(doc) -> pd.DataFrame:
    """人员经费 vs 公用经费 of 一般公共预算基本支出 (表6 总计 row).

    Shares are of the two parts' sum (the printed 合计 may differ by a rounding cent; it is in
    `.attrs["total"]`).
    """
    return _parts(doc, "gpb_basic", [("personnel", "人员经费"), ("public", "公用经费")])


# ---------------------------------------------------------------------------------------------
# 三公, 机关运行经费, procurement, assets


THREE_PUBLIC_ITEMS = ("abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation")


def _statements_by_topic(doc) -> dict[str, dict[str, Any]]:
    """topic → {amount, change, growth, reason, page, line}: the first statement giving each."""
    out: dict[str, dict[str, Any]] = {}
    st = doc.statements
    if st.empty:
        return out
    for r in st.itertuples(index=False):
        topic = r.topic if isinstance(r.topic, str) else None
        if not topic or isinstance(getattr(r, "figure", None), str):
            continue  # final accounts: a 预算数 or a flow is not the topic's figure
        d = out.setdefault(topic, {})
        for k in ("amount", "change", "growth"):
            v = _dec(getattr(r, k))
            if v is not None and d.get(k) is None:
                d[k] = v
                d.setdefault("page", r.page)
                d.setdefault("line", r.line)
        if isinstance(r.reason, str) and r.reason and not d.get("reason"):
            d["reason"] = r.reason
    return out


def three_public(doc) -> pd.DataFrame:
    """“三公”经费 by item: table amount (表10), the narrative's amount, change and growth.

    A row the table leaves blank is 0. `last_year` = amount − change (None without a change).
    """
    df = doc.table("three_public")
    stated = _statements_by_topic(doc)
    table_rows = {r["item"]: r for r in df.to_dict("records") if isinstance(r.get("item"), str)}
    rows = []
    for item in (*THREE_PUBLIC_ITEMS, "total"):
        t = table_rows.get(item, {})
        s = stated.get(f"three_public.{item}", {})
        amount = _dec(t.get("total"))
        if amount is None and not df.empty:
            amount = ZERO
        change = s.get("change")
        base = s.get("amount") if s.get("amount") is not None else amount  # change's own base
        rows.append(
            {
                "item": item,
                "label": "合计" if item == "total" else item_label(item),
                "amount": amount,
                "stated": s.get("amount"),
                "change": change,
                "growth": s.get("growth"),
                "last_year": base - change if base is not None and change is not None else None,
                "reason": s.get("reason"),
                "table": "three_public",
                "page": t.get("page"),
                "line": t.get("line"),
            }
        )
    return pd.DataFrame(rows)


def _facts(doc, topic: str) -> pd.DataFrame:
    f = doc.facts
    if f.empty:
        return f
    return f[f["topic"] == topic]


def _fact(doc, topic: str, item: str) -> Decimal | None:
    f = _facts(doc, topic)
    hit = f[f["item"] == item] if len(f) else f
    return _dec(hit["value"].iloc[0]) if len(hit) else None


def operating_costs(doc) -> dict[str, Any]:
    """机关运行经费 (情况说明 其他重要事项): amount, change, growth, last year, and 公用经费 (表6)
    it is defined as (`equals_public`: the two agree)."""
    amount = _fact(doc, "operating_costs", "amount")
    change = _fact(doc, "operating_costs", "change")
    public = figure(doc, "gpb_basic", "public")
    return {
        "amount": amount,
        "change": change,
        "growth": _fact(doc, "operating_costs", "growth"),
        "last_year": amount - change if amount is not None and change is not None else None,
        "public": public,
        "equals_public": None if amount is None or public is None else amount == public,
    }


PROCUREMENT = {"goods": "货物", "works": "工程", "services": "服务"}


def procurement(doc) -> pd.DataFrame:
    """政府采购预算 by kind (货物 / 工程 / 服务) with shares; `.attrs["total"]` is the stated
    total and `.attrs["sum_ok"]` whether the kinds add up to it."""
    f = _facts(doc, "procurement")
    rows = []
    for item, label in PROCUREMENT.items():
        hit = f[f["item"] == item] if len(f) else f
        if len(hit):
            r = hit.iloc[0]
            rows.append(
                {
                    "part": item,
                    "label": label,
                    "amount": r["value"],
                    "page": r["page"],
                    "line": r["line"],
                }
            )
    df = add_shares(pd.DataFrame(rows, columns=["part", "label", "amount", "page", "line"]))
    total = _fact(doc, "procurement", "total")
    df.attrs["total"] = total
    df.attrs["sum_ok"] = None if total is None else sum(df["amount"], ZERO) == total
    for k in ("sme_reserved", "small_micro_reserved"):
        df.attrs[k] = _fact(doc, "procurement", k)
    return df[["part", "label", "amount", "share", "pct", "page", "line"]]


ASSET_LABELS = {
    "houses_area": "房屋面积",
    "houses_value": "房屋价值",
    "vehicles_count": "车辆",
    "vehicles_value": "车辆价值",
    "vehicles.general_count": "一般公务用车",
    "vehicles.general_value": "一般公务用车价值",
    "vehicles.law_enforcement_count": "执法执勤用车",
    "vehicles.law_enforcement_value": "执法执勤用车价值",
    "vehicles.special_count": "特种专业技术用车",
    "vehicles.minister_count": "部级领导干部用车",
    "vehicles.leader_count": "主要领导干部用车",
    "vehicles.confidential_count": "机要通信用车",
    "vehicles.emergency_count": "应急保障用车",
    "vehicles.retiree_count": "离退休干部用车",
    "vehicles.other_count": "其他车辆",
    "vehicles.other_value": "其他车辆价值",
    "furniture_value": "办公家具价值",
    "other_value": "其他资产价值",
    "equipment_50_count": "单位价值50万元以上大型设备",
    "equipment_100_count": "单位价值100万元以上大型设备",
    "planned_equipment_50_count": "拟购置50万元以上大型设备",
    "planned_equipment_100_count": "拟购置100万元以上大型设备",
}


def asset_label(item: str) -> str:
    """Chinese label of an asset fact item (`planned_…` items are 拟购置 …)."""
    if item.startswith("planned_") and item not in ASSET_LABELS:
        base = ASSET_LABELS.get(item.removeprefix("planned_"), item.removeprefix("planned_"))
        return f"拟购置{base}"
    return ASSET_LABELS.get(item, item)


def assets(doc) -> pd.DataFrame:
    """国有资产占用使用情况: item, label, value, unit (万元 values and counts/areas)."""
    f = _facts(doc, "assets")
    cols = ["item", "label", "value", "unit", "page", "line"]
    if f.empty:
        return pd.DataFrame(columns=cols)
    out = f.drop_duplicates("item").copy()
    out["label"] = out["item"].map(asset_label)
    return out[cols].reset_index(drop=True)


def asset_values(doc) -> pd.DataFrame:
    """The money part of `assets` (房屋, 车辆, 办公家具, 其他资产 values) with shares."""
    a = assets(doc)
    keep = ["houses_value", "vehicles_value", "furniture_value", "other_value"]
    a = a[a["item"].isin(keep)].rename(columns={"value": "amount"})
    return add_shares(a.reset_index(drop=True))


# ---------------------------------------------------------------------------------------------
# staff


def staffing(doc) -> dict[str, int]:
    """概况 staffing counts by category: 编制数, 实有人数, 在职, 退休, 离休."""
    prof = doc.profile
    return {s.category: s.count for s in (prof.staffing if prof else ())}


def per_staff(doc, category: str = "在职") -> pd.DataFrame:
    """Figures per person of `category` (在职 by default), rounded half-up to 0.01 万元.

    Rows: 支出总计, 基本支出, 人员经费, 公用经费, “三公”经费. Empty when the document does not
    state the staff count (Shanghai documents print none).
    """
    staff = staffing(doc).get(category)
    cols = ["figure", "label", "amount", "staff", "per_person", "table"]
    if not staff:
        return pd.DataFrame(columns=cols)
    figures = [
        ("total", "支出总计", "expenditure", "total"),
        ("basic", "基本支出", "expenditure", "basic"),
        ("personnel", "人员经费", "gpb_basic", "personnel"),
        ("public", "公用经费", "gpb_basic", "public"),
        ("three_public", "“三公”经费", "three_public", "total"),
    ]
    rows = []
    for key, label, table, measure in figures:
        amount = figure(doc, table, measure)
        if amount is None:
            continue
        rows.append(
            {
                "figure": key,
                "label": label,
                "amount": amount,
                "staff": staff,
                "per_person": (amount / staff).quantize(CENT, ROUND_HALF_UP),
                "table": table,
            }
        )
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# headline


def key_figures(doc) -> pd.DataFrame:
    """The headline figures (the same as `budgetkit summary`: `Document.figures()`), then
    机关运行经费 and 在职人数: key, label, value, unit, note (derived or doubtful figures)."""
    rows = [
        (f.key, f.zh, f.value, "万元", f.doubt or (f"推算：{f.derived}" if f.derived else None))
        for f in doc.figures()
    ]
    rows.append(("operating_costs", "机关运行经费", operating_costs(doc)["amount"], "万元", None))
    rows.append(("staff", "在职人数", staffing(doc).get("在职"), "人", None))
    return pd.DataFrame(
        [r for r in rows if r[2] is not None], columns=["key", "label", "value", "unit", "note"]
    )
