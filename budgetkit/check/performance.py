"""Checks of the 绩效目标表 (docs/DESIGN.md §2, performance targets).

Rule ids (stable):
- `performance.weights.total` — a table's weights add to 100: nothing; to 90: `info` (the
  customary 10 points reserved for 预算执行率, scored at evaluation, are not printed); any
  other total: `warning` (the scoring scheme is off, but no amount is wrong).
- `performance.weights.missing` — some indicators of a weighted table have no weight: `warning`.
- `performance.weights.absent` — no table of the document prints weights (e.g. Shanghai 2023's
  填报表): one `info` per document; that template has no weights, it is not a defect.
- `performance.funds.total` (`.rounding`) — a project's 财政拨款 (+ 上年结转
  where printed) + 其他资金 ≠ its 年度预算总额: `error` (an arithmetic identity inside one table), `info` when within
  rounding.
- `performance.cost.total` (`.rounding`) — the money 成本指标 (≤ x 万元) of a
  project add up to its budget. Their sum above the budget is an `error` (the cost caps allow
  more than is budgeted); below it a `warning` (the listed cost items may cover only part of
  the budget, which templates allow, so it is not proof of a wrong figure).
- `performance.target.unmeasurable` — a target without a measurable value ("持续增强"): `info`
  (qualitative targets are allowed, notably for 效益/满意度 indicators, but an auditor wants
  to see them listed).
- `performance.target.below_prior` — a ≥/>/= target below last year's actual (上年完成值) for
  a non-cost indicator: `warning` (a target set lower than what was already achieved).
- `performance.target.prior_unit` — target and 上年完成值 in different units: `info`, not
  compared.
- `performance.budget.mismatch` — the department table's total ≠ the expenditure table's
  total, or the narrative's 预算绩效情况 amounts (整体 / 财政拨款项目 / 非财政拨款项目 涉及金额)
  ≠ the tables' sums: `warning` (a document may print tables for only some projects).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..catalog.rules import finding
from ..extract.performance import parse_target
from ..model import Amount, Finding, Indicator, Parsed, TargetTable
from ..money import UNITS, fmt_wan, to_wan
from .compare import tolerance

TABLE = "performance"
#: The customary total of printed weights when 10 points are kept for 预算执行率.
WEIGHT_TOTALS = {Decimal(100): None, Decimal(90): "info"}
_COST = re.compile(r"成本")
_TOTAL_ROW = re.compile(r"合计|总计")


def check(parsed: Parsed) -> Iterator[Finding]:
    """All performance-target findings of one parsed document."""
    src = parsed.meta.source
    weighted = 0
    for t in parsed.targets:
        weighted += any(i.weight is not None for i in t.indicators)
        yield from _weights(t, src)
        yield from _funds(t, src)
        yield from _costs(t, src)
        for ind in t.indicators:
            yield from _target(t, ind, src)
    if parsed.targets and not weighted:
        t = parsed.targets[0]
        yield _finding("performance.weights.absent", t, src, t.line, n=len(parsed.targets))
    yield from _budget(parsed, src)


def _finding(rule, t: TargetTable, src, line, **params) -> Finding:
    return finding(rule, src, line, table=TABLE, code=t.name, project=t.name, **params)


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def _weights(t: TargetTable, src: str) -> Iterator[Finding]:
    weights = [i.weight for i in t.indicators if i.weight is not None]
    if not weights:
        return
    missing = [i for i in t.indicators if i.weight is None]
    if missing:
        yield _finding(
            "performance.weights.missing", t, src, missing[0].line,
            n=len(missing), indicator=missing[0].level3,
        )  # fmt: skip
    total = sum(weights, Decimal(0))
    if total == 100:
        return
    reserved = total == 90
    yield _finding(
        "performance.weights.total", t, src, t.line,
        severity="info" if reserved else None, variant="reserved" if reserved else None,
        expected="100", actual=_num(total),
    )  # fmt: skip


def _compare(rule, t, src, line, expected, terms, over="error", under="error", **params):
    """Exact comparison of a sum of terms with a stated amount (万元, with printed unit)."""
    actual = sum((v for v, _ in terms), Decimal(0))
    diff = actual - expected
    if diff == 0:
        return
    tol = sum((tolerance(1, u) for _, u in terms), Decimal(0))  # 0.01 per term, printed unit
    yield _finding(
        rule, t, src, line, expected=expected, actual=actual,
        rounding=abs(diff) <= tol, severity=over if diff > 0 else under,
        parts=" + ".join(fmt_wan(v) for v, _ in terms), **params,
    )  # fmt: skip


def _funds(t: TargetTable, src: str) -> Iterator[Finding]:
    if t.kind != "project" or None in (t.total, t.fiscal, t.other):
        return
    terms = [(t.fiscal, "万元"), (t.other, "万元")]
    names = "财政拨款 + 其他资金"
    if t.carryover is not None:
        terms.insert(1, (t.carryover, "万元"))
        names = "财政拨款 + 上年结转 + 其他资金"
    yield from _compare("performance.funds.total", t, src, t.line, t.total, terms, names=names)


def _costs(t: TargetTable, src: str) -> Iterator[Finding]:
    if t.kind != "project" or t.total is None:
        return
    costs = [
        i
        for i in t.indicators
        if (_COST.search(i.level1) or _COST.search(i.level2))
        and i.value is not None
        and i.unit in UNITS
        and i.operator in ("≤", "=", "<")
    ]
    if not costs:
        return
    terms = [(to_wan(i.value, i.unit), i.unit) for i in costs]  # type: ignore[arg-type]
    yield from _compare(
        "performance.cost.total", t, src, costs[0].line, t.total, terms, under="warning"
    )


def _target(t: TargetTable, ind: Indicator, src: str) -> Iterator[Finding]:
    if ind.value is None:
        yield _finding(
            "performance.target.unmeasurable", t, src, ind.line,
            actual=ind.target, indicator=ind.level3, target=ind.target,
        )  # fmt: skip
        return
    if (
        not ind.prior
        or ind.operator not in ("≥", ">", "=")
        or _COST.search(ind.level1 + ind.level2)
    ):
        return
    p_op, prior, p_unit = parse_target(ind.prior)
    if prior is None or p_op not in ("=", None):
        return
    if ind.unit and p_unit and ind.unit != p_unit:
        yield _finding(
            "performance.target.prior_unit", t, src, ind.line,
            expected=ind.prior, actual=ind.target,
            indicator=ind.level3, target=ind.target, prior=ind.prior,
        )  # fmt: skip
        return
    if ind.value < prior:
        unit = ind.unit or p_unit or ""
        yield _finding(
            "performance.target.below_prior", t, src, ind.line,
            expected=_num(prior), actual=_num(ind.value),
            indicator=ind.level3, operator=ind.operator, unit=unit,
        )  # fmt: skip


#: Narrative fact (topic "performance") → what of the tables it states, and its label.
NARRATIVE_SUMS = {
    "overall_amount": ("department", "total", "整体绩效目标涉及金额"),
    "fiscal_projects_amount": ("project", "fiscal", "财政拨款项目涉及预算金额"),
    "nonfiscal_projects_amount": ("project", "other", "非财政拨款项目涉及预算金额"),
}


def _budget(parsed: Parsed, src: str) -> Iterator[Finding]:
    """Table totals against the expenditure table and the narrative's 预算绩效情况 figures.

    `warning`, not `error`: a document may publish tables for only some of the projects
    the narrative counts (Shanghai prints a selection), so a gap is not proof of a wrong figure.
    """
    dept = [t for t in parsed.targets if t.kind == "department" and t.total is not None]
    total = _expenditure_total(parsed.amounts)
    for t in dept if total is not None else ():
        assert total is not None  # (mypy does not narrow through the conditional iterable)
        if t.total != total.value:
            yield _finding(
                "performance.budget.mismatch", t, src, t.line,
                expected=total.value, actual=t.total, where=f"{total.line.file or src}:{total.line.where()}",
            )  # fmt: skip
    sums: dict[str, tuple[Decimal, str] | None] = {}  # per item: (sum, its terms), computed once
    for fact in parsed.facts:
        if fact.topic != "performance" or fact.item not in NARRATIVE_SUMS:
            continue
        kind, attr, label = NARRATIVE_SUMS[fact.item]
        if fact.item not in sums:
            values = [getattr(t, attr) for t in parsed.targets if t.kind == kind]
            ok = values and None not in values
            sums[fact.item] = (sum(values, Decimal(0)), _terms(values)) if ok else None
        computed = sums[fact.item]
        if computed is None:
            continue
        actual, parts = computed
        if actual != fact.value:
            yield finding(
                "performance.budget.mismatch", src, fact.line, table=TABLE, variant="narrative",
                expected=fact.value, actual=actual, label=label, parts=parts,
            )  # fmt: skip


MAX_TERMS = 12  # a sum of more terms is listed by its first ones and its count


def _terms(values: list[Decimal]) -> str:
    """The terms of a sum as printed in a message: "a + b + c", or the first `MAX_TERMS`
    and the count (a message stays short however many tables a document has)."""
    shown = " + ".join(fmt_wan(v) or "" for v in values[:MAX_TERMS])  # never None: v is a Decimal
    return shown if len(values) <= MAX_TERMS else f"{shown} + …（共{len(values)}项）"


def _expenditure_total(amounts: list[Amount]) -> Amount | None:
    """The 合计 row's total of the expenditure table, if the reader found it."""
    for a in amounts:
        if (
            a.table == "expenditure"
            and a.measure == "total"
            and a.code is None
            and _TOTAL_ROW.search(a.name)
        ):
            return a
    return None
