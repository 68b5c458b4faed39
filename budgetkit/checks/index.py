"""Amounts regrouped for checking: rows of a table with their measures, and column sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Amount, Parsed


@dataclass(slots=True)
class Row:
    table: str
    side: str | None
    code: str | None
    item: str | None
    name: str
    unit: str
    line: object
    values: dict[str, Amount] = field(default_factory=dict)

    def get(self, measure: str) -> Decimal:
        """Value of a measure; a blank cell counts as zero."""
        a = self.values.get(measure)
        return a.value if a else Decimal(0)

    def has(self, measure: str) -> bool:
        return measure in self.values


def rows_by_table(parsed: Parsed) -> dict[str, list[Row]]:
    """Rows of every table in printed order (two-sided tables: one row per side)."""
    out: dict[str, dict[tuple, Row]] = {}
    for a in parsed.amounts:
        rows = out.setdefault(a.table, {})
        key = (a.side, a.row, a.item)  # items printed as columns (上海 三公 table) split a row
        r = rows.get(key)
        if r is None:
            r = rows[key] = Row(a.table, a.side, a.code, a.item, a.name, a.unit, a.line)
        r.values[a.measure] = a
    return {t: list(rows.values()) for t, rows in out.items()}


def columns(parsed: Parsed) -> dict[str, set[str]]:
    """Measures each table prints as columns (whether or not a cell is filled)."""
    out: dict[str, set[str]] = {}
    for t in parsed.tables:
        if t.table:
            out.setdefault(t.table, set()).update(r for _, r in t.columns if r)
    return out


def total_row(rows: list[Row], side: str | None = None) -> Row | None:
    return next(
        (r for r in rows if r.item == "total" and not r.code and (side is None or r.side == side)),
        None,
    )


def where(parsed: Parsed, line) -> str:
    return f"{parsed.meta.source}:{line.where()}"
