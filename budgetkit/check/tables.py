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
from .rows import Row, columns, rows_by_table, total_row

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


def frontier(measure: str, tree: dict[str, list[tuple[str, ...]]], printed: set[str]) -> list[str]:
    """The printed columns that make up `measure`: itself when printed, else its parts' (the
    first decomposition the table declares), recursively; [] when nothing of it is printed."""
    if measure in printed:
        return [measure]
    out: list[str] = []
    for part in next(iter(tree.get(measure, [])), ()):
        out += frontier(part, tree, printed)
    return out


def leaves(measure: str, tree: dict[str, list[tuple[str, ...]]], printed: set[str]) -> list[str]:
    """The most detailed printed parts of `measure` (财政拨款 split into 一般公共预算 / 政府性基金
    / 国有资本经营 where those are printed)."""
    kids = [
        m for part in next(iter(tree.get(measure, [])), ()) for m in leaves(part, tree, printed)
    ]
    if kids:
        return kids
    return [measure] if measure in printed else []


def decomposition(spec) -> dict[str, list[tuple[str, ...]]]:
    tree: dict[str, list[tuple[str, ...]]] = {}
    for target, parts in spec.row_sums:
        tree.setdefault(target, []).append(parts)
    return tree


def _scoped(printed: set[str]) -> dict[str, set[str]]:
    """Printed measures grouped by qualifier ("" for the primary figures); ratios left out."""
    out: dict[str, set[str]] = {}
    for m in printed:
        scope, _, base = m.rpartition(".")
        if "pct" not in scope:
            out.setdefault(scope, set()).add(base)
    return out


def _titles(parsed: Parsed) -> dict[str, str]:
    """Each table's title as printed (the first block of it)."""
    out: dict[str, str] = {}
    for t in parsed.tables:
        if t.table:
            out.setdefault(t.table, t.title)
    return out


def check(parsed: Parsed) -> Iterator[Finding]:
    cat = catalog()
    cols = columns(parsed)
    titles = _titles(parsed)
    for table, rows in rows_by_table(parsed).items():
        spec = cat.tables[table]
        title = titles.get(table, spec.zh)
        tree = decomposition(spec)
        sides: dict[str | None, set[str]] = {r.side: set() for r in rows}
        for r in rows:
            sides[r.side].update(r.values)
        for r in rows:
            printed = cols.get(table, set()) if not spec.two_sided else sides[r.side]
            for scope, bases in _scoped(printed).items():
                yield from _row_sums(parsed, table, title, r, spec, tree, scope, bases)
        if spec.flows:
            yield from _flows(parsed, table, title, rows, spec)
        if spec.classification:
            yield from _hierarchy(parsed, table, title, rows)
        if spec.item_sums:
            yield from _items(parsed, table, title, rows, spec.item_sums)
        if spec.two_sided:
            yield from _sides(parsed, table, title, rows)


def _row_sums(parsed, table, title, r: Row, spec, tree, scope: str, bases: set[str]):
    """In one row: every declared total = the sum of its printed parts (within one qualifier)."""
    cat = catalog()
    q = f"{scope}." if scope else ""
    for target, parts in spec.row_sums:
        if target not in bases:
            continue
        used = [m for p in parts for m in frontier(p, tree, bases)]
        if len(used) < 2:
            continue  # an identity needs its total and at least two printed parts
        if not r.readable(q + target, *(q + p for p in used)):
            continue  # a cell that is not a number (read.number.malformed) is not 0
        present = [q + p for p in used if r.has(q + p)]
        names = "+".join(cat.measure_label(p) for p in present) or "0"
        f = _sum_finding(
            parsed,
            "table.row_sum",
            r,
            q + target,
            [r.values[p] for p in present],
            table=table,
            code=r.code,
            title=title,
            row=_label(r),
            target=cat.measure_label(q + target),
            parts=names,
        )
        if f:
            yield f


def _flows(parsed: Parsed, table: str, title: str, rows: list[Row], spec) -> Iterator[Finding]:
    """Final accounts: what is carried into the year, plus what came in, less what was spent,
    is what is carried out (年初 + 本年收入 − 本年支出 − 结余分配 = 年末), row by row."""
    cat = catalog()
    for r in rows:
        for target, plus, minus in spec.flows:
            printed = set(r.columns) | set(r.values)
            terms = [m for m in (*plus, *minus) if m in printed]
            if target not in printed or len(terms) < 2:
                continue
            value = sum((r.get(m) for m in plus), Decimal(0)) - sum(
                (r.get(m) for m in minus), Decimal(0)
            )
            names = "+".join(cat.measure_label(m) for m in plus if m in printed)
            names += "".join(f"−{cat.measure_label(m)}" for m in minus if m in printed)
            f = compare(
                "table.flow",
                r.get(target),
                value,
                len(terms),
                r.unit,
                source=parsed.meta.source,
                line=r.line,
                table=table,
                code=r.code,
                step=rounding_step([r.values.get(target), *(r.values.get(m) for m in terms)]),
                involved=[r.values.get(target), *(r.values.get(m) for m in terms)],
                title=title,
                row=_label(r),
                target=cat.measure_label(target),
                parts=names,
            )
            if f:
                yield f


def _hierarchy(parsed: Parsed, table: str, title: str, rows: list[Row]) -> Iterator[Finding]:
    """Each 类/款 equals the sum of its children; the total row equals the sum of the 类 (or,
    in a flat list of codes without their parents, of every row). Rows of subordinate units
    are checked unit by unit, under the unit's own total row."""
    by_org: dict[str | None, list[Row]] = {}
    for r in rows:
        by_org.setdefault(r.org, []).append(r)
    for org_rows in by_org.values():
        yield from _hierarchy_of(parsed, table, title, org_rows)


def _hierarchy_of(parsed: Parsed, table: str, title: str, rows: list[Row]) -> Iterator[Finding]:
    by_code: dict[str, list[Row]] = {}
    for r in rows:
        if r.code:
            by_code.setdefault(r.code, []).append(r)
    measures = sorted({m for r in rows for m in r.values if "pct" not in m})
    children: dict[str | None, list[str]] = {}
    for code in by_code:
        parent = {7: code[:5], 5: code[:3]}.get(len(code)) if len(code) > 3 else None
        if parent is not None and parent not in by_code and len(code) == 7:
            parent = code[:3]  # a 项 whose 款 is not printed counts under its 类
        if parent is not None and parent not in by_code:
            continue  # orphan: no ancestor printed
        children.setdefault(parent, []).append(code)
    if by_code and not children:  # a flat list of codes whose parents are not printed
        children[None] = list(by_code)
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
                measure=catalog().measure_label(m),
            )
            if f:
                yield f


def _items(parsed: Parsed, table: str, title: str, rows: list[Row], sums) -> Iterator[Finding]:
    """三公: 合计 = 出国 + 接待 + 公务用车; 公务用车 = 购置 + 运行 (per funding column).

    Items printed as columns are summed within their printed line (one line per budget unit);
    items printed as rows, over the rows of each unit."""
    groups: dict[tuple, dict[str, Row]] = {}
    per_line: dict[tuple, int] = {}
    for r in rows:
        if r.item:
            key = (r.org, r.line.page, r.line.lineno)
            per_line[key] = per_line.get(key, 0) + 1
    for r in rows:
        if r.item:
            key = (r.org, r.line.page, r.line.lineno)
            group = groups.setdefault(key if per_line[key] > 1 else (r.org,), {})
            group.setdefault(r.item, r)
    for items in groups.values():
        yield from _item_sums(parsed, table, title, items, sums)


def _item_sums(parsed: Parsed, table: str, title: str, items: dict[str, Row], sums):
    measures = sorted({m for r in items.values() for m in r.values})
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
                where=(f"“{tr.org}”" if tr.org else "")
                + (f"{catalog().measure_label(m)}：" if "." in m else ""),
            )
            if f:
                yield f


#: Rows a summary side adds to its 本年 total to make its grand total (上年结转, 结转下年, …).
BEYOND_CURRENT = frozenset(
    {"carryover", "nonfiscal_balance_use", "account_balance", "closing", "distribution"}
)


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _ordinal(name: str) -> int:
    """The number of a 一、/十二、 enumerated line (0 when there is none)."""
    m = _TOP_LINE.match(norm_label(name))
    if not m:
        return 0
    s = m.group(0).rstrip("、")
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _CN_DIGITS.get(ones, 0) if ones else 0
        )
    return _CN_DIGITS.get(s, 0)


def _side_parts(srows: list[Row], tot: Row) -> list[tuple[Row, list[Row]]]:
    """The sums a side of a summary must satisfy: [(total row, its parts)].

    The standard's layout: numbered top lines (一、…) make up 本年收入/支出合计, which with the
    carry-over lines (上年结转, 结转下年, 结余分配 …) make up the grand total; where no unnumbered
    本年 row is printed, the numbered top lines (一、本年收入, 二、上年结转) make up the total;
    without numbering, the 类 rows do.
    """
    body = [r for r in srows if r is not tot]
    numbered = [r for r in body if _TOP_LINE.match(norm_label(r.name))]
    current = next(
        (r for r in body if r.item == "current" and not _TOP_LINE.match(norm_label(r.name))), None
    )
    if current is not None:
        before = [r for r in numbered if r.row < current.row]
        last = max((_ordinal(r.name) for r in before), default=0)
        after = [
            r
            for r in body
            if r.row > current.row
            and (
                (r in numbered and _ordinal(r.name) > last)  # 七、上年结转 goes on from 六、
                or (
                    r.item in BEYOND_CURRENT
                    and r not in numbered
                    and not norm_label(r.name).startswith("其中")
                )
            )
        ]
        out = [(tot, [current, *after])]
        if before:
            out.append((current, before))
        return out
    top = numbered or [r for r in body if r.code and len(r.code) == 3]
    return [(tot, top)] if top else []


def _sides(parsed: Parsed, table: str, title: str, rows: list[Row]) -> Iterator[Finding]:
    """收入总计 = 支出总计, and each side's total = the sum of its top-level lines."""
    totals = {}
    for side in dict.fromkeys(r.side for r in rows if r.side):
        srows = [r for r in rows if r.side == side and r.org is None]
        tot = next((r for r in reversed(srows) if r.item == "total" and not r.code), None)
        if tot is None:
            continue
        totals[side] = tot
        for total, parts in _side_parts(srows, tot):
            if not all(r.readable("total") for r in [total, *parts]):
                continue
            f = _sum_finding(
                parsed,
                "table.side_sum",
                total,
                "total",
                [r.values["total"] for r in parts if r.has("total")],
                table=table,
                code=None,
                title=title,
                row=total.name,
            )
            if f:
                yield f
    readable = all(r.readable("total") for r in totals.values())
    if "income" in totals and "expenditure" in totals and readable:
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
