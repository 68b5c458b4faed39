"""Table identities on the seed, and one mutated figure caught per identity family."""

from __future__ import annotations

import pytest

from budgetkit.check import run_checks
from budgetkit.document import parse

from .conftest import SEED


def _rules(path, severity=None):
    return [f for f in run_checks(parse(path)) if severity is None or f.severity == severity]


def test_seed_has_no_table_error():
    errors = [
        f for f in _rules(SEED, "error") if f.rule.startswith(("table.", "cross.", "completeness."))
    ]
    assert errors == []


def test_seed_basic_rounding_found():
    """表6: 基本支出合计 160.31 vs 人员经费 140.88 + 公用经费 19.44 = 160.32 is rounding (info)."""
    hits = [
        f for f in _rules(SEED) if f.table == "gpb_basic" and f.rule == "table.row_sum.rounding"
    ]
    assert len(hits) == 1
    f = hits[0]
    assert (f.severity, f.expected, f.actual) == ("info", "160.31", "160.32")
    assert f.location.endswith("line 265")


# (description, old, new, line, expected rule, expected table)
MUTATIONS = [
    (
        "row: total ≠ basic + project",
        "事业运行\t116.75\t116.75\t",
        "事业运行\t116.75\t106.75\t",
        165,
        "table.row_sum",
        "expenditure",
    ),
    (
        "hierarchy: 款 ≠ Σ项",
        "住房改革支出\t12.27\t12.27",
        "住房改革支出\t13.27\t13.27",
        177,
        "table.hierarchy",
        "expenditure",
    ),
    (
        "summary: income total ≠ expenditure total",
        "收入总计\t342.31",
        "收入总计\t352.31",
        109,
        "table.balance",
        "summary",
    ),
    (
        "cross: gpb basic ≠ 表6 total",
        "\t\t总计\t160.31\t140.88\t19.44",
        "\t\t总计\t170.31\t150.88\t19.44",
        265,
        "cross.gpb_basic",
        "gpb_basic",
    ),
    (
        "three public items",
        "公务接待费\t0.16\t0.16",
        "公务接待费\t1.16\t1.16",
        351,
        "table.items",
        "three_public",
    ),
    (
        "cross: income ≠ expenditure by code",
        "一般行政管理事务\t182.00\t72.00\t72.00",
        "一般行政管理事务\t192.00\t72.00\t72.00",
        125,
        "cross.income_expenditure.row",
        "expenditure",
    ),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "line", "rule", "table"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
def test_mutation_is_caught(mutate, what, old, new, line, rule, table):
    found = _rules(mutate(old, new, line), "error")
    assert any(f.rule == rule and f.table == table for f in found), [
        (f.rule, f.table) for f in found
    ]


def _without(tmp_path, seed_text, title: str, next_title: str):
    lines = seed_text.split("\n")
    start = lines.index(title) - 2  # "表 N"
    end = lines.index(next_title) - 2
    p = tmp_path / "missing.txt"
    p.write_text("\n".join(lines[:start] + lines[end:]), "utf-8")
    return p


def test_missing_table_is_completeness_error(tmp_path, seed_text):
    p = _without(tmp_path, seed_text, "一般公共预算支出情况表", "一般公共预算基本支出情况表")
    found = _rules(p, "error")
    assert [(f.rule, f.table) for f in found if f.rule.startswith("completeness")] == [
        ("completeness.table.missing", "gpb_expenditure")
    ]


def test_missing_fund_table_is_a_warning(tmp_path, seed_text):
    # many templates leave the 政府性基金 table out when there is no such fund: a warning
    p = _without(tmp_path, seed_text, "政府性基金预算支出情况表", "国有资本经营预算支出情况表")
    assert not [f for f in _rules(p, "error") if f.rule.startswith("completeness")]
    assert [
        (f.rule, f.table) for f in _rules(p, "warning") if f.rule.startswith("completeness")
    ] == [("completeness.table.missing", "gov_fund")]


def test_malformed_number_is_error_not_a_value(mutate):
    p = mutate("住房公积金\t12.27\t12.27\t12.27", "住房公积金\t12.2x\t12.27\t12.27", 147)
    parsed = parse(p)
    assert not [
        a
        for a in parsed.amounts
        if a.table == "income" and a.code == "2210201" and a.measure == "total"
    ]
    assert any(
        f.rule == "read.number.malformed" and f.severity == "error" for f in run_checks(parsed)
    )
