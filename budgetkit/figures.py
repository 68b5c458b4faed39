"""Key figures of a disclosure (the `budgetkit summary` numbers), in 万元, exact.

Each figure has an ordered list of places it may be printed; the first one the document
has wins. None when the document does not state it. A classified table printed without a
合计 row (上海 2024/2025 部门支出预算总表) gives its total as the exact sum of its 类 rows.
"""

from __future__ import annotations

from decimal import Decimal

from .catalog import catalog
from .check.rows import Row, derived_total, rows_by_table
from .model import Parsed


def rows_by_table_of(parsed: Parsed, table: str) -> list[Row]:
    return rows_by_table(parsed).get(table, [])


#: figure → candidate sources (table, side, item or None for the total row, measure).
KEY_FIGURES: dict[str, tuple[tuple[str, str | None, str, str], ...]] = {
    "income_total": (("summary", "income", "total", "total"), ("income", None, "total", "total")),
    "expenditure_total": (
        ("summary", "expenditure", "total", "total"),
        ("expenditure", None, "total", "total"),
    ),
    "basic_expenditure": (("expenditure", None, "total", "basic"),),
    "project_expenditure": (("expenditure", None, "total", "project"),),
    "fiscal_appropriation": (
        ("fiscal_summary", "income", "fiscal", "total"),
        ("income", None, "total", "fiscal"),
        ("summary", "income", "fiscal", "total"),
    ),
    "gpb_appropriation": (
        ("fiscal_summary", "income", "gpb", "total"),
        ("income", None, "total", "gpb"),
        ("summary", "income", "gpb", "total"),
    ),
    "three_public_total": (("three_public", None, "total", "total"),),
}


def key_figures(parsed: Parsed) -> dict[str, Decimal | None]:
    found: dict[tuple, Decimal] = {}
    for a in parsed.amounts:
        if a.item and not a.code:
            found.setdefault((a.table, a.side, a.item, a.measure), a.value)
    out: dict[str, Decimal | None] = {}
    derived: dict[str, Row | None] = {}
    for name, places in KEY_FIGURES.items():
        out[name] = next((found[p] for p in places if p in found), None)
        if out[name] is not None:
            continue
        for table, side, item, measure in places:
            if item != "total" or catalog().tables[table].classification is None:
                continue
            if table not in derived:
                rows = rows_by_table_of(parsed, table)
                derived[table] = derived_total(rows, side) if rows else None
            d = derived[table]
            if d is not None and d.has(measure):
                out[name] = d.get(measure)
                break
    if out["fiscal_appropriation"] is None and out["gpb_appropriation"] is not None:
        parts = [found.get(("income", None, "total", m)) for m in ("gov_fund", "soe")]
        out["fiscal_appropriation"] = out["gpb_appropriation"] + sum(
            (p for p in parts if p), Decimal(0)
        )
    return out
