"""Identities across tables: the same figure printed in two tables must agree.

The identities are data (`[[cross]]` in data/tables.toml): figure a = figure b, each a
`Ref` (table, side, row, measure). A row is the total row, an item, one code, or every
code / 类 compared row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import TypedDict

from ..catalog import Cross, catalog
from ..model import Finding, Parsed
from .compare import coarser, compare, rounding_step
from .rows import Row, row_of, rows_by_table, titles, value_of

ZERO = Decimal(0)


def _value(row: Row | None, measure: str) -> Decimal | None:
    found = value_of(row, measure) if row else None
    return found[0] if found else None


class _Labels(TypedDict):
    table_a: str
    table_b: str
    measure_a: str
    measure_b: str


def _labels(ident: Cross, printed: dict[str, str]) -> _Labels:
    """Message labels: the tables' titles as printed (the catalogue's name when absent)."""
    cat = catalog()
    a, b = ident.a, ident.b
    return {
        "table_a": printed.get(a.table, cat.tables[a.table].zh),
        "table_b": printed.get(b.table, cat.tables[b.table].zh),
        "measure_a": cat.measures[a.measure]["zh"],
        "measure_b": cat.measures[b.measure]["zh"],
    }


def _one(
    parsed: Parsed, rows, empty: set[str], ident: Cross, printed: dict[str, str]
) -> Iterator[Finding]:
    src = parsed.meta.source
    for ref in (ident.a, *ident.alternatives):
        ra = row_of(rows, ref)
        if ra is not None and _value(ra, ref.measure) is not None:
            ident = replace(ident, a=ref)
            break
    else:
        ra = row_of(rows, ident.a)
    rb = row_of(rows, ident.b)
    va = _value(ra, ident.a.measure)
    vb = _value(rb, ident.b.measure)
    if ident.any_of and vb is not None:
        for ref in ident.alternatives:
            r = row_of(rows, ref)
            if r is not None and _value(r, ref.measure) == vb:
                return
    if va is None or vb is None:
        if va is not None and ra is not None and ident.b.table in empty and va != 0:
            yield from _empty(parsed, ident, ra, va, printed)
        return
    assert ra is not None and rb is not None
    f = compare(
        ident.rule,
        va,
        vb,
        1,
        coarser(ra.unit, rb.unit),
        source=src,
        line=rb.line,
        table=ident.table,
        code=rb.code if ident.b.row.startswith("code:") else None,
        step=rounding_step([ra.values.get(ident.a.measure), rb.values.get(ident.b.measure)]),
        involved=[ra.values.get(ident.a.measure), rb.values.get(ident.b.measure)],
        item=catalog().items.get(ident.a.row, {}).get("zh", ident.a.row),
        row=rb.name,
        **_labels(ident, printed),
    )
    if f:
        yield f


def _empty(
    parsed: Parsed, ident: Cross, ra: Row, va: Decimal, printed: dict[str, str]
) -> Iterator[Finding]:
    from ..catalog.rules import finding

    yield finding(
        ident.rule,
        parsed.meta.source,
        ra.line,
        table=ident.table,
        expected=va,
        actual=ZERO,
        variant="empty",
        **_labels(ident, printed),
    )


def _by_code(parsed: Parsed, rows, ident: Cross, printed: dict[str, str]) -> Iterator[Finding]:
    a, b = ident.a, ident.b
    classes = a.row == "classes"
    ra = {r.code: r for r in rows.get(a.table, []) if r.code and r.has(a.measure)}
    rb = {r.code: r for r in rows.get(b.table, []) if r.code and r.has(b.measure)}
    if not ra or not rb:
        return
    unread = {r.code for t in (a, b) for r in rows.get(t.table, []) if not r.readable(t.measure)}
    for code in sorted(set(ra) | set(rb)):
        if classes and len(code) != 3 or code in unread:
            continue
        x = ra[code].get(a.measure) if code in ra else ZERO
        y = rb[code].get(b.measure) if code in rb else ZERO
        at = rb.get(code) or ra[code]
        f = compare(
            ident.rule,
            x,
            y,
            1,
            at.unit,
            source=parsed.meta.source,
            line=at.line,
            table=ident.table,
            code=code,
            step=rounding_step(
                [
                    ra[code].values.get(a.measure) if code in ra else None,
                    rb[code].values.get(b.measure) if code in rb else None,
                ]
            ),
            involved=[
                ra[code].values.get(a.measure) if code in ra else None,
                rb[code].values.get(b.measure) if code in rb else None,
            ],
            row=(rb.get(code) or ra[code]).name,
            **_labels(ident, printed),
        )
        if f:
            yield f


def check(parsed: Parsed) -> Iterator[Finding]:
    rows = rows_by_table(parsed)
    empty = {t.table for t in parsed.tables if t.empty and t.table}
    printed = titles(parsed)
    for ident in catalog().cross:
        if parsed.meta.kind not in ident.kinds:
            continue
        if ident.a.row in ("codes", "classes"):
            yield from _by_code(parsed, rows, ident, printed)
        else:
            yield from _one(parsed, rows, empty, ident, printed)
