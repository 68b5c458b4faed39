"""Identities within one table: row sums (total = basic + project, …), the classification
hierarchy (类 = Σ款, 款 = Σ项, 总计 = Σ类), 三公 items, and both sides of the summaries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..catalog import catalog
from ..extract.labels import norm_label
from ..model import Amount, Finding, Parsed
from .compare import compare, rounding_step
from .rows import Row, columns, rows_by_table, titles, total_row

_TOP_LINE = re.compile(r"^[一二三四五六七八九十]+、")


def _label(r: Row) -> str:
    return f"{r.code} {r.name}" if r.code else r.name


def _sum_finding(
    parsed: Parsed,
    rule: str,
    row: Row,
    measure: str,
    parts: list[Amount],
    /,
    *,
    table: str,
    code: str | None,
    **params,
) -> Finding | None:
    """Compare `row`'s `measure` with the sum of `parts` (blank cells count as zero)."""
    if measure not in row.values and not parts:
        return None
    return compare(
        rule,
        row.get(measure),
        sum((a.value for a in parts), Decimal(0)),
        max(len(parts), 1),
        row.unit,
        source=parsed.meta.source,
        line=row.line,
        table=table,
        code=code,
        step=rounding_step([row.values.get(measure), *parts]),
        involved=[row.values.get(measure), *parts],
        **params,
    )


def check(parsed: Parsed) -> Iterator[Finding]:
    cat = catalog()
    cols = columns(parsed)
    as_printed = titles(parsed)
    for table, rows in rows_by_table(parsed).items():
        spec = cat.tables[table]
        title = as_printed.get(table, spec.zh)  # quoted as the document prints it
        sides = {r.side: set() for r in rows}
        for r in rows:
            sides[r.side].update(r.values)
        for r in rows:
            printed = cols.get(table, set()) if not spec.two_sided else sides[r.side]
            for target, parts in spec.row_sums:
                used = [p for p in parts if p in printed]
                if target not in printed or len(used) < 2:
                    continue  # an identity needs its total and at least two printed parts
                if not r.readable(target, *used):
                    continue  # a cell that is not a number (read.number.malformed) is not 0
                names = "+".join(cat.measures[p]["zh"] for p in used if r.has(p)) or "0"
                f = _sum_finding(
                    parsed,
                    "table.row_sum",
                    r,
                    target,
                    [r.values[p] for p in used if r.has(p)],
                    table=table,
                    code=r.code,
                    title=title,
                    row=_label(r),
                    target=cat.measures[target]["zh"],
                    parts=names,
                )
                if f:
                    yield f
        if spec.classification:
            yield from _hierarchy(parsed, table, title, rows)
        if spec.item_sums:
            yield from _items(parsed, table, title, rows, spec.item_sums)
        if spec.two_sided:
            yield from _sides(parsed, table, title, rows)


def _hierarchy(parsed: Parsed, table: str, title: str, rows: list[Row]) -> Iterator[Finding]:
    """Each 类/款 equals the sum of its children; the total row equals the sum of the 类."""
    by_code: dict[str, list[Row]] = {}
    for r in rows:
        if r.code:
            by_code.setdefault(r.code, []).append(r)
    measures = sorted({m for r in rows for m in r.values})
    children: dict[str | None, list[str]] = {}
    for code in by_code:
        parent = {7: code[:5], 5: code[:3]}.get(len(code)) if len(code) > 3 else None
        if parent is not None and parent not in by_code:
            continue  # orphan: parent not printed
        children.setdefault(parent, []).append(code)
    total = total_row(rows)
    for parent, kids in children.items():
        if parent is None:
            if total is None:
                continue
            prow, label = total, total.name
        else:
            prow = by_code[parent][0]
            label = _label(prow)
        for m in measures:
            if not all(r.readable(m) for r in [prow, *(r for k in kids for r in by_code[k])]):
                continue
            kids_m = [r.values[m] for k in kids for r in by_code[k] if m in r.values]
            f = _sum_finding(
                parsed,
                "table.hierarchy",
                prow,
                m,
                kids_m,
                table=table,
                code=parent,
                title=title,
                row=label,
                measure=catalog().measures.get(m, {}).get("zh", m),
            )
            if f:
                yield f


def _items(parsed: Parsed, table: str, title: str, rows: list[Row], sums) -> Iterator[Finding]:
    """三公: 合计 = 出国 + 接待 + 公务用车; 公务用车 = 购置 + 运行 (per funding column)."""
    items = {r.item: r for r in rows if r.item}
    measures = sorted({m for r in rows for m in r.values})
    for target, parts in sums:
        if target not in items:
            continue
        tr = items[target]
        expanded = []  # when the 公务用车 subtotal is not printed, sum its parts directly
        for p in parts:
            expanded += (
                [p] if p in items or p != "vehicle" else ["vehicle_purchase", "vehicle_operation"]
            )
        names = "+".join(catalog().items[p]["zh"] for p in expanded)
        for m in measures:
            if not all(r.readable(m) for r in [tr, *(items[p] for p in expanded if p in items)]):
                continue
            found = [items[p].values[m] for p in expanded if p in items and m in items[p].values]
            f = _sum_finding(
                parsed,
                "table.items",
                tr,
                m,
                found,
                table=table,
                code=target,
                title=title,
                item=catalog().items[target]["zh"],
                parts=names,
            )
            if f:
                yield f


def _sides(parsed: Parsed, table: str, title: str, rows: list[Row]) -> Iterator[Finding]:
    """收入总计 = 支出总计, and each side's total = the sum of its top-level lines."""
    totals = {}
    for side in ("income", "expenditure"):
        srows = [r for r in rows if r.side == side]
        tot = next((r for r in reversed(srows) if r.item == "total" and not r.code), None)
        if tot is None:
            continue
        totals[side] = tot
        top = [r for r in srows if r is not tot and _TOP_LINE.match(norm_label(r.name))]
        if not top:
            top = [r for r in srows if r.code and len(r.code) == 3]
        if not top or not all(r.readable("total") for r in [tot, *top]):
            continue
        f = _sum_finding(
            parsed,
            "table.side_sum",
            tot,
            "total",
            [r.values["total"] for r in top if r.has("total")],
            table=table,
            code=None,
            title=title,
            row=tot.name,
        )
        if f:
            yield f
    if len(totals) == 2 and all(r.readable("total") for r in totals.values()):
        inc, exp = totals["income"], totals["expenditure"]
        f = compare(
            "table.balance",
            inc.get("total"),
            exp.get("total"),
            1,
            inc.unit,
            source=parsed.meta.source,
            line=exp.line,
            table=table,
            code=None,
            step=rounding_step([inc.values.get("total"), exp.values.get("total")]),
            involved=[inc.values.get("total"), exp.values.get("total")],
            title=title,
        )
        if f:
            yield f
