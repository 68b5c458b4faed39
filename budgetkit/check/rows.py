"""Amounts regrouped for checking: rows of a table with their measures, and column sets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..catalog import Ref, catalog
from ..model import Amount, Parsed
from ..reader.lines import Line


@dataclass(slots=True)
class Row:
    """One printed row of a canonical table: its label and its amounts by measure."""

    table: str
    side: str | None
    code: str | None
    item: str | None
    name: str
    unit: str
    line: Line
    values: dict[str, Amount] = field(default_factory=dict)
    columns: frozenset[str] = frozenset()  # measures the table prints as columns
    org: str | None = None  # the subordinate unit the row belongs to (None: the department)
    row: int = 0  # printed order within the table
    unreadable: set[str] = field(default_factory=set)  # measures whose cell is not a number

    def get(self, measure: str) -> Decimal:
        """Value of a measure; a blank cell counts as zero (see `readable` for a malformed one)."""
        a = self.values.get(measure)
        return a.value if a else Decimal(0)

    def has(self, measure: str) -> bool:
        return measure in self.values

    def readable(self, *measures: str) -> bool:
        """False when a cell of these measures is printed but is not a number: it is not 0,
        so no figure or identity may be computed from it."""
        return not self.unreadable.intersection(measures)


def rows_by_table(parsed: Parsed) -> dict[str, list[Row]]:
    """Rows of every table in printed order (two-sided tables: one row per side)."""
    cols = {t: frozenset(c) for t, c in columns(parsed).items()}
    out: dict[str, dict[tuple, Row]] = {}
    cells: list = parsed.amounts
    if parsed.unreadable:  # in printed order: a row may hold only unreadable cells
        cells = sorted(
            [*parsed.amounts, *parsed.unreadable], key=lambda c: (c.line.page or 0, c.line.lineno)
        )
    for a in cells:
        rows = out.setdefault(a.table, {})
        key = (a.side, a.row, a.item, a.org)  # items printed as columns split a row
        r = rows.get(key)
        if r is None:
            r = rows[key] = Row(
                a.table,
                a.side,
                a.code,
                a.item,
                a.name,
                a.unit,
                a.line,
                {},
                cols.get(a.table, frozenset()),
                a.org,
                a.row,
            )
        if isinstance(a, Amount):
            r.values[a.measure] = a
        else:
            r.unreadable.add(a.measure)
    return {t: list(rows.values()) for t, rows in out.items()}


def columns(parsed: Parsed) -> dict[str, set[str]]:
    """Measures each table prints as columns (whether or not a cell is filled)."""
    out: dict[str, set[str]] = {}
    for t in parsed.tables:
        if t.table:
            out.setdefault(t.table, set()).update(r for _, r in t.columns if r)
    return out


def titles(parsed: Parsed) -> dict[str, str]:
    """Each canonical table's title as printed (its first block's), for messages that quote it."""
    out: dict[str, str] = {}
    for t in parsed.tables:
        if t.table and t.title:
            out.setdefault(t.table, t.title)
    return out


def total_row(rows: list[Row], side: str | None = None) -> Row | None:
    """The total row (of one side): the department's own, not a subordinate unit's; in a
    two-sided summary the last one printed (收入总计 comes after 收入合计 / 本年收入合计)."""
    hits = [
        r
        for r in rows
        if r.item == "total" and not r.code and r.org is None and (side is None or r.side == side)
    ]
    if not hits:
        return None
    return hits[-1] if side is not None else hits[0]


def class_rows(rows: list[Row], side: str | None = None) -> list[Row]:
    """The 类 rows (3-digit codes) of a table: what its 合计 row sums."""
    return [r for r in rows if r.code and len(r.code) == 3 and (side is None or r.side == side)]


def derived_total(rows: list[Row], side: str | None = None) -> Row | None:
    """The total row, or, for a classified table printed without one, a row summing its 类.

    Some templates print no 合计 row (上海 2024/2025 部门支出预算总表); the total is then Σ 类
    exactly, which is what a printed 合计 row would have to equal. The derived row is located at
    the first 类 row and its `name` says it is derived.
    """
    t = total_row(rows, side)
    if t is not None:
        return t
    tops = class_rows(rows, side)
    if not tops or any(r.item == "total" for r in rows):
        return None
    first = tops[0]
    d = Row(first.table, side, None, "total", "合计（按各类之和）", first.unit, first.line)
    for r in tops:
        d.unreadable |= r.unreadable
        for m, a in r.values.items():
            prev = d.values.get(m)
            value = a.value + (prev.value if prev else Decimal(0))
            printed = a.printed if prev is None or "." in a.printed else prev.printed
            d.values[m] = replace(a, value=value, printed=printed, code=None, item="total")
    return d


def row_of(rows: dict[str, list[Row]], ref: Ref) -> Row | None:
    """The row a reference points at: the total row (or Σ 类), an item's row, or a code's."""
    rs = [r for r in rows.get(ref.table, []) if not ref.side or r.side in (ref.side, None)]
    if not rs:
        return None
    if ref.row == "total":
        t = derived_total(rs, ref.side or None)
        if t is not None and not t.has(ref.measure):  # rows per year (2025年/2026年): the one
            other = [r for r in rs if r.item == "total" and not r.code and r.org is None]
            t = next(  # that prints the measure, else the document's own year's
                (r for r in other if r.has(ref.measure)),
                next((r for r in other if any("." not in m for m in r.values)), t),
            )
        return t
    if ref.row.startswith("code:"):
        code = ref.row[5:]
        hits = [r for r in rs if r.code == code and r.org is None]
    else:
        hits = [r for r in rs if r.item == ref.row and not r.code and r.org is None]
    return pick(hits, ref.measure)


def pick(hits: list[Row], measure: str) -> Row | None:
    """Of the rows a reference names: the first printing `measure`, else the first with an
    unscoped measure, else the first."""
    return next(
        (r for r in hits if r.has(measure)),
        next((r for r in hits if any("." not in m for m in r.values)), hits[0] if hits else None),
    )


def value_of(row: Row, measure: str) -> tuple[Decimal, str | None] | None:
    """(value, how it was derived or None) of a measure of a row; None when the row does not
    print that breakdown at all.

    A cell left blank in a column the table prints is 0. A measure the table does not print
    but declares as a sum of printed parts (财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营)
    is that sum.
    """
    if not row.readable(measure):
        return None
    if row.has(measure) or measure in row.columns:
        return row.get(measure), None
    from .tables import decomposition, frontier

    spec = catalog().tables[row.table]
    printed = set(row.columns) | set(row.values)
    parts = frontier(measure, decomposition(spec), printed)
    if not parts:
        return None
    if not row.readable(*parts):
        return None  # a part is printed but is not a number
    names = "+".join(catalog().measure_label(p) for p in parts)
    return sum((row.get(p) for p in parts), Decimal(0)), f"sum of {names}"
