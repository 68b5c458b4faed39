"""Narrative and profile checks on the seed, against table figures checked by hand.

The table reader is written separately; these tests build the `Parsed` from the seed's table
figures (表2/表3/表5/表6/表10, copied by hand from data/seed/000_d8581a66e967af08.txt) so the
checks are tested on their own.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetkit.catalog.templates import template
from budgetkit.check import narrative as check_narrative
from budgetkit.check import profile as check_profile
from budgetkit.extract import glossary, narrative, profile
from budgetkit.extract.labels import row_item
from budgetkit.model import Amount, Meta, Parsed, TableInfo
from budgetkit.reader import read_source
from budgetkit.reader.lines import Line

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "000_d8581a66e967af08.txt"
_L = Line(("",), 0)

# (table, code, name, {measure: value}) — hand-checked against the seed's tables.
ROWS = [
    ("summary", None, "收入总计", {"total": "342.31"}, "income"),
    ("summary", None, "支出总计", {"total": "342.31"}, "expenditure"),
    (
        "income",
        None,
        "总计",
        {"total": "342.31", "fiscal": "232.31", "gpb": "232.31", "unit_funds": "110.00"},
        None,
    ),
    (
        "expenditure",
        None,
        "总计",
        {"total": "342.31", "basic": "160.31", "project": "182.00"},
        None,
    ),
    ("fiscal_summary", None, "收入总计", {"total": "232.31"}, "income"),
    # 表4 expenditure side by 类 (lines 190-209)
    ("fiscal_summary", "201", "一般公共服务支出", {"total": "188.75"}, "expenditure"),
    ("fiscal_summary", "208", "社会保障和就业支出", {"total": "23.12"}, "expenditure"),
    ("fiscal_summary", "210", "卫生健康支出", {"total": "8.18"}, "expenditure"),
    ("fiscal_summary", "221", "住房保障支出", {"total": "12.27"}, "expenditure"),
    (
        "gpb_expenditure",
        None,
        "总计",
        {"total": "232.31", "basic": "160.31", "project": "72.00"},
        None,
    ),
    (
        "gpb_expenditure",
        "201",
        "一般公共服务支出",
        {"total": "188.75", "basic": "116.75", "project": "72.00"},
        None,
    ),
    ("gpb_expenditure", "20103", "政府办公厅（室）及相关机构事务", {"total": "188.75"}, None),
    (
        "gpb_expenditure",
        "2010302",
        "一般行政管理事务",
        {"total": "72.00", "project": "72.00"},
        None,
    ),
    ("gpb_expenditure", "2010350", "事业运行", {"total": "116.75", "basic": "116.75"}, None),
    ("gpb_expenditure", "208", "社会保障和就业支出", {"total": "23.12"}, None),
    ("gpb_expenditure", "20805", "行政事业单位养老支出", {"total": "23.12"}, None),
    ("gpb_expenditure", "2080502", "事业单位离退休", {"total": "0.20"}, None),
    ("gpb_expenditure", "2080505", "机关事业单位基本养老保险缴费支出", {"total": "15.28"}, None),
    ("gpb_expenditure", "2080506", "机关事业单位职业年金缴费支出", {"total": "7.64"}, None),
    ("gpb_expenditure", "210", "卫生健康支出", {"total": "8.18"}, None),
    ("gpb_expenditure", "21011", "行政事业单位医疗", {"total": "8.18"}, None),
    ("gpb_expenditure", "2101102", "事业单位医疗", {"total": "7.64"}, None),
    ("gpb_expenditure", "2101103", "公务员医疗补助", {"total": "0.48"}, None),
    ("gpb_expenditure", "2101199", "其他行政事业单位医疗支出", {"total": "0.06"}, None),
    ("gpb_expenditure", "221", "住房保障支出", {"total": "12.27"}, None),
    ("gpb_expenditure", "22102", "住房改革支出", {"total": "12.27"}, None),
    ("gpb_expenditure", "2210201", "住房公积金", {"total": "12.27"}, None),
    (
        "gpb_basic",
        None,
        "总计",
        {"total": "160.31", "personnel": "140.88", "public": "19.44"},
        None,
    ),
    ("three_public", None, "合计", {"total": "4.96", "gpb": "4.96"}, None),
    ("three_public", None, "公务接待费", {"total": "0.16"}, None),
    ("three_public", None, "公务用车购置及运行费（小计）", {"total": "4.80"}, None),
    ("three_public", None, "公务用车运行费", {"total": "4.80"}, None),
]


def seed_amounts() -> list[Amount]:
    """The rows as the reader gives them: one row number each, labelled rows with their item."""
    tpl = template()
    out = []
    for i, (table, code, name, values, side) in enumerate(ROWS):
        item = None if code else row_item(name, tpl)
        for measure, v in values.items():
            out.append(Amount(table, code, name, measure, Decimal(v), v, "万元", _L, side, i, item))
    return out


def parse(path: Path | str = SEED, amounts: list[Amount] | None = None) -> Parsed:
    lines = read_source(path).lines
    amounts = seed_amounts() if amounts is None else amounts
    statements, facts = narrative.extract(lines, names=narrative.names_from(amounts))
    meta = Meta(
        "昌吉回族自治州人民政府驻北京联络处",
        2024,
        "budget",
        "department",
        "万元",
        str(path),
        "text",
    )
    tables = [
        TableInfo(t, t, "万元", _L, empty=True) for t in ("gov_fund", "soe_capital", "carryover")
    ]
    return Parsed(
        meta,
        amounts=amounts,
        tables=tables,
        statements=statements,
        facts=facts,
        profile=profile.extract(lines),
        glossary=glossary.extract(lines),
    )


def findings(parsed: Parsed):
    return list(check_narrative.check(parsed)) + list(check_profile.check(parsed))


def test_seed_gives_no_error_and_the_known_findings():
    got = findings(parse())
    assert not [f for f in got if f.severity == "error"], got
    by_rule = {f.rule: f for f in got}
    assert set(by_rule) == {
        "narrative.growth.rounding",  # 基本支出 30.13 ÷ 130.18 = 23.145% printed 23.15%
        "narrative.growth.from_zero",
        "narrative.change.sum.rounding",
        "profile.retirees.increase",
    }
    g = by_rule["narrative.growth.rounding"]
    assert (g.severity, g.expected, g.actual) == ("info", "23.14", "23.15")
    zero = by_rule["narrative.growth.from_zero"]
    assert zero.severity == "warning" and zero.code == "2080502" and zero.actual == "100.00"
    assert zero.location.endswith(":line 438")
    s = by_rule["narrative.change.sum.rounding"]
    assert (s.severity, s.expected, s.actual) == ("info", "30.13", "30.14")
    r = by_rule["profile.retirees.increase"]
    assert (r.severity, r.expected, r.actual) == ("warning", "3", "2")
    assert "退休" in r.message and r.location.endswith(":line 383")


def _mutate(tmp_path: Path, old: str, new: str, encoding: str = "utf-8") -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    p = tmp_path / "seed.txt"
    p.write_text(text.replace(old, new), encoding=encoding)
    return p


@pytest.mark.parametrize(
    "old,new,rule,actual,line",
    [
        ("占 67.87%", "占 68.87%", "narrative.share", "68.87", 383),
        ("增长 14.90%", "增长 15.90%", "narrative.growth", "15.90", 383),
        (
            "基本支出 160.31 万元,占 46.83%",
            "基本支出 161.31 万元,占 46.83%",
            "narrative.amount",
            "161.31",
            401,
        ),
        ("公务接待费 0.16 万元。", "公务接待费 0.26 万元。", "narrative.amount", "0.26", 486),
        ("公用经费 19.44 万元", "公用经费 19.54 万元", "narrative.amount", "19.54", 460),
        ("增加1.41万元", "增加2.41万元", "narrative.change.sum", "31.14", 434),
    ],
)
def test_a_wrong_narrative_figure_is_an_error_naming_the_sentence(
    tmp_path, old, new, rule, actual, line
):
    got = [f for f in findings(parse(_mutate(tmp_path, old, new))) if f.severity == "error"]
    assert [f.rule for f in got].count(rule) >= 1, got
    f = next(f for f in got if f.rule == rule)
    assert f.actual == actual
    assert f.location.endswith(f":line {line}")
    if rule != "narrative.change.sum":
        assert "「" in f.message and new.split()[0][:2] in f.message


def test_wrong_staff_sum_is_an_error(tmp_path):
    got = findings(parse(_mutate(tmp_path, "实有人数 11 人", "实有人数 12 人")))
    f = next(f for f in got if f.rule == "profile.staff.sum")
    assert (f.severity, f.expected, f.actual) == ("error", "11", "12")


def test_gb18030_copy_reads_and_checks_the_same(tmp_path):
    p = tmp_path / "gb.txt"
    p.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    a, b = parse(), parse(p)
    assert [(s.topic, s.amount, s.share, s.change, s.growth) for s in a.statements] == [
        (s.topic, s.amount, s.share, s.change, s.growth) for s in b.statements
    ]
    assert a.facts == [f for f in b.facts] or len(a.facts) == len(b.facts)
    assert [f.rule for f in findings(a)] == [f.rule for f in findings(b)]


def test_table_row_missing_means_zero_and_missing_table_is_skipped():
    amounts = [a for a in seed_amounts() if a.table != "three_public"]
    got = findings(parse(amounts=amounts))
    assert not [f for f in got if f.severity == "error"]
