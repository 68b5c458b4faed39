"""Headline figures of a narrative-only publication come from its statements: of several
statements of one topic, the one that names the figure itself wins (fields.toml
`narrative_prefer` / `narrative_avoid`), without changing what any statement is about.

Real material: 昆明市审计局 2026 (data/corpus/yunnan-kunming/审计局_2026年部门预算.html), a web
page whose 三、（一） states 单位财务总收入 154,991,108.01 元，其中：一般公共预算 121,884,997.75 元
(the fund's whole income, with its 上年结转 1,192,640.00) and 三、（二） 本年收入中，一般公共预算
财政拨款 120,692,357.75 元 (this year's appropriation, the key figure).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import budgetkit
from budgetkit.catalog.fields import fields
from budgetkit.figures import _preferred

from .test_pairing import KM_NARRATIVE, corpus_file


def test_this_years_appropriation_wins_over_a_breakdown_of_the_whole_income():
    doc = budgetkit.read(corpus_file(KM_NARRATIVE))
    fig = next(f for f in doc.figures() if f.key == "gpb_appropriation")
    assert fig.value == Decimal("12069.235775") and "本年收入中" in (fig.derived or "")
    # what each statement is about is unchanged: both are 一般公共预算收入 (checked as such)
    topics = {
        s.amount: s.topic for s in doc.parsed.statements if s.subject.startswith("一般公共预算")
    }
    assert topics[Decimal("12188.499775")] == topics[Decimal("12069.235775")] == "income.gpb"


def test_a_figure_without_a_preference_takes_the_first_statement():
    doc = budgetkit.read(corpus_file(KM_NARRATIVE))
    bare = next(s for s in doc.parsed.statements if s.subject == "一般公共预算")
    gpb = fields().figures["gpb_appropriation"]
    assert not _preferred(gpb, bare)
    assert _preferred(replace(gpb, prefer=None), bare)
    carried = replace(
        bare, subject="上年结转一般公共预算财政拨款", sentence="上年结转一般公共预算财政拨款1.00元"
    )
    assert not _preferred(gpb, carried)
