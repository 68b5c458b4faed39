"""The one tolerance rule: exact comparison of a stated figure with the figure it must equal.

A difference of at most 0.01 per summed term, in the unit the document printed, is rounding
(severity info, rule id suffixed `.rounding`); anything larger is a finding of the rule's
severity. A table printed in whole 元 may round from 分: 1 元 per term is then rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from ..catalog.rules import finding
from ..model import Amount, Finding
from ..money import CENT, UNITS
from ..reader.lines import Line

WHOLE = Decimal(1)

#: Amounts (by id) that take part in an identity that holds, while `witnessing()` is active.
_witness: ContextVar[set[int] | None] = ContextVar("witness", default=None)


@contextmanager
def witnessing() -> Iterator[set[int]]:
    """Collect the amounts of every identity that holds (exactly or within rounding) while
    checks run: the coverage self-check counts them."""
    seen: set[int] = set()
    token = _witness.set(seen)
    try:
        yield seen
    finally:
        _witness.reset(token)


def tolerance(terms: int, unit: str, step: Decimal = CENT) -> Decimal:
    """Largest rounding difference in 万元 for a sum of `terms` figures printed in `unit`.

    `step` is the rounding step in the printed unit: 0.01, or 1 for whole 元 (`rounding_step`).
    """
    return step * max(terms, 1) * UNITS[unit]


def rounding_step(amounts: Iterable[Amount | None]) -> Decimal:
    """Rounding step, in the printed unit, of a comparison between these printed figures.

    0.01 (分 of 元, or the customary two decimals of 万元), except in 元 tables that print a
    non-zero figure of the comparison as whole 元: such a figure may be rounded from 分, so a
    difference of 1 元 per term is rounding (上海: 合计行 基本支出 "22,118,861" over items
    with 分; rows printed in whole 元 that differ by 1 元 from the sum of their items).
    """
    for a in amounts:
        if a is not None and a.unit == "元" and a.value and "." not in a.printed:
            return WHOLE
    return CENT


def coarser(a: str, b: str) -> str:
    """The coarser of two printed units: a figure printed in 万元 next to one in 元 can only
    agree to the 万元 table's last digit (上海: 三公 table in 万元, economic lines in 元)."""
    return a if UNITS.get(a, 0) >= UNITS.get(b, 0) else b


def compare(
    rule: str,
    expected: Decimal,
    actual: Decimal,
    terms: int,
    unit: str,
    *,
    source: str,
    line: Line | None,
    table: str | None,
    code: str | None,
    severity: str | None = None,
    step: Decimal = CENT,
    involved: Iterable[Amount | None] = (),
    **params: Any,
) -> Finding | None:
    """None when equal; the rule's `.rounding` info within tolerance; else its finding.

    `involved` are the printed amounts compared (recorded as witnessed when it holds)."""
    diff = actual - expected
    if unit != "元":
        step = CENT  # whole 元 figures round to 1 元, which a coarser unit's 0.01 covers
    holds = abs(diff) <= tolerance(terms, unit, step)
    seen = _witness.get()
    if holds and seen is not None:
        seen.update(id(a) for a in involved if a is not None)
    if diff == 0:
        return None
    return finding(
        rule,
        source,
        line,
        table=table,
        code=code,
        expected=expected,
        actual=actual,
        severity=severity,
        rounding=holds,
        **params,
    )
