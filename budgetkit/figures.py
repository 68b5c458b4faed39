"""Key figures of a disclosure (the `budgetkit summary` numbers), in 万元, exact.

Each figure has an ordered list of places it may be printed; the first one the document
has wins. None when the document does not state it.
"""

from __future__ import annotations

from decimal import Decimal

from .model import Parsed

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
    for name, places in KEY_FIGURES.items():
        out[name] = next((found[p] for p in places if p in found), None)
    if out["fiscal_appropriation"] is None and out["gpb_appropriation"] is not None:
        parts = [found.get(("income", None, "total", m)) for m in ("gov_fund", "soe")]
        out["fiscal_appropriation"] = out["gpb_appropriation"] + sum(
            (p for p in parts if p), Decimal(0)
        )
    return out
