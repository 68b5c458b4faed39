"""Narrative extraction: golden statements and facts of the seed, checked by hand against
data/seed/000_d8581a66e967af08.txt (line numbers are the file's)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from budgetkit.extract import narrative
from budgetkit.reader import read_source
from budgetkit.reader.lines import Line

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "000_d8581a66e967af08.txt"
SHANGHAI = (
    Path(__file__).resolve().parents[1] / "data" / "shanghai" / "上海市普陀区商务委员会25年预算.pdf"
)


@pytest.fixture(scope="module")
def seed():
    return narrative.extract(read_source(SEED).lines)


def _row(s):
    return (s.line.lineno, s.topic, s.amount, s.share, s.change, s.growth)


def test_seed_statements_golden(seed):
    statements, _ = seed
    got = [_row(s) for s in statements if s.topic]
    assert got[:10] == [
        (375, "summary.total", D("342.31"), None, None, None),
        (383, "income.total", D("342.31"), None, None, None),
        (383, "income.gpb", D("232.31"), D("67.87"), D("30.13"), D("14.90")),
        (387, "income.gov_fund", D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        (391, "income.soe", D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        (395, "income.unit_funds", D("110.00"), D("32.13"), D("0.00"), D("0.00")),
        (399, "expenditure.total", D("342.31"), None, None, None),
        (401, "expenditure.basic", D("160.31"), D("46.83"), D("-7.87"), D("-4.68")),
        (403, "expenditure.project", D("182.00"), D("53.17"), D("38.00"), D("26.39")),
        (407, "fiscal.total", D("232.31"), None, None, None),
    ]
    assert (421, "gpb.basic", D("160.31"), None, D("30.13"), D("23.15")) in got
    assert (438, "gpb.function", D("0.20"), None, D("0.20"), D("100.00")) in got  # 增长\n100.00%
    assert (498, "operating_costs", D("19.44"), None, D("0.74"), D("3.96")) in got
    assert (488, "three_public.total", None, None, D("0.00"), D("0.00")) in got
    assert len(statements) == 49


def test_seed_subjects_codes_reasons(seed):
    statements, _ = seed
    by_line = {(s.line.lineno, s.topic): s for s in statements}
    s = by_line[(383, "income.gpb")]
    assert s.subject == "一般公共预算" and s.section.startswith("二、关于")
    assert (
        s.reason == "调标增资，工资福利支出及公用经费增加；退休人员增加2名，对个人和家庭的补助增加"
    )
    assert by_line[(427, "gpb.function")].code == "201"  # class resolves without tables
    item = by_line[(436, "gpb.function")]
    assert item.subject.endswith("事业运行（项）") and item.code is None  # 项 needs table names
    names = {
        "201": "一般公共服务支出",
        "20103": "政府办公厅（室）及相关机构事务",
        "2010350": "事业运行",
    }
    assert narrative.resolve_code(item.subject, names) == "2010350"
    assert by_line[(486, "three_public.abroad")].amount == D("0")
    assert by_line[(488, "three_public.reception")].reason.startswith("压减接待批次")


def test_toc_is_skipped(seed):
    statements, _ = seed
    assert min(s.line.lineno for s in statements) > 370


def test_seed_facts_golden(seed):
    _, facts = seed
    got = {(f.topic, f.item): f.value for f in facts}
    assert got[("procurement", "total")] == D("102.93")
    assert got[("procurement", "goods")] == D("59.77")
    assert got[("procurement", "works")] == D("0")
    assert got[("procurement", "services")] == D("43.16")
    assert got[("procurement", "sme_reserved")] == D("102.93")
    assert got[("procurement", "small_micro_reserved")] == D("102.93")
    assert got[("assets", "houses_area")] == D("3287.52")
    assert got[("assets", "houses_value")] == D("652.09")
    assert got[("assets", "vehicles_count")] == D("3")
    assert got[("assets", "vehicles_value")] == D("125.46")
    assert got[("assets", "vehicles.general_count")] == D("3")
    assert got[("assets", "furniture_value")] == D("15.15")
    assert got[("assets", "other_value")] == D("504.06")
    assert got[("assets", "equipment_50_count")] == D("0")
    assert got[("assets", "planned_equipment_100_count")] == D("0")
    assert got[("performance", "overall_count")] == D("1")
    assert got[("performance", "overall_amount")] == D("342.31")
    assert got[("performance", "fiscal_projects_amount")] == D("72.00")
    assert got[("performance", "nonfiscal_projects_amount")] == D("110.00")
    assert got[("operating_costs", "amount")] == D("19.44")
    assert got[("three_public", "total")] == D("4.96")
    assert got[("summary", "total")] == D("342.31")
    assert [f.line.lineno for f in facts if f.item == "retirees_increase"] == [383, 421, 436, 440]


def test_full_width_digits_and_wrapped_lines():
    lines = [
        Line(("第三部分 2024 年部门预算情况说明",), 1),
        Line(("二、关于2024年收入预算情况说明",), 2),
        Line(("单位资金１１０．００万元，占32.13%，比上年预算减少",), 3),
        Line(("5.00万元，下降4.35%，主要原因是压减。",), 4),
    ]
    (s,), _ = narrative.extract(lines)
    assert (s.topic, s.amount, s.change, s.growth, s.reason) == (
        "income.unit_funds",
        D("110.00"),
        D("-5.00"),
        D("-4.35"),
        "压减",
    )
    assert s.line.lineno == 3


def _pdf_lines(path):
    pdfplumber = pytest.importorskip("pdfplumber")
    out = []
    with pdfplumber.open(path) as pdf:
        for p, page in enumerate(pdf.pages, 1):
            for i, t in enumerate((page.extract_text() or "").splitlines(), 1):
                if t.strip():
                    out.append(Line((t.strip(),), i, p))
    return out


@pytest.mark.skipif(not SHANGHAI.exists(), reason="Shanghai sample not present")
def test_shanghai_narrative_generalises():
    statements, facts = narrative.extract(_pdf_lines(SHANGHAI))
    got = {s.topic: s for s in statements if s.topic}
    fiscal = next(s for s in statements if s.subject == "财政拨款收入")
    assert (fiscal.amount, fiscal.change) == (D("37151.47"), D("24558.18"))
    assert got["gov_fund.total"].amount == 0 and got["gov_fund.total"].change == 0  # 持平
    assert got["gpb.total"].amount == D("37151.47")
    assert got["operating_costs"].amount == D("171.01")
    assert got["three_public.reception"].amount == D("1.00")
    items = [s for s in statements if s.topic == "gpb.function"]
    assert len(items) == 16 and items[12].amount == D("29381.00")  # "29,381.00万\n元"
    f = {(x.topic, x.item): x.value for x in facts}
    assert f[("procurement", "total")] == D("38.20")
    assert f[("performance", "projects_count")] == D("25")
    assert f[("assets", "planned_vehicles_count")] == D("0")
