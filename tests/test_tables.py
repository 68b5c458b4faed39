"""Golden tables of the seed, transcribed by hand from data/seed/000_d8581a66e967af08.txt."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import budgetkit
from budgetkit.document import parse

from .conftest import SEED

# 表3 部门支出总体情况表 (lines 161–178): code → (合计, 基本支出, 项目支出); blank = None
EXPENDITURE = {
    None: ("342.31", "160.31", "182.00"),
    "201": ("298.75", "116.75", "182.00"),
    "20103": ("298.75", "116.75", "182.00"),
    "2010302": ("182.00", None, "182.00"),
    "2010350": ("116.75", "116.75", None),
    "208": ("23.12", "23.12", None),
    "20805": ("23.12", "23.12", None),
    "2080502": ("0.20", "0.20", None),
    "2080505": ("15.28", "15.28", None),
    "2080506": ("7.64", "7.64", None),
    "210": ("8.18", "8.18", None),
    "21011": ("8.18", "8.18", None),
    "2101102": ("7.64", "7.64", None),
    "2101103": ("0.48", "0.48", None),
    "2101199": ("0.06", "0.06", None),
    "221": ("12.27", "12.27", None),
    "22102": ("12.27", "12.27", None),
    "2210201": ("12.27", "12.27", None),
}

# 表6 一般公共预算基本支出情况表 (lines 265–290): economic code → (合计, 人员经费, 公用经费)
GPB_BASIC = {
    None: ("160.31", "140.88", "19.44"),
    "301": ("140.35", "140.35", None),
    "30101": ("35.20", "35.20", None),
    "30113": ("12.27", "12.27", None),
    "302": ("19.44", None, "19.44"),
    "30217": ("0.16", None, "0.16"),
    "30231": ("4.80", None, "4.80"),
    "30299": ("1.07", None, "1.07"),
    "303": ("0.53", "0.53", None),
    "30309": ("0.33", "0.33", None),
}


@pytest.fixture(scope="module")
def doc():
    return budgetkit.read(SEED)


def _dec(v):
    return None if v is None else D(v)


def test_meta(doc):
    m = doc.meta
    assert (m.department, m.year, m.kind, m.unit_as_printed) == (
        "昌吉回族自治州人民政府驻北京联络处",
        2024,
        "budget",
        "万元",
    )


def test_all_eleven_tables_found(doc):
    idx = doc.table_index
    assert list(idx["known"].dropna()) == ["performance"] * 3  # the 绩效目标表, not money tables
    idx = idx[idx["known"].isna()]
    assert list(idx["table"]) == [
        "summary",
        "income",
        "expenditure",
        "fiscal_summary",
        "gpb_expenditure",
        "gpb_basic",
        "gpb_project",
        "gov_fund",
        "soe_capital",
        "three_public",
        "carryover",
    ]
    assert list(idx[idx["empty"]]["table"]) == ["gov_fund", "soe_capital", "carryover"]


@pytest.mark.parametrize(
    ("table", "golden", "measures"),
    [
        ("expenditure", EXPENDITURE, ("total", "basic", "project")),
        ("gpb_basic", GPB_BASIC, ("total", "personnel", "public")),
    ],
)
def test_golden_rows(doc, table, golden, measures):
    df = doc.table(table)
    rows = {(r.code if isinstance(r.code, str) else None): r for r in df.itertuples()}
    for code, values in golden.items():
        row = rows[code]
        got = tuple(getattr(row, m) if isinstance(getattr(row, m), D) else None for m in measures)
        assert got == tuple(_dec(v) for v in values), (table, code)
    if table == "expenditure":
        assert len(df) == len(EXPENDITURE)


def test_codes_and_levels(doc):
    df = doc.table("expenditure")
    lv = dict(zip(df["code"].fillna(""), df["level"].fillna(0), strict=True))
    assert (lv["201"], lv["20103"], lv["2010302"]) == (1, 2, 3)


def test_income_columns_repaired(doc):
    """表2's header is misaligned in the text; 110.00 is 单位资金 (as 表1 and the narrative say)."""
    total = doc.table("income").iloc[0]
    assert total["name"] == "总计"
    assert (total["total"], total["fiscal"], total["gpb"], total["unit_funds"]) == (
        D("342.31"),
        D("232.31"),
        D("232.31"),
        D("110.00"),
    )


def test_two_sided_summary(doc):
    df = doc.table("summary")
    inc = df[df.side == "income"].set_index("name")["total"]
    exp = df[df.side == "expenditure"]
    assert inc["一、本年收入"] == D("342.31") and inc["5. 单位资金"] == D("110.00")
    assert list(exp["code"].dropna()) == ["201", "208", "210", "221"]
    assert set(df[df.item == "total"]["total"]) == {D("342.31")}


def test_three_public_items(doc):
    df = doc.table("three_public").set_index("item")
    assert df.loc["total", "total"] == D("4.96")
    assert df.loc["reception", "gpb"] == D("0.16")
    assert df.loc["vehicle_operation", "total"] == D("4.80")


def test_amounts_have_provenance(doc):
    a = doc.amounts
    row = a[(a.table == "gpb_project") & (a.code == "2010302")].iloc[0]
    assert (row["name"], row["measure"], row["amount"], row["line"]) == (
        "一般行政管理事务｜机构运行补助经费",
        "total",
        D("72.00"),
        306,
    )
    assert all(isinstance(x, D) for x in a["amount"])


def test_gb18030_and_bom_read_the_same(tmp_path, seed_text):
    ref = parse(SEED).amounts
    for enc, name in (("gb18030", "gbk.txt"), ("utf-8-sig", "bom.txt")):
        p = tmp_path / name
        p.write_bytes(seed_text.encode(enc))
        got = parse(p).amounts
        assert [(a.table, a.code, a.measure, a.value) for a in got] == [
            (a.table, a.code, a.measure, a.value) for a in ref
        ]


def test_fullwidth_and_thousands(mutate):
    p = mutate("一、本年收入\t342.31", "一、本年收入\t３４２.３１")
    a = [x for x in parse(p).amounts if x.table == "summary" and x.item == "current"]
    assert a[0].value == D("342.31")
