"""Table rows wrapped over two printed lines in narrow cells.

A long name and a wide amount may each wrap inside their cells, so that one row prints as two
lines (深圳市人力资源和社会保 | 435,216.1 | … and 障局 | 7 | …): the second line's pieces continue
the first's, cell by cell. Two lines are one row only when both a label cell and an amount cell
continue (the amount's digits completing its decimals) and no other column is filled twice;
anything less is left as printed.
"""

from __future__ import annotations

import re
from collections import Counter

from ..reader.lines import Line
from .columns import Column

_CUT_AMOUNT = re.compile(r"-?\d[\d,]*\.\d*")  # 435,216.1 or 435,216. : decimals cut off
_DIGITS = re.compile(r"\d{1,6}")
_AMOUNT = re.compile(r"-?\d[\d,]*\.(\d+)")
_LABEL_ROLES = frozenset({"name", "project_name", "unit_name"})
_STARTS_ROW = re.compile(r"^(?:\d|[一二三四五六七八九十]+、|[（(]|其中|合计|总计|小计)")


def _amount_continues(head: str, tail: str, places: int | None) -> bool:
    """435,216.1 + 7 where the column prints two decimals: one amount cut in two."""
    if places is None or not (_CUT_AMOUNT.fullmatch(head) and _DIGITS.fullmatch(tail)):
        return False
    return len(head.partition(".")[2]) + len(tail) == places


def _label_continues(head: str, tail: str) -> bool:
    return not _STARTS_ROW.match(tail)


def _pair(a: Line, b: Line, amounts: dict[int, int | None], labels: set[int]) -> Line | None:
    if a.page != b.page:
        return None
    width = max(len(a.cells), len(b.cells))
    ca = [*a.cells, *[""] * (width - len(a.cells))]
    cb = [*b.cells, *[""] * (width - len(b.cells))]
    cells: list[str] = []
    joined = set()
    for j, (x, y) in enumerate(zip(ca, cb, strict=True)):
        x, y = x.strip(), y.strip()
        if x and y:
            if j in amounts and _amount_continues(x, y, amounts[j]):
                joined.add("amount")
            elif j in labels and _label_continues(x, y):
                joined.add("label")
            else:
                return None
            cells.append(x + y)
        else:
            cells.append(x or y)
    if joined != {"amount", "label"}:
        return None
    return Line(tuple(cells), a.lineno, a.page)


def _places(body: list[Line], j: int) -> int | None:
    """The decimals a column's amounts are printed with (the most common), None if none."""
    seen = Counter(
        len(m.group(1))
        for ln in body
        if j < len(ln.cells) and (m := _AMOUNT.fullmatch(ln.cells[j].strip()))
    )
    return seen.most_common(1)[0][0] if seen else None


def join_wrapped(body: list[Line], cols: list[Column]) -> list[Line]:
    """The body with every row wrapped over two lines joined into one (at its first line)."""
    amounts = {c.index: _places(body, c.index) for c in cols if c.is_measure}
    labels = {c.index for c in cols if c.role in _LABEL_ROLES}
    if not amounts or not labels:
        return body
    out: list[Line] = []
    i = 0
    while i < len(body):
        merged = _pair(body[i], body[i + 1], amounts, labels) if i + 1 < len(body) else None
        out.append(merged or body[i])
        i += 2 if merged else 1
    return out
