"""Identities across tables: the same figure printed in two tables must agree."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..catalog import catalog
from ..model import Finding, Parsed
from ..money import UNITS
from .compare import compare
from .rows import Row, derived_total, rounding_step, rows_by_table, where

#: (rule, (table, side, measure), (table, side, measure), severity): both are the total row.
TOTALS = (
    ("cross.summary_income", ("summary", "income", "total"), ("income", None, "total"), "error"),
    (
        "cross.summary_expenditure",
        ("summary", "expenditure", "total"),
        ("expenditure", None, "total"),
        "error",
    ),
    (
        "cross.income_expenditure",
        ("income", None, "total"),
        ("expenditure", None, "total"),
        "error",
    ),
    (
        "cross.fiscal_income",
        ("fiscal_summary", "income", "total"),
        ("income", None, "fiscal"),
        "error",
    ),
    (
        "cross.fiscal_gpb",
        ("fiscal_summary", "expenditure", "gpb"),
        ("gpb_expenditure", None, "total"),
        "error",
    ),
    ("cross.gpb_basic", ("gpb_expenditure", None, "basic"), ("gpb_basic", None, "total"), "error"),
    (
        "cross.gpb_project",
        ("gpb_expenditure", None, "project"),
        ("gpb_project", None, "total"),
        "error",
    ),
    (
        "cross.gov_fund",
        ("fiscal_summary", "expenditure", "gov_fund"),
        ("gov_fund", None, "total"),
        "error",
    ),
    (
        "cross.soe",
        ("fiscal_summary", "expenditure", "soe"),
        ("soe_capital", None, "total"),
        "error",
    ),
)

#: Rows that must agree code by code: (rule, (table, measure), (table, measure)).
BY_CODE = (
    ("cross.income_expenditure.row", ("income", "total"), ("expenditure", "total")),
    ("cross.fiscal_gpb.row", ("fiscal_summary", "gpb"), ("gpb_expenditure", "total")),
)

#: 三公 items vs economic lines of basic expenditure (only basic: projects may add to them).
THREE_PUBLIC_LINES = (("reception", "30217"), ("vehicle_operation", "30231"))


def coarser(a: str, b: str) -> str:
    """The coarser of two printed units: a figure printed in 万元 next to one in 元 can only
    agree to the 万元 table's last digit (上海: 三公 table in 万元, economic lines in 元)."""
    return a if UNITS.get(a, 0) >= UNITS.get(b, 0) else b


def _value(
    rows: dict[str, list[Row]], table: str, side: str | None, measure: str
) -> tuple[Decimal, Row] | None:
    rs = rows.get(table)
    if not rs:
        return None
    t = derived_total(rs, side)
    if t is None:
        return None
    if not t.has(measure):
        if measure == "fiscal" and any(t.has(m) for m in ("gpb", "gov_fund", "soe")):
            return t.get("gpb") + t.get("gov_fund") + t.get("soe"), t
        if measure != "total" and not any(m != "total" and t.has(m) for m in t.values):
            return None
    return t.get(measure), t


def check(parsed: Parsed) -> Iterator[Finding]:
    cat = catalog()
    rows = rows_by_table(parsed)
    empty = {t.table for t in parsed.tables if t.empty}
    for rule, (ta, sa, ma), (tb, sb, mb), severity in TOTALS:
        a, b = _value(rows, ta, sa, ma), _value(rows, tb, sb, mb)
        if a is None or b is None:
            if a is not None and tb in empty and a[0] != 0:
                yield Finding(
                    rule,
                    "error",
                    tb,
                    None,
                    f"《{cat.tables[tb].zh}》为空表，但《{cat.tables[ta].zh}》列示 {a[0]} 万元",
                    str(a[0]),
                    "0",
                    where(parsed, a[1].line),
                )
            continue
        f = compare(
            rule,
            a[0],
            b[0],
            1,
            coarser(a[1].unit, b[1].unit),
            table=tb,
            code=None,
            severity=severity,
            message=f"《{cat.tables[ta].zh}》{cat.measures[ma]['zh']} {{expected}} ≠ 《{cat.tables[tb].zh}》{cat.measures[mb]['zh']} {{actual}}（差 {{diff}} 万元）",
            location=where(parsed, b[1].line),
            step=rounding_step([a[1].values.get(ma), b[1].values.get(mb)]),
        )
        if f:
            yield f
    for rule, (ta, ma), (tb, mb) in BY_CODE:
        ra = {r.code: r for r in rows.get(ta, []) if r.code and r.has(ma)}
        rb = {r.code: r for r in rows.get(tb, []) if r.code and r.has(mb)}
        if not ra or not rb:
            continue
        for code in sorted(set(ra) | set(rb)):
            if ta == "fiscal_summary" and len(code) != 3:
                continue  # the fiscal summary lists 类 only
            x = ra[code].get(ma) if code in ra else Decimal(0)
            y = rb[code].get(mb) if code in rb else Decimal(0)
            line = (rb.get(code) or ra[code]).line
            f = compare(
                rule,
                x,
                y,
                1,
                (rb.get(code) or ra[code]).unit,
                table=tb,
                code=code,
                message=f"科目 {code} {(rb.get(code) or ra.get(code)).name}：《{cat.tables[ta].zh}》{{expected}} ≠ 《{cat.tables[tb].zh}》{{actual}}（差 {{diff}} 万元）",
                location=where(parsed, line),
                step=rounding_step(
                    [
                        ra[code].values.get(ma) if code in ra else None,
                        rb[code].values.get(mb) if code in rb else None,
                    ]
                ),
            )
            if f:
                yield f
    three = {r.item: r for r in rows.get("three_public", []) if r.item}
    basic = {r.code: r for r in rows.get("gpb_basic", []) if r.code}
    for item, code in THREE_PUBLIC_LINES:
        if item in three and code in basic:
            f = compare(
                "cross.three_public_line",
                three[item].get("total"),
                basic[code].get("total"),
                1,
                coarser(three[item].unit, basic[code].unit),
                table="three_public",
                code=code,
                severity="warning",
                message=f"“三公”{cat.items[item]['zh']} {{expected}} ≠ 基本支出经济分类 {code} {basic[code].name} {{actual}}（差 {{diff}} 万元；项目支出中的同类支出可解释差额）",
                location=where(parsed, basic[code].line),
            )
            if f:
                yield f
