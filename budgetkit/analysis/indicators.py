"""Performance indicators (绩效目标): what each project promises, and how measurable it is.

    indicators(doc)        every indicator: project, 一级/二级/三级, operator, value, unit,
                           weight, quantified (bool), prior (上年完成值)
    counts(doc)            indicators by 一级/二级 (quantified / qualitative, weight)
    quantification(doc)    per table: quantified vs qualitative counts and share
    weights(doc)           per table: weight total against 100 (90 = 10 kept for 预算执行率)
    below_prior(doc)       targets set below last year's actual (seed: ≥3 台 vs 5 台)
    cost_vs_budget(doc)    money 成本指标 against the project's budget (seed: 15 + 34.60 + 22.40 = 72.00)
    three_public_yoy(doc)  “三公”经费 year over year: 只减不增 (no increase) holds?

Values are `Decimal`; shares are floats.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from ..extract.performance import parse_target
from ..money import UNITS, to_wan
from .structure import ZERO, _dec, three_public

EXPECTED_WEIGHT = Decimal(100)
RESERVED_WEIGHT = Decimal(10)  # customarily kept for 预算执行率, scored at evaluation
_COST = re.compile(r"成本")

INDICATOR_COLUMNS = [
    "kind",
    "project",
    "level1",
    "level2",
    "level3",
    "target",
    "operator",
    "value",
    "unit",
    "quantified",
    "weight",
    "prior",
    "page",
    "line",
]


def indicators(doc) -> pd.DataFrame:
    """One row per indicator (`doc.targets`), with `quantified`: the target has a number."""
    t = doc.targets
    if t.empty:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    out = t.copy()
    out["quantified"] = out["value"].map(lambda v: _dec(v) is not None)
    for c in INDICATOR_COLUMNS:
        if c not in out:
            out[c] = None
    return out[INDICATOR_COLUMNS].reset_index(drop=True)


def _weight_sum(values) -> Decimal | None:
    present = [v for v in values if _dec(v) is not None]
    return sum(present, ZERO) if present else None


def counts(doc, by: tuple[str, ...] = ("level1", "level2")) -> pd.DataFrame:
    """Indicators by 一级 (and 二级) indicator: indicators, quantified, qualitative, weight."""
    ind = indicators(doc)
    cols = [*by, "indicators", "quantified", "qualitative", "weight"]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    g = ind.groupby(list(by), sort=False)
    out = pd.DataFrame(
        {
            "indicators": g.size(),
            "quantified": g["quantified"].sum().astype(int),
            "weight": g["weight"].agg(_weight_sum),
        }
    ).reset_index()
    out["qualitative"] = out["indicators"] - out["quantified"]
    return out[cols]


def quantification(doc) -> pd.DataFrame:
    """Per 绩效目标表 (department and each project): indicators, quantified, qualitative, and
    the quantified share (float)."""
    ind = indicators(doc)
    cols = ["kind", "project", "indicators", "quantified", "qualitative", "share"]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    g = ind.groupby(["kind", "project"], sort=False)
    out = pd.DataFrame({"indicators": g.size(), "quantified": g["quantified"].sum().astype(int)})
    out = out.reset_index()
    out["qualitative"] = out["indicators"] - out["quantified"]
    out["share"] = out["quantified"] / out["indicators"]
    return out[cols]


def weights(doc) -> pd.DataFrame:
    """Per table: weight total, indicators with and without a weight, and a verdict:
    "100" (complete), "90（预留10分给预算执行率）" (customary), "无权重" (template without
    weights) or "合计异常" (anything else)."""
    ind = indicators(doc)
    cols = ["kind", "project", "indicators", "weighted", "total", "expected", "gap", "verdict"]
    rows = []
    for (kind, project), grp in ind.groupby(["kind", "project"], sort=False):
        w = [v for v in grp["weight"] if _dec(v) is not None]
        total = sum(w, ZERO)
        if not w:
            verdict = "无权重"
        elif total == EXPECTED_WEIGHT:
            verdict = "100"
        elif total == EXPECTED_WEIGHT - RESERVED_WEIGHT:
            verdict = "90（预留10分给预算执行率）"
        else:
            verdict = "合计异常"
        rows.append(
            {
                "kind": kind,
                "project": project,
                "indicators": len(grp),
                "weighted": len(w),
                "total": total if w else None,
                "expected": EXPECTED_WEIGHT,
                "gap": EXPECTED_WEIGHT - total if w else None,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def below_prior(doc) -> pd.DataFrame:
    """Targets (≥, >, =) set below last year's actual (上年完成值), cost indicators excepted.

    Columns: project, level3, target (printed), value, prior (printed), prior_value, unit,
    gap = prior_value − value. Target and prior in different units are not compared.
    """
    ind = indicators(doc)
    cols = [
        "project",
        "level1",
        "level3",
        "target",
        "value",
        "prior",
        "prior_value",
        "unit",
        "gap",
        "page",
        "line",
    ]
    rows = []
    for r in ind.itertuples(index=False):
        value = _dec(r.value)
        if value is None or not isinstance(r.prior, str) or r.operator not in ("≥", ">", "="):
            continue
        if _COST.search(f"{r.level1}{r.level2}"):
            continue
        p_op, prior, p_unit = parse_target(r.prior)
        if prior is None or p_op not in ("=", None):
            continue
        unit = r.unit if isinstance(r.unit, str) else None
        if unit and p_unit and unit != p_unit:
            continue
        if value < prior:
            rows.append(
                {
                    "project": r.project,
                    "level1": r.level1,
                    "level3": r.level3,
                    "target": r.target,
                    "value": value,
                    "prior": r.prior,
                    "prior_value": prior,
                    "unit": unit or p_unit,
                    "gap": prior - value,
                    "page": r.page,
                    "line": r.line,
                }
            )
    return pd.DataFrame(rows, columns=cols)


def cost_vs_budget(doc) -> pd.DataFrame:
    """Per project table: the money 成本指标 (≤/=/< x 万元 or 元) against its 年度预算总额.

    Columns: project, budget, costs (Decimal sum in 万元), items ("15 + 34.60 + 22.40"),
    difference = costs − budget, status (一致 / 低于预算 / 超出预算 / 无成本指标).
    """
    ind = indicators(doc)
    projects = doc.projects
    cols = ["project", "budget", "costs", "items", "difference", "status"]
    if projects.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for p in projects[projects["kind"] == "project"].itertuples(index=False):
        mine = ind[(ind["kind"] == "project") & (ind["project"] == p.name)]
        costs = [
            r
            for r in mine.itertuples(index=False)
            if _COST.search(f"{r.level1}{r.level2}")
            and _dec(r.value) is not None
            and r.unit in UNITS
            and r.operator in ("≤", "=", "<")
        ]
        budget = _dec(p.total)
        values = [to_wan(r.value, r.unit) for r in costs]
        total = sum(values, ZERO) if values else None
        if total is None:
            status = "无成本指标"
        elif budget is None:
            status = "无预算数"
        elif total == budget:
            status = "一致"
        else:
            status = "低于预算" if total < budget else "超出预算"
        rows.append(
            {
                "project": p.name,
                "budget": budget,
                "costs": total,
                "items": " + ".join(format(v, "f") for v in values),
                "difference": None if total is None or budget is None else total - budget,
                "status": status,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def three_public_yoy(doc) -> pd.DataFrame:
    """“三公”经费 year over year from the narrative: item, amount, change, last_year, verdict
    (减少 / 持平 / 增加) and `holds` (只减不增: the change is not an increase)."""
    tp = three_public(doc)
    tp = tp[tp["change"].map(lambda v: _dec(v) is not None)].copy()
    tp["verdict"] = tp["change"].map(lambda c: "减少" if c < 0 else "持平" if c == 0 else "增加")
    tp["holds"] = tp["change"].map(lambda c: c <= 0)
    tp["amount"] = [
        s if s is not None else a for a, s in zip(tp["amount"], tp["stated"], strict=True)
    ]
    return tp[
        ["item", "label", "amount", "change", "last_year", "verdict", "holds", "reason"]
    ].reset_index(drop=True)
