"""Exact comparison of a stated figure with the sum it must equal.

A difference of at most 0.01 per summed term, in the unit the document printed, is rounding
(severity info, rule id suffixed `.rounding`); anything larger is an error.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import Finding
from ..money import UNITS, fmt_wan

CENT = Decimal("0.01")


def tolerance(terms: int, unit: str, step: Decimal = CENT) -> Decimal:
    """Largest rounding difference in 万元 for a sum of `terms` figures printed in `unit`.

    `step` is the rounding step in the printed unit: 0.01, or 1 for whole 元 (see
    `index.rounding_step`).
    """
    return step * max(terms, 1) * UNITS[unit]


def compare(
    rule: str,
    expected: Decimal,
    actual: Decimal,
    terms: int,
    unit: str,
    *,
    table: str | None,
    code: str | None,
    message: str,
    location: str,
    severity: str = "error",
    step: Decimal = CENT,
) -> Finding | None:
    """None when equal; a rounding `info` within tolerance; else a finding of `severity`.

    `message` is formatted with {expected}, {actual} and {diff} (万元, exact).
    """
    diff = actual - expected
    if diff == 0:
        return None
    rounding = abs(diff) <= tolerance(terms, unit, step)
    text = message.format(expected=fmt_wan(expected), actual=fmt_wan(actual), diff=fmt_wan(diff))
    if rounding:
        return Finding(
            f"{rule}.rounding",
            "info",
            table,
            code,
            text + "（尾差，四舍五入所致）",
            fmt_wan(expected),
            fmt_wan(actual),
            location,
        )
    return Finding(rule, severity, table, code, text, fmt_wan(expected), fmt_wan(actual), location)
