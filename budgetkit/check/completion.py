"""Final accounts' narrative against the budget: completion rates (完成预算 y%), the stated
relation (决算数大于/小于/等于预算数) and differences (决算数较预算数减少 x 万元).

Each statement's 决算数 is its own amount, else the table's; its 预算数 is the one the same
sentence states for the same subject (年初预算 a 万元，支出决算 b 万元，完成年初预算的 y%), else
the table's budget column. A rate stated where the budget is 0 has nothing to be a rate of.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..catalog.rules import finding
from ..model import Finding, Parsed, Statement
from ..money import CENT
from .narrative import HUNDRED, Figures, _code, _Common, _half, _places, _q, _quote, _s


class _Against(_Common):
    """`_Common` with the two figures a completion finding compares."""

    actual_amount: str | None
    budget: str | None


BUDGETS = ("budget", "initial", "adjusted")
_RELATION = {"more": "大于", "less": "小于", "equal": "等于"}


def _budget(st: Statement, stated: dict, fig: Figures) -> tuple[Decimal | None, str]:
    """The budget a statement's 决算数 is measured against, and where it comes from."""
    key = (st.topic, _code(st, fig), st.sentence)
    if key in stated:
        return stated[key], "stated"
    for figure in BUDGETS:
        v = fig.get(st.topic, _code(st, fig), figure)
        if v is not None:
            return v, "table"
    return None, ""


def _rate_matches(rate: Decimal, actual: Decimal, budget: Decimal) -> tuple[Decimal, bool]:
    """(computed rate as printed, whether the stated rate is within rounding of it)."""
    places = _places(rate)
    shown = _q(actual / budget * HUNDRED, places)
    if shown == rate:
        return shown, True
    ha, hb, hr = _half(actual), _half(budget), Decimal(5).scaleb(-places - 1)
    if budget - hb <= 0:
        return shown, False
    lo = (actual - ha) / (budget + hb) * HUNDRED - hr
    hi = (actual + ha) / (budget - hb) * HUNDRED + hr
    return shown, lo <= rate <= hi


def _one(st: Statement, stated: dict, fig: Figures, parsed: Parsed) -> Iterator[Finding]:
    stated_any = (st.completion, st.relation, st.budget_change, st.budget_growth)
    if all(x is None for x in stated_any):
        return
    actual = st.amount if st.amount is not None else fig.get(st.topic, _code(st, fig))
    budget, _ = _budget(st, stated, fig)
    if actual is None or budget is None:
        return
    common = _Against(
        source=parsed.meta.source,
        line=st.line,
        table=fig.table_of(st.topic),
        code=_code(st, fig),
        subject=st.subject,
        quote=_quote(st),
        actual_amount=_s(actual),
        budget=_s(budget),
    )
    if budget == 0:
        rate = st.completion if st.completion is not None else st.budget_growth
        if rate is not None:
            what = "完成预算" if st.completion is not None else "较预算增长"
            yield finding("narrative.completion.zero_budget", actual=_s(rate), what=what, **common)
    elif st.completion is not None:
        computed, ok = _rate_matches(st.completion, actual, budget)
        if computed != st.completion:
            yield finding(
                "narrative.completion",
                rounding=ok,
                expected=_s(computed),
                actual=_s(st.completion),
                stated=_s(st.completion),
                computed=_s(computed),
                **common,
            )
    if st.relation is not None:
        holds = {"more": actual > budget, "less": actual < budget, "equal": actual == budget}
        if not holds[st.relation]:
            yield finding(
                "narrative.relation",
                expected=_RELATION[
                    "more" if actual > budget else "less" if actual < budget else "equal"
                ],
                actual=_RELATION[st.relation],
                stated=_RELATION[st.relation],
                **common,
            )
    if st.budget_change is not None:
        diff = actual - budget
        if diff != st.budget_change:
            yield finding(
                "narrative.budget_change",
                rounding=abs(diff - st.budget_change) <= CENT,
                expected=diff,
                actual=st.budget_change,
                stated=_s(st.budget_change),
                computed=_s(diff),
                **common,
            )


def check(parsed: Parsed) -> Iterator[Finding]:
    """Completion, relation and difference findings of a final account's narrative."""
    if parsed.meta.kind != "final":
        return
    fig = Figures(parsed)
    stated: dict = {}  # (topic, code, sentence) → the 预算数 the sentence states
    for st in parsed.statements:
        if st.topic and st.figure in BUDGETS and st.amount is not None:
            stated.setdefault((st.topic, _code(st, fig), st.sentence), st.amount)
    for st in parsed.statements:
        if st.topic and st.figure is None:
            yield from _one(st, stated, fig, parsed)
